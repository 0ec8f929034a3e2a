package analysis

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/data/study"
)

//go:embed *.sql
var sqlFiles embed.FS

// Param is a named, bound query parameter with its default. Study, when
// set, names the study value (one of StudyKeys) that replaces Default:
// the default follows the study the user names.
type Param struct {
	Name, Default, Doc string
	Study              string
}

// Analysis is one question answered over the lake: a .sql file named
// after it, and for what SQL does badly (fits, bootstraps, graph measures)
// a Compute step in Go.
type Analysis struct {
	Name   string
	Title  string
	Doc    string
	Params []Param
	// Uses names other analyses whose queries this one reads as CTEs of
	// the same name, so a result is computed one way only.
	Uses []string
	// Compute, when set, produces the table instead of the SQL; it gets
	// every parameter, defaults filled in.
	Compute func(ctx context.Context, db *DB, params map[string]string) (*Table, error)
	// Check, when set, validates parameter values against the lake (a
	// platform id that does not exist) before anything runs; it gets every
	// parameter, defaults filled in, and returns a *ParamError.
	Check func(ctx context.Context, db *DB, params map[string]string) error
}

// ParamError is a parameter the user gave that an analysis cannot take: an
// unknown name or a value that names nothing. A command reports it as a
// usage error.
type ParamError struct {
	Analysis, Param string
	Err             error
}

func (e *ParamError) Error() string {
	if e.Param == "" {
		return fmt.Sprintf("analysis %s: %v", e.Analysis, e.Err)
	}
	return fmt.Sprintf("analysis %s: parameter %s: %v", e.Analysis, e.Param, e.Err)
}

func (e *ParamError) Unwrap() error { return e.Err }

// Catalog lists every analysis, in report order, with the default study's
// defaults (ForStudy gives another study's).
var Catalog = ForStudy(study.Default())

// catalog is every analysis with the defaults that hold without a study.
var catalog = []Analysis{
	mauTrend,
	concentration, concentrationSensitivity, concentrationBootstrap,
	designation,
	servicePlatforms, lockin, dependencyCentrality,
	outageDurations, outageImpact, blastRadius,
	networkEffectsPoints, networkEffects,
	newsVolume, newsMentions, newsAttention,
	{Name: "feed_coverage", Title: "News feed coverage",
		Doc: "Articles per feed or query, days covered, last publication and fetch; flags feeds gone quiet."},
}

var mauTrend = Analysis{Name: "mau_trend", Title: "MAU trend by platform and estimator",
	Doc: "Monthly active users per platform, one series per estimator and source.",
	Params: []Param{
		{Name: "platform", Default: "", Doc: "platform id, empty for all"},
		{Name: "country", Default: "", Doc: "country code (ISO 3166 alpha-2, or WORLD), empty for all"},
	}}

var outageDurations = Analysis{Name: "outage_durations", Title: "Outage durations per service",
	Doc: "Hours from the incident start to first partial and full restoration, per service.",
	Params: []Param{
		{Name: "incident", Study: "incident", Doc: "incident id (default: the study's)"},
		{Name: "root", Study: "root", Doc: "service whose start event starts the clock (default: the study's)"},
		{Name: "tz", Default: "UTC", Study: "tz", Doc: "time zone of the local restore times (default: the study's)"},
	}}

var designation = Analysis{Name: "designation", Title: "Designation tests (EU DMA Art. 3(2), national disaster-management and traffic rules)",
	Doc: "Who crosses which regulatory line in which year, on which data, with the legal citation; " +
		"legs without data are unknown, and each regime's legs are combined with its own AND/OR.",
	Params: []Param{
		{Name: "country", Study: "country", Doc: "country whose user figures are tested (default: the study's)"},
		{Name: "platform", Default: "", Doc: "platform id, empty for all"},
		{Name: "dau_mau_ratio", Default: "", Doc: "if set, estimate daily users as MAU × this ratio where no daily figure exists " +
			"(stated in data_basis); empty: such legs stay unknown"},
	}}

