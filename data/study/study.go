// Package study reads a study: one outage or market a researcher wants
// measured, written as a TOML file with data files beside it instead of Go.
// A study names its incident (id, cause, start and end with citations,
// affected services, official figures), the news terms that find coverage
// of it in any language, its markets, platform metadata, the report
// sections it wants, and the data files the file collector lands.
package study

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/studies"
)

// DefaultName is the study used when none is named (data/studies/default).
var DefaultName = studies.DefaultName

// Study is one study file.
type Study struct {
	Name        string     `toml:"name"`
	Title       string     `toml:"title"`
	Description string     `toml:"description"`
	Incident    *Incident  `toml:"incident"`
	News        News       `toml:"news"`
	Markets     []Market   `toml:"markets"`
	Platforms   []Platform `toml:"platforms"`
	Report      Report     `toml:"report"`
	// Analysis holds the study's defaults for the analyses' parameters.
	Analysis Analysis `toml:"analysis"`
	// Data are file-collector entries (see ingest/collectors/file), decoded
	// strictly there; paths are relative to the study's folder.
	Data []map[string]any `toml:"data"`

	// Dir is the study's folder inside FS, set by Load.
	Dir string `toml:"-"`
	// FS holds the study's folder (and its data files).
	FS fs.FS `toml:"-"`
}

// Citation names where a fact was read. URL or Document (a report's title
// and page, an archive id) is required, and so are title, publisher and
// the date it was read.
type Citation struct {
	URL       string `toml:"url"`
	Document  string `toml:"document"`
	Title     string `toml:"title"`
	Publisher string `toml:"publisher"`
	Accessed  string `toml:"accessed"`
}

// Incident is the outage a study is about.
type Incident struct {
	ID    string `toml:"id"`
	Title string `toml:"title"`
	Cause string `toml:"cause"`
	// Start and End bound the outage, with their zone (RFC 3339 in TOML).
	Start         time.Time `toml:"start"`
	StartCitation Citation  `toml:"start_citation"`
	End           time.Time `toml:"end"`
	EndCitation   Citation  `toml:"end_citation"`
	// NewsFrom and NewsTo bound the coverage counted for the incident:
	// follow-ups keep coming for weeks after the end.
	NewsFrom time.Time `toml:"news_from"`
	NewsTo   time.Time `toml:"news_to"`
	// Root is the node whose start event starts the outage clock (the data
	// centre, the backbone); FailedNodes seed the blast radius.
	Root             string   `toml:"root"`
	FailedNodes      []string `toml:"failed_nodes"`
	AffectedServices []string `toml:"affected_services"`
	Figures          []Figure `toml:"figures"`
}

// Figure is an official number about the incident (hours to recovery,
// users affected), cited.
type Figure struct {
	Name     string   `toml:"name"`
	Value    float64  `toml:"value"`
	Unit     string   `toml:"unit"`
	Note     string   `toml:"note"`
	Citation Citation `toml:"citation"`
}

// News says how to find coverage of the incident.
type News struct {
	// Terms name the incident in any language; an article matches when
	// all words of a term occur close together.
	Terms []string `toml:"terms"`
	// SearchQueries are the few queries a search API that takes one query
	// per request (and bills or limits per request) sends by default; the
	// terms are often too many for that. Optional: SearchTerms falls back
	// to Terms.
	SearchQueries []string `toml:"search_queries"`
	// Services is the alias table: how the press names each service and
	// which phrases report it broken.
	Services []NewsService `toml:"services"`
}

// SearchTerms are the queries a one-query-per-request search sends by
// default: SearchQueries, or all Terms when the study lists none.
func (n News) SearchTerms() []string {
	if len(n.SearchQueries) > 0 {
		return n.SearchQueries
	}
	return n.Terms
}

// NewsService is one entry of the alias table.
type NewsService struct {
	ID      string   `toml:"id"`
	Aliases []string `toml:"aliases"`
	Outage  []string `toml:"outage"`
}

// Market is a set of platforms competing for users in one country.
type Market struct {
	ID         string   `toml:"id"`
	Title      string   `toml:"title"`
	Country    string   `toml:"country"`
	Categories []string `toml:"categories"`
	Platforms  []string `toml:"platforms"`
	// Gateway is the platform whose lock-in the study measures, if any.
	Gateway string `toml:"gateway"`
}

