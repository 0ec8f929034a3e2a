package schema

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Bounds for sanity checks. No service has more users than people alive;
// no evidence predates the smartphone era this tool is about.
const (
	MaxUsers = 8_500_000_000
	// MaxClockSkew is how far past its fetch time a period or publication
	// date may lie: time zones and a wrong server clock, not the future.
	MaxClockSkew = 48 * time.Hour
)

var (
	minDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

func checkTime(name string, t time.Time) error {
	if t.IsZero() {
		return fmt.Errorf("%s is missing", name)
	}
	if t.Before(minDate) || !t.Before(maxDate) {
		return fmt.Errorf("%s %s is outside 1990..2100", name, t.Format(time.RFC3339))
	}
	return nil
}

// checkNotFuture rejects a date a source could not have known when it was
// read: a period that starts after the fetch or an article published after
// it. A row without a fetch time (built outside a session) is not checked.
func checkNotFuture(name string, t, fetchedAt time.Time) error {
	if fetchedAt.IsZero() || !t.After(fetchedAt.Add(MaxClockSkew)) {
		return nil
	}
	return fmt.Errorf("%s %s is after the fetch time %s (more than %v of clock skew): a source cannot report the future",
		name, t.UTC().Format(time.RFC3339), fetchedAt.UTC().Format(time.RFC3339), MaxClockSkew)
}

func required(pairs ...string) error {
	var errs []error
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			errs = append(errs, fmt.Errorf("%s is empty", pairs[i]))
		}
	}
	return errors.Join(errs...)
}

// YearPartition ("year=2022") is news' layout, the one dataset large enough to split:
// the small reference datasets (platforms, mau, financials, services,
// dependencies, incidents, thresholds) are one file per run each, so a
// small run writes a few files rather than one per year or gateway
// (lake format 2; older lakes keep their year=, gateway= and kind=
// folders, which readers never interpret: hive_partitioning is off).
func YearPartition(t time.Time) string {
	if t.IsZero() {
		return "year=unknown"
	}
	return "year=" + strconv.Itoa(t.UTC().Year())
}

// Platform is an app or service whose users are counted.
type Platform struct {
	PlatformID     string `col:"platform_id"`
	Name           string `col:"name"`
	NameKo         string `col:"name_ko"`
	Company        string `col:"company"`
	CorporateGroup string `col:"corporate_group"`
	Country        string `col:"country"`
	Category       string `col:"category"`
	Provenance
}

func (Platform) Dataset() string   { return "platforms" }
func (Platform) Partition() string { return "" }
func (r Platform) Validate() error {
	if err := required("platform_id", r.PlatformID, "name", r.Name); err != nil {
		return err
	}
	if r.Category != "" && !IsPlatformCategory(r.Category) {
		return fmt.Errorf("platform category %q is not in the taxonomy", r.Category)
	}
	return nil
}

// MAU is one user-count figure. Metric says what was counted (mau, dau,
// daily_users, payers); Estimator says who counted it, because company
// figures and panel estimates measure different things and must never be
// mixed in one series.
type MAU struct {
	PlatformID  string    `col:"platform_id"`
	Country     string    `col:"country"`
	Metric      string    `col:"metric"`
	PeriodStart time.Time `col:"period_start,date"`
	PeriodGrain string    `col:"period_grain"`
	PeriodLabel string    `col:"period_label"`
	Value       float64   `col:"value"`
	Unit        string    `col:"unit"`
	Estimator   string    `col:"estimator"`
	// Source is the organisation behind the figure (a company's IR, a panel).
	Source string `col:"source"`
	// Revision separates an original estimate (0) from a restatement (1..)
	// the source itself publishes. A re-fetched figure that changed is
	// told apart by the readers' latest-row view instead (value_revision,
	// restated, previous_value; see lakestore.LatestSelect).
	Revision int64    `col:"revision"`
	Flags    []string `col:"flags"`
	Note     string   `col:"note"`
	// OriginSource and OriginURL name who first published a figure that
	// the row's page republishes (a Wikipedia table citing Our World in
	// Data): agreement statistics count origins, not pages. Nil when the
	// row's source is its own origin (a company's IR release) or the page
	// names none; readers use COALESCE(origin_source, source).
	OriginSource *string `col:"origin_source" json:",omitempty"`
	OriginURL    *string `col:"origin_url" json:",omitempty"`
	Provenance
}