var servicePlatforms = Analysis{Name: "service_platforms", Title: "Services matched to platforms",
	Doc: "Which platform (app with user figures) each gateway service is, and on what basis; unmatched services are the gaps " +
		"in every user-weighted figure (coverage, blast radius, outage impact).",
	Params: []Param{asOfParam("")}}

// studyAsOfParam is asOfParam defaulting to the study's incident start.
func studyAsOfParam() Param {
	p := asOfParam("study")
	p.Default, p.Study = "", "as_of"
	return p
}

// asOfParam is the day an analysis looks from: only services and edges
// observed by then count. Analyses that Use service_platforms need it,
// since its query reads $as_of.
func asOfParam(def string) Param {
	doc := "only services and edges observed by this day (YYYY-MM-DD); empty for every observation"
	if def != "" {
		doc = "the day analysed (default: the incident's start): only services and edges observed by then"
	}
	return Param{Name: "as_of", Default: def, Doc: doc}
}

var outageImpact = Analysis{Name: "outage_impact", Title: "Outage impact: user-days exposed",
	Doc: "Per service: hours to first and full restore (outage_durations), daily users before the incident and " +
		"user-days exposed = daily users × outage days; MAU × a stated DAU/MAU ratio only when the ratio is given.",
	Uses: []string{"outage_durations", "service_platforms"},
	Params: []Param{
		{Name: "incident", Study: "incident", Doc: "incident id (default: the study's)"},
		{Name: "root", Study: "root", Doc: "service whose start event starts the clock (default: the study's)"},
		{Name: "country", Study: "country", Doc: "country of the user figures (default: the study's)"},
		{Name: "tz", Default: "UTC", Study: "tz", Doc: "time zone of the incident's local day (default: the study's)"},
		{Name: "dau_mau_ratio", Default: "", Doc: "DAU/MAU ratio for services without a daily figure, printed on every row; " +
			"empty: their exposure stays unknown"},
		{Name: "mau_estimator", Default: "panel", Doc: "estimator of the MAU the ratio applies to"},
		studyAsOfParam(),
	}}

var blastRadius = Analysis{Name: "blast_radius", Title: "Blast radius of a failed node",
	Doc: "Every service that depends, directly or transitively, on the failed node(s), with its hop distance, " +
		"what it fails through, and its users where known.",
	Uses: []string{"service_platforms"},
	Params: []Param{
		{Name: "failed", Study: "failed", Doc: "failed node id(s), comma-separated (default: the study's)"},
		{Name: "kinds", Default: "", Doc: "dependency kinds to follow, comma-separated; empty for all"},
		{Name: "country", Study: "country", Doc: "country of the user figures (default: the study's)"},
		{Name: "source", Study: "users_source", Doc: "the one source whose MAU weights the radius (default: the study's)"},
		{Name: "as_of", Study: "as_of", Doc: "the day analysed (default: the study's incident start): only edges and service listings " +
			"observed by then, and user figures from the 12 months before"},
	}}

// Validate checks the options as Open would, so a command can reject a
// bad --memory-limit before doing any work.
func (o Options) Validate() error {
	if o.MemoryLimit != "" && !reMemory.MatchString(o.MemoryLimit) {
		return fmt.Errorf("memory limit %q: want a size such as 512MB or 4GB", o.MemoryLimit)
	}
	if o.Threads < 0 {
		return fmt.Errorf("threads %d: want 0 (all cores) or more", o.Threads)
	}
	return nil
}

// Lookup finds an analysis by name in Catalog.
func Lookup(name string) (Analysis, error) { return Find(Catalog, name) }