// Platform is metadata of one platform the study counts.
type Platform struct {
	ID             string `toml:"id"`
	Name           string `toml:"name"`
	NameKo         string `toml:"name_ko"`
	Company        string `toml:"company"`
	CorporateGroup string `toml:"corporate_group"`
	Country        string `toml:"country"`
	Category       string `toml:"category"`
}

// Analysis is what the analyses assume when the user names nothing: whose
// users, counted where and by whom, in which time zone. The market and
// gateway defaults come from Markets.
type Analysis struct {
	// Country is the country of the user figures (ISO 3166 alpha-2, or
	// WORLD for a global count).
	Country string `toml:"country"`
	// TimeZone is the incident's local day (IANA name).
	TimeZone string `toml:"time_zone"`
	// UsersSource is the one MAU source that weights user-weighted figures
	// (blast radius, lock-in coverage): sources are never mixed.
	UsersSource string `toml:"users_source"`
	// Company is the company whose financials value the gateway platform
	// in the network-effect fits.
	Company string `toml:"company"`
	// ValueGrain is the period grain of the company's value figures in
	// those fits: "year" or "quarter".
	ValueGrain string `toml:"value_grain"`
	// LoginNodes are the nodes of the dependency graph third parties log
	// in through, per gateway id (the lock-in index's SSO reach). A
	// gateway may have several (its own login and its account system),
	// and one login node may serve several gateway ids.
	LoginNodes []LoginNode `toml:"login_nodes"`
}

// LoginNode is one gateway's login node.
type LoginNode struct {
	Gateway string `toml:"gateway"`
	Node    string `toml:"node"`
}

// LoginNodesParam is LoginNodes as the lockin analysis's parameter takes
// them: "gateway:node" pairs, comma-separated.
func (a Analysis) LoginNodesParam() string {
	pairs := make([]string, len(a.LoginNodes))
	for i, l := range a.LoginNodes {
		pairs[i] = l.Gateway + ":" + l.Node
	}
	return strings.Join(pairs, ",")
}

// Gateway is the first market that names a gateway platform, or false.
func (s *Study) Gateway() (Market, bool) {
	for _, m := range s.Markets {
		if m.Gateway != "" {
			return m, true
		}
	}
	return Market{}, false
}

// Report lists the sections, in order, the study's report shows, and the
// study's own wording of section titles and captions that name its
// incident: Text[lang]["outage_gantt.title"].
type Report struct {
	Title    string                       `toml:"title"`
	Sections []string                     `toml:"sections"`
	Text     map[string]map[string]string `toml:"text"`
}

// Parse decodes a study file strictly: an unknown or mistyped key is an
// error naming the key and where it is.
func Parse(b []byte, file string) (*Study, error) {
	var s Study
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, decodeError(file, err)
	}
	return &s, nil
}

// decodeError turns go-toml's errors into "file:line:col: unknown key a.b".
func decodeError(file string, err error) error {
	var sm *toml.StrictMissingError
	if errors.As(err, &sm) && len(sm.Errors) > 0 {
		var msgs []string
		for _, e := range sm.Errors {
			row, col := e.Position()
			msgs = append(msgs, fmt.Sprintf("%s:%d:%d: unknown key %q", file, row, col, strings.Join(e.Key(), ".")))
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		key := strings.Join(de.Key(), ".")
		if key != "" {
			return fmt.Errorf("%s:%d:%d: key %q: %s", file, row, col, key, de.Error())
		}
		return fmt.Errorf("%s:%d:%d: %s", file, row, col, de.Error())
	}
	return fmt.Errorf("%s: %w", file, err)
}

// Load reads <name>/study.toml from fsys, checks it against now (nothing
// cited may have been read in the future) and keeps the folder for the
// study's data files.
func Load(fsys fs.FS, name string, now time.Time) (*Study, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("study name %q: want a folder name", name)
	}
	file := path.Join(name, "study.toml")
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("study %s: %w", name, err)
	}
	s, err := Parse(b, file)
	if err != nil {
		return nil, err
	}
	if s.Name != name {
		return nil, fmt.Errorf("%s: name %q does not match its folder %q", file, s.Name, name)
	}
	if err := s.Validate(now); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	s.Dir, s.FS = name, fsys
	return s, nil
}