func (MAU) Dataset() string   { return "mau" }
func (MAU) Partition() string { return "" }
func (r MAU) Validate() error {
	if err := required("platform_id", r.PlatformID, "country", r.Country, "metric", r.Metric,
		"period_grain", r.PeriodGrain, "estimator", r.Estimator, "source", r.Source); err != nil {
		return err
	}
	if err := checkTime("period_start", r.PeriodStart); err != nil {
		return err
	}
	if err := checkNotFuture("period_start", r.PeriodStart, r.FetchedAt); err != nil {
		return err
	}
	if !oneOf(r.PeriodGrain, Grains...) {
		return fmt.Errorf("period_grain %q is not one of %v", r.PeriodGrain, Grains)
	}
	if !oneOf(r.Estimator, Estimators...) {
		return fmt.Errorf("estimator %q is not one of %v", r.Estimator, Estimators)
	}
	if r.Unit == "" {
		return errors.New("unit is empty")
	}
	if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
		return fmt.Errorf("value for %s %s is not a number", r.PlatformID, r.PeriodLabel)
	}
	// Percent changes may be negative; counts and durations may not.
	if r.Unit != "percent" && r.Value < 0 {
		return fmt.Errorf("negative %s %v for %s %s", r.Metric, r.Value, r.PlatformID, r.PeriodLabel)
	}
	if r.Unit == "persons" && r.Value > MaxUsers {
		return fmt.Errorf("user count %.0f for %s exceeds the world's population", r.Value, r.PlatformID)
	}
	return nil
}

// Period grains and estimators allowed in the mau dataset.
var (
	Grains     = []string{"day", "month", "quarter", "half", "year"}
	Estimators = []string{"company-reported", "panel", "survey", "press-estimate"}
)

// Financial is one figure from a company's accounts.
type Financial struct {
	Company     string    `col:"company"`
	PeriodStart time.Time `col:"period_start,date"`
	PeriodGrain string    `col:"period_grain"`
	PeriodLabel string    `col:"period_label"`
	Metric      string    `col:"metric"`
	Value       float64   `col:"value"`
	Currency    string    `col:"currency"`
	Basis       string    `col:"basis"`
	Note        string    `col:"note"`
	Provenance
}

func (Financial) Dataset() string   { return "financials" }
func (Financial) Partition() string { return "" }
func (r Financial) Validate() error {
	if err := required("company", r.Company, "metric", r.Metric, "currency", r.Currency, "period_grain", r.PeriodGrain); err != nil {
		return err
	}
	if err := checkTime("period_start", r.PeriodStart); err != nil {
		return err
	}
	if err := checkNotFuture("period_start", r.PeriodStart, r.FetchedAt); err != nil {
		return err
	}
	if r.Metric == "revenue" && r.Value < 0 {
		return fmt.Errorf("negative revenue %v for %s %s", r.Value, r.Company, r.PeriodLabel)
	}
	return nil
}

// Service is one service a gateway opens, observed on a date.
type Service struct {
	GatewayID   string    `col:"gateway_id"`
	ServiceID   string    `col:"service_id"`
	ObservedAt  time.Time `col:"observed_at,date"`
	NameKo      string    `col:"name_ko"`
	NameEn      string    `col:"name_en"`
	Category    string    `col:"category"`
	CategoryRaw string    `col:"category_raw"`
	Provider    string    `col:"provider"`
	// ThirdParty marks services run by other companies that depend on the
	// gateway (its login, pay or maps) rather than services it runs itself.
	ThirdParty    bool   `col:"third_party"`
	EntryPoint    string `col:"entry_point"`
	AccountLinked bool   `col:"account_linked"`
	AccountRaw    string `col:"account_raw"`
	PlatformID    string `col:"platform_id"`
	Provenance
}