// SQL returns the analysis's query text, with the queries it Uses
// prepended as CTEs.
func (a Analysis) SQL() (string, error) {
	own, err := readSQL(a.Name)
	if err != nil {
		return "", err
	}
	if len(a.Uses) == 0 {
		return own, nil
	}
	ctes := make([]string, len(a.Uses))
	for i, u := range a.Uses {
		q, err := readSQL(u)
		if err != nil {
			return "", err
		}
		ctes[i] = fmt.Sprintf("%s AS (\n%s\n)", u, strings.TrimRight(strings.TrimSpace(StripComments(q)), ";"))
	}
	body := strings.TrimSpace(StripComments(own))
	head := "WITH "
	switch {
	case hasPrefixFold(body, "WITH RECURSIVE "):
		head, body = "WITH RECURSIVE ", body[len("WITH RECURSIVE "):]
	case hasPrefixFold(body, "WITH "):
		body = body[len("WITH "):]
	default:
		return head + strings.Join(ctes, ",\n") + "\n" + body, nil
	}
	return head + strings.Join(ctes, ",\n") + ",\n" + body, nil
}

func readSQL(name string) (string, error) {
	b, err := sqlFiles.ReadFile(path.Join(".", name+".sql"))
	if err != nil {
		return "", fmt.Errorf("analysis %s: %w", name, err)
	}
	return string(b), nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// resolve fills in defaults; unknown parameter names are an error so a
// typo does not silently use a default.
func (a Analysis) resolve(params map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(a.Params))
	for _, p := range a.Params {
		v, ok := params[p.Name]
		if !ok {
			v = p.Default
		}
		out[p.Name] = v
	}
	unknown := make([]string, 0, len(params))
	for k := range params {
		if _, ok := out[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, &ParamError{Analysis: a.Name, Err: fmt.Errorf("no parameter %q", strings.Join(unknown, `", "`))}
	}
	if v := out["as_of"]; v != "" {
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return nil, &ParamError{Analysis: a.Name, Param: "as_of", Err: fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)}
		}
	}
	return out, nil
}

// Check validates parameters as Run would, without running: a command
// checks every analysis it will run before it computes or saves any.
func (d *DB) Check(ctx context.Context, a Analysis, params map[string]string) error {
	_, err := a.prepare(ctx, d, params)
	return err
}

// prepare resolves the parameters and runs the analysis's Check.
func (a Analysis) prepare(ctx context.Context, d *DB, params map[string]string) (map[string]string, error) {
	p, err := a.resolve(params)
	if err != nil || a.Check == nil {
		return p, err
	}
	return p, a.Check(ctx, d, p)
}

func namedArgs(params map[string]string) []any {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = sql.Named(k, params[k])
	}
	return args
}

// observe tells OnRun of an outermost execution and tracks nesting; the
// caller defers the returned func.
func (d *DB) observe(name string) func() {
	if d.depth == 0 && d.OnRun != nil {
		d.OnRun(name)
	}
	d.depth++
	return func() { d.depth-- }
}

// Run executes the analysis with its parameters bound.
func (d *DB) Run(ctx context.Context, a Analysis, params map[string]string) (*Table, error) {
	defer d.observe(a.Name)()
	p, err := a.prepare(ctx, d, params)
	if err != nil {
		return nil, err
	}
	var t *Table
	if a.Compute != nil {
		t, err = a.Compute(ctx, d, p)
		if t != nil {
			// Computed values pass the same normalisation as scanned ones:
			// a NaN (no fit, no baseline) becomes null, not invalid JSON.
			for _, r := range t.Rows {
				for i := range r {
					r[i] = normalize(r[i])
				}
			}
		}
	} else {
		t, err = d.runSQL(ctx, a, p)
	}
	if err != nil {
		return nil, fmt.Errorf("analysis %s: %w", a.Name, err)
	}
	return t, nil
}

// runSQL runs the analysis's SQL with resolved parameters; Compute steps
// use it for the data they post-process.
func (d *DB) runSQL(ctx context.Context, a Analysis, params map[string]string) (*Table, error) {
	q, err := a.SQL()
	if err != nil {
		return nil, err
	}
	return d.Query(ctx, q, namedArgs(params)...)
}

// resultTable is the temporary table an SQL analysis's result is
// materialised in, so one execution feeds both the scan and the Parquet
// copy; the DB has one connection, so one name suffices.
const resultTable = "gwanmun_result"