// reCountry is how the lake writes a country: ISO 3166 alpha-2, or WORLD.
var reCountry = regexp.MustCompile(`^([A-Z]{2}|WORLD)$`)

// Skew is how far in the future a date may be before it is bad input:
// clocks disagree a little, calendars do not.
const Skew = 24 * time.Hour

// Validate checks what the decoder cannot: required fields, ordered
// dates, citations, ids that join, categories in the taxonomy.
func (s *Study) Validate(now time.Time) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if s.Name == "" || s.Title == "" {
		bad("name and title are required")
	}
	if inc := s.Incident; inc != nil {
		if inc.ID == "" || inc.Cause == "" {
			bad("incident: id and cause are required")
		}
		if inc.Start.IsZero() || inc.End.IsZero() {
			bad("incident %s: start and end are required", inc.ID)
		} else if !inc.Start.Before(inc.End) {
			bad("incident %s: start %s is not before end %s", inc.ID, inc.Start.Format(time.RFC3339), inc.End.Format(time.RFC3339))
		}
		if inc.End.After(now.Add(Skew)) {
			bad("incident %s: end %s is in the future", inc.ID, inc.End.Format(time.RFC3339))
		}
		checkCitation(bad, "incident.start_citation", inc.StartCitation, now)
		checkCitation(bad, "incident.end_citation", inc.EndCitation, now)
		if inc.NewsFrom.IsZero() {
			inc.NewsFrom = inc.Start
		}
		if inc.NewsTo.IsZero() {
			inc.NewsTo = inc.End
		}
		if !inc.NewsFrom.Before(inc.NewsTo) || inc.NewsFrom.After(inc.Start) {
			bad("incident %s: news window %s..%s must start by the incident and end after it starts", inc.ID,
				inc.NewsFrom.Format(time.RFC3339), inc.NewsTo.Format(time.RFC3339))
		}
		for i, f := range inc.Figures {
			if f.Name == "" || f.Unit == "" {
				bad("incident.figures[%d]: name and unit are required", i)
			}
			checkCitation(bad, fmt.Sprintf("incident.figures[%d] (%s).citation", i, f.Name), f.Citation, now)
		}
		if len(s.News.Terms) == 0 {
			bad("incident %s: news.terms is empty, so no article can be matched to it", inc.ID)
		}
	}
	seenTerm := map[string]bool{}
	for _, t := range s.News.Terms {
		if strings.TrimSpace(t) == "" {
			bad("news.terms: empty term")
		}
		if seenTerm[t] {
			bad("news.terms: %q twice", t)
		}
		seenTerm[t] = true
	}
	seenQuery := map[string]bool{}
	for _, q := range s.News.SearchQueries {
		if strings.TrimSpace(q) == "" {
			bad("news.search_queries: empty query")
		}
		if seenQuery[q] {
			bad("news.search_queries: %q twice", q)
		}
		seenQuery[q] = true
	}
	seenSvc := map[string]bool{}
	for i, sv := range s.News.Services {
		if sv.ID == "" || len(sv.Aliases) == 0 {
			bad("news.services[%d]: id and aliases are required", i)
		}
		if seenSvc[sv.ID] {
			bad("news.services: id %q twice", sv.ID)
		}
		seenSvc[sv.ID] = true
		for _, a := range append(slices.Clone(sv.Aliases), sv.Outage...) {
			if strings.TrimSpace(a) == "" {
				bad("news.services %s: empty alias or outage term", sv.ID)
			}
		}
	}
	platforms := map[string]bool{}
	for i, p := range s.Platforms {
		if p.ID == "" || p.Name == "" {
			bad("platforms[%d]: id and name are required", i)
		}
		if platforms[p.ID] {
			bad("platforms: id %q twice", p.ID)
		}
		platforms[p.ID] = true
		if p.Category != "" && !schema.IsPlatformCategory(p.Category) {
			bad("platforms %s: category %q is not one of %v", p.ID, p.Category, schema.PlatformCategories)
		}
	}
	for i, m := range s.Markets {
		if m.ID == "" || m.Country == "" || len(m.Categories) == 0 {
			bad("markets[%d]: id, country and categories are required", i)
		}
		for _, c := range m.Categories {
			if !schema.IsPlatformCategory(c) {
				bad("markets %s: category %q is not one of %v", m.ID, c, schema.PlatformCategories)
			}
		}
	}
	if tz := s.Analysis.TimeZone; tz != "" {
		if _, err := time.LoadLocation(tz); err != nil {
			bad("analysis.time_zone %q: %v", tz, err)
		}
	}
	if g := s.Analysis.ValueGrain; g != "" && g != "year" && g != "quarter" {
		bad("analysis.value_grain %q: want year or quarter", g)
	}
	if c := s.Analysis.Country; c != "" && !reCountry.MatchString(c) {
		bad("analysis.country %q: want an ISO 3166 alpha-2 code or WORLD", c)
	}
	seenLogin := map[LoginNode]bool{}
	for i, l := range s.Analysis.LoginNodes {
		if l.Gateway == "" || l.Node == "" {
			bad("analysis.login_nodes[%d]: gateway and node are required", i)
		}
		if strings.ContainsAny(l.Gateway+l.Node, ":, ") {
			bad("analysis.login_nodes[%d]: gateway %q and node %q must be ids (no ':', ',' or space)", i, l.Gateway, l.Node)
		}
		if seenLogin[l] {
			bad("analysis.login_nodes: %s:%s twice", l.Gateway, l.Node)
		}
		seenLogin[l] = true
	}
	for _, m := range s.Markets {
		if m.Country != "" && !reCountry.MatchString(m.Country) {
			bad("markets %s: country %q: want an ISO 3166 alpha-2 code or WORLD", m.ID, m.Country)
		}
	}
	if len(s.Report.Sections) == 0 {
		bad("report.sections is empty")
	}
	return errors.Join(errs...)
}