func (Service) Dataset() string   { return "services" }
func (Service) Partition() string { return "" }
func (r Service) Validate() error {
	if err := required("gateway_id", r.GatewayID, "service_id", r.ServiceID, "category", r.Category); err != nil {
		return err
	}
	if !IsCategory(r.Category) {
		return fmt.Errorf("service category %q is not in the taxonomy", r.Category)
	}
	return checkTime("observed_at", r.ObservedAt)
}

// Dependency is an edge "From needs To for Kind": a service needing a login
// system, a payment system, or a data center that hosts it.
type Dependency struct {
	FromID string `col:"from_id"`
	ToID   string `col:"to_id"`
	Kind   string `col:"kind"`
	Note   string `col:"note"`
	// ObservedAt is the day a source states the edge held (the article's
	// date, the snapshot's "as of"); analyses of a moment drop edges first
	// observed after it. Nil: only the fetch date is known.
	ObservedAt *time.Time `col:"observed_at,date"`
	Provenance
}

// DependencyKinds are the allowed edge kinds.
var DependencyKinds = []string{"login", "payment", "messaging", "maps", "notification", "hosting", "account", "gateway"}

func (Dependency) Dataset() string   { return "dependencies" }
func (Dependency) Partition() string { return "" }
func (r Dependency) Validate() error {
	if err := required("from_id", r.FromID, "to_id", r.ToID, "kind", r.Kind); err != nil {
		return err
	}
	if r.FromID == r.ToID {
		return fmt.Errorf("dependency of %q on itself", r.FromID)
	}
	if !oneOf(r.Kind, DependencyKinds...) {
		return fmt.Errorf("dependency kind %q is not one of %v", r.Kind, DependencyKinds)
	}
	return nil
}

// Incident is one event in an outage: its start, a partial restoration or
// the full restoration of one service. At is UTC; AtLocal keeps the
// source's own wall-clock text and UTCOffset its zone.
type Incident struct {
	IncidentID string    `col:"incident_id"`
	ServiceID  string    `col:"service_id"`
	Service    string    `col:"service"`
	Company    string    `col:"company"`
	Event      string    `col:"event"`
	EventRaw   string    `col:"event_raw"`
	At         time.Time `col:"at"`
	AtLocal    string    `col:"at_local"`
	UTCOffset  string    `col:"utc_offset"`
	// AtPrecision is how finely the source states At: minute, hour or day.
	// A day-precision event is a date, not midnight.
	AtPrecision string `col:"at_precision" json:",omitempty"`
	Scope       string `col:"scope"`
	Cause       string `col:"cause"`
	Note        string `col:"note"`
	Provenance
}

// TimePrecisions are the allowed values of incidents.at_precision.
var TimePrecisions = []string{"minute", "hour", "day"}

// Incident events.
var IncidentEvents = []string{"start", "partial_restore", "restore", "update", "other"}

func (Incident) Dataset() string   { return "incidents" }
func (Incident) Partition() string { return "" }
func (r Incident) Validate() error {
	if err := required("incident_id", r.IncidentID, "service_id", r.ServiceID, "event", r.Event); err != nil {
		return err
	}
	if !oneOf(r.Event, IncidentEvents...) {
		return fmt.Errorf("incident event %q is not one of %v", r.Event, IncidentEvents)
	}
	if r.AtPrecision != "" && !oneOf(r.AtPrecision, TimePrecisions...) {
		return fmt.Errorf("at_precision %q is not one of %v", r.AtPrecision, TimePrecisions)
	}
	return checkTime("at", r.At)
}