// RunSave executes the analysis once and, when dst is not empty, also
// writes that same result to a Parquet file, atomically (a temporary file
// renamed into place). SQL results keep DuckDB's own column types.
func (d *DB) RunSave(ctx context.Context, a Analysis, params map[string]string, dst string) (*Table, error) {
	p, err := a.prepare(ctx, d, params)
	if err != nil {
		return nil, err
	}
	if a.Compute != nil || dst == "" {
		t, err := d.Run(ctx, a, p)
		if err != nil || dst == "" {
			return t, err
		}
		return t, d.saveTable(ctx, a, p, t, dst)
	}
	meta, err := d.resultMeta(a, p)
	if err != nil {
		return nil, fmt.Errorf("save %s: %w", a.Name, err)
	}
	defer d.observe(a.Name)()
	q, err := a.SQL()
	if err != nil {
		return nil, err
	}
	body := strings.TrimRight(strings.TrimSpace(StripComments(q)), ";")
	if _, err := d.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS %s", resultTable, body), namedArgs(p)...); err != nil {
		return nil, fmt.Errorf("analysis %s: %w", a.Name, err)
	}
	defer d.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+resultTable)
	t, err := d.Query(ctx, "SELECT * FROM "+resultTable)
	if err != nil {
		return nil, fmt.Errorf("analysis %s: %w", a.Name, err)
	}
	tmp := dst + ".tmp"
	// COPY's target cannot be a bound parameter; dst is ours, quoted.
	if _, err := d.ExecContext(ctx, fmt.Sprintf("COPY %s TO %s (FORMAT parquet, COMPRESSION zstd, %s)", resultTable, sqlString(tmp), kvMetadata(meta))); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("save %s: %w", a.Name, err)
	}
	return t, os.Rename(tmp, dst)
}

// saveTable writes a result already in hand to Parquet, atomically, with
// the parameters it was computed with.
func (d *DB) saveTable(ctx context.Context, a Analysis, params map[string]string, t *Table, dst string) error {
	meta, err := d.resultMeta(a, params)
	if err != nil {
		return fmt.Errorf("save %s: %w", a.Name, err)
	}
	tmp := dst + ".tmp"
	if err := d.writeParquet(ctx, t, tmp, meta); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", a.Name, err)
	}
	return os.Rename(tmp, dst)
}

// Results runs each analysis at most once per set of parameter values and
// hands every consumer the same table: `gwanmun run` saves, and then
// reports, what it computed once. Tables are shared: do not modify them.
type Results struct {
	db     *DB
	tables map[string]*Table
}

// NewResults starts an empty set of results over db.
func NewResults(db *DB) *Results {
	return &Results{db: db, tables: map[string]*Table{}}
}

// Check validates an analysis's parameters against the lake (DB.Check).
func (r *Results) Check(ctx context.Context, a Analysis, params map[string]string) error {
	return r.db.Check(ctx, a, params)
}

// Run returns the analysis's result, executing it on first use.
func (r *Results) Run(ctx context.Context, a Analysis, params map[string]string) (*Table, error) {
	return r.Save(ctx, a, params, "")
}

// Save is Run that also writes the result to Parquet at dst (if not "").
func (r *Results) Save(ctx context.Context, a Analysis, params map[string]string, dst string) (*Table, error) {
	p, err := a.resolve(params)
	if err != nil {
		return nil, err
	}
	key := resultKey(a.Name, p)
	if t, ok := r.tables[key]; ok {
		if dst != "" {
			return t, r.db.saveTable(ctx, a, p, t, dst)
		}
		return t, nil
	}
	t, err := r.db.RunSave(ctx, a, p, dst)
	if err != nil {
		return nil, err
	}
	r.tables[key] = t
	return t, nil
}

// resultKey names an analysis with its resolved parameter values.
func resultKey(name string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		fmt.Fprintf(&b, "\x00%s=%s", k, params[k])
	}
	return b.String()
}

// StripComments drops full-line SQL comments so a query can be wrapped
// (the catalog and its table macros both wrap the analyses' queries).
func StripComments(q string) string {
	var b strings.Builder
	for _, line := range strings.Split(q, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}