func checkCitation(bad func(string, ...any), where string, c Citation, now time.Time) {
	if err := c.Check(now); err != nil {
		bad("%s: %v", where, err)
	}
}

// Check reports what a citation lacks, or an access date in the future.
func (c Citation) Check(now time.Time) error {
	var missing []string
	if c.URL == "" && c.Document == "" {
		missing = append(missing, "url or document")
	}
	if c.Title == "" {
		missing = append(missing, "title")
	}
	if c.Publisher == "" {
		missing = append(missing, "publisher")
	}
	if c.Accessed == "" {
		missing = append(missing, "accessed")
	}
	if len(missing) > 0 {
		return fmt.Errorf("citation lacks %s", strings.Join(missing, ", "))
	}
	at, err := time.Parse(time.DateOnly, c.Accessed)
	if err != nil {
		return fmt.Errorf("accessed %q: want YYYY-MM-DD", c.Accessed)
	}
	if at.After(now.Add(Skew)) {
		return fmt.Errorf("accessed %s is in the future", c.Accessed)
	}
	return nil
}

// CheckSections reports sections the report does not know; the report
// package passes its own list, so this package need not import it.
func (s *Study) CheckSections(known []string) error {
	var unknown []string
	for _, sec := range s.Report.Sections {
		if !slices.Contains(known, sec) {
			unknown = append(unknown, sec)
		}
	}
	for lang, texts := range s.Report.Text {
		for key := range texts {
			sec, part, _ := strings.Cut(key, ".")
			if !slices.Contains(known, sec) || (part != "title" && part != "caption") {
				unknown = append(unknown, "text."+lang+"."+key)
			}
		}
	}
	slices.Sort(unknown)
	if len(unknown) > 0 {
		return fmt.Errorf("study %s: unknown report section(s) %q (known: %v)", s.Name, unknown, known)
	}
	return nil
}

// Names lists the studies in fsys: the folders holding a study.toml.
func Names(fsys fs.FS) ([]string, error) {
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if _, err := fs.Stat(fsys, path.Join(e.Name(), "study.toml")); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// AsOf is the day an analysis of the incident looks from: its start, as a
// date in the zone the study gave it. Evidence observed later never
// changes the incident's results. Empty for an incident without a start.
func (i Incident) AsOf() string {
	if i.Start.IsZero() {
		return ""
	}
	return i.Start.Format("2006-01-02")
}