// News is one article. PublishedAt stays nil when no date could be found
// (DateMissingReason says why): a fetch time is never a publication time.
type News struct {
	ArticleID         string     `col:"article_id"`
	URL               string     `col:"url"`
	CanonicalURL      string     `col:"canonical_url"`
	Outlet            string     `col:"outlet"`
	Title             string     `col:"title"`
	Lead              string     `col:"lead"`
	Lang              string     `col:"lang"`
	PublishedAt       *time.Time `col:"published_at"`
	PublishedRaw      string     `col:"published_raw"`
	PublishedFrom     string     `col:"published_from"`
	UTCOffset         string     `col:"utc_offset"`
	DateMissingReason string     `col:"date_missing_reason"`
	SourceType        string     `col:"source_type"`
	Feed              string     `col:"feed"`
	Query             string     `col:"query"`
	MatchedTerms      []string   `col:"matched_terms"`
	ServicesMentioned []string   `col:"services_mentioned"`
	ClusterID         string     `col:"cluster_id"`
	IncidentID        string     `col:"incident_id"`
	Provenance
}

func (News) Dataset() string { return "news" }
func (r News) Partition() string {
	if r.PublishedAt == nil {
		return "year=unknown"
	}
	return YearPartition(*r.PublishedAt)
}
func (r News) Validate() error {
	return ValidateNews(r.ArticleID, r.URL, r.Title, r.PublishedAt, r.DateMissingReason, r.FetchedAt)
}

// ValidateNews is News.Validate on the columns it checks, for a bulk path
// that builds Arrow columns without a News struct; both paths share it so
// they accept and reject the same rows with the same message.
func ValidateNews(articleID, url, title string, publishedAt *time.Time, dateMissingReason string, fetchedAt time.Time) error {
	if err := required("article_id", articleID, "url", url, "title", title); err != nil {
		return err
	}
	if publishedAt == nil && dateMissingReason == "" {
		return errors.New("published_at is missing and no reason is given")
	}
	if publishedAt != nil {
		if err := checkTime("published_at", *publishedAt); err != nil {
			return err
		}
		return checkNotFuture("published_at", *publishedAt, fetchedAt)
	}
	return nil
}

// Threshold is one regulatory line, e.g. the EU DMA's 45M monthly users.
type Threshold struct {
	RegimeID      string     `col:"regime_id"`
	Regime        string     `col:"regime"`
	Jurisdiction  string     `col:"jurisdiction"`
	Metric        string     `col:"metric"`
	MetricRaw     string     `col:"metric_raw"`
	Value         float64    `col:"value"`
	Unit          string     `col:"unit"`
	Combine       string     `col:"combine"`
	EffectiveFrom *time.Time `col:"effective_from,date"`
	// LegalText is the primary text the line is written in (the statute on
	// law.go.kr, the regulation on EUR-Lex, the guidelines on justice.gov);
	// source_url may be a secondary page that reports it. Empty for a
	// proposal with no enacted text.
	LegalText string `col:"legal_text"`
	Provenance
}

func (Threshold) Dataset() string   { return "thresholds" }
func (Threshold) Partition() string { return "" }
func (r Threshold) Validate() error {
	return required("regime_id", r.RegimeID, "metric", r.Metric, "unit", r.Unit)
}

// Run is one collector's part of an ingest run, the ledger researchers and
// cron jobs read to see what happened. Its run_id and collector columns are
// the provenance ones.
type Run struct {
	Mode             string    `col:"mode"`
	StartedAt        time.Time `col:"started_at"`
	FinishedAt       time.Time `col:"finished_at"`
	Status           string    `col:"status"`
	Requests         int64     `col:"requests"`
	RequestsByStatus string    `col:"requests_by_status"`
	RobotsRefusals   int64     `col:"robots_refusals"`
	RowsEmitted      int64     `col:"rows_emitted"`
	RowsWritten      int64     `col:"rows_written"`
	RowsRejected     int64     `col:"rows_rejected"`
	ParseFailures    int64     `col:"parse_failures"`
	Errors           []string  `col:"errors"`
	Host             string    `col:"host"`
	Provenance
}

func (Run) Dataset() string     { return "runs" }
func (r Run) Partition() string { return "date=" + r.StartedAt.UTC().Format("2006-01-02") }
func (r Run) Validate() error {
	return required("run_id", r.RunID, "collector", r.Collector, "status", r.Status)
}

func oneOf(s string, set ...string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}
