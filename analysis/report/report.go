// Package report turns analysis results into one self-contained HTML file:
// ECharts inlined, every chart captioned with its sources and retrieval
// dates, a methods section and a reference list. Notebooks (package
// notebook) are rendered by the same page template.
package report

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"runtime/debug"
	"slices"
	"sort"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/macros"
	"github.com/gwanmun/gwanmun/data/study"
)

// Report is one HTML page: the full report or a rendered notebook.
type Report struct {
	Title      string
	Lang       string
	Generated  string
	Vintage    string
	Code       string
	Blocks     []Block
	References []Source
	Methods    []Method
	// Loc is the one time zone of the page: tables, time axes, captions.
	Loc *time.Location
}

// Block is either trusted prose (rendered Markdown, raw HTML disabled) or a
// section with a chart and/or a table.
type Block struct {
	Prose   template.HTML
	Section *Section
}

// Section is a chart, the table behind it and its caption. A section
// without data shows NoData instead of an empty chart.
type Section struct {
	ID      string
	Title   string
	Caption string
	Sources []Source
	Chart   *Chart
	Table   *analysis.Table
	// MaxRows caps the table shown; 0 shows every row.
	MaxRows int
	NoData  string
	// SQL is the query behind a notebook section, shown folded.
	SQL     string
	SQLName string

	// Set by Render: the figure's and the table's numbers, and where
	// the full table is written as CSV (relative to the page).
	FigureNo, TableNo int
	TableCSV          string
}

// wideColumns is how many columns a table may have and still print
// upright on A4; wider tables print in full in a landscape appendix.
const wideColumns = 9

// Wide reports whether the section's table prints in the appendix.
func (s *Section) Wide() bool {
	return s.Table != nil && len(s.Table.Columns) > wideColumns
}

// Charts returns every chart of the page, in page order, numbered and
// carrying its section's title, caption and sources for figure files.
func (r *Report) Charts() []Chart {
	var out []Chart
	for _, b := range r.Blocks {
		if s := b.Section; s != nil && s.Chart != nil && s.NoData == "" {
			c := *s.Chart
			c.Number, c.Title, c.Caption, c.Sources = len(out)+1, s.Title, s.Caption, s.Sources
			c.Vintage, c.Lang = r.Vintage, r.Lang
			if c.Data == nil {
				c.Data = s.Table
			}
			out = append(out, c)
		}
	}
	return out
}

// Method documents one formula.
type Method struct{ Name, Text string }

// Sources collects cited documents so each chart cites numbered references.
type Sources struct {
	refs map[string]*Source
	list []*Source
	// evidence, from LoadEvidence, says how each cited page was read.
	evidence map[string]urlEvidence
}

// NewSources starts an empty reference list.
func NewSources() *Sources { return &Sources{refs: map[string]*Source{}} }

// Cite returns the numbered reference for url, adding it on first use.
// When and how the page was read comes from the lake (LoadEvidence), never
// from a row's fetched_at, which for a fixture or the seed is no reading.
func (b *Sources) Cite(url, title string) Source {
	if s, ok := b.refs[url]; ok {
		// One URL cited under two titles keeps the same one whatever the
		// order of citing: the longer, then the first in byte order.
		if len(title) > len(s.Title) || len(title) == len(s.Title) && title < s.Title {
			s.Title = title
		}
		return *s
	}
	s := &Source{URL: url, Title: title, Ref: len(b.list) + 1}
	b.stamp(s)
	b.refs[url] = s
	b.list = append(b.list, s)
	return *s
}

// CiteTable cites the provenance columns of a result: source_url (or a
// list of URLs in "sources"), with source_title if present.
func (b *Sources) CiteTable(t *analysis.Table) []Source {
	if t == nil {
		return nil
	}
	var out []Source
	seen := map[string]bool{}
	add := func(url string, title any) {
		if url == "" {
			return
		}
		// Every row is cited, so the title a URL keeps does not depend on
		// which of its rows comes first.
		s := b.Cite(url, str(title))
		if seen[url] {
			return
		}
		seen[url] = true
		out = append(out, s)
	}
	for _, r := range t.Records() {
		add(str(r["source_url"]), r["source_title"])
		if l, ok := r["sources"].([]any); ok {
			for _, u := range l {
				add(str(u), nil)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out
}

// List returns the references in citation order.
func (b *Sources) List() []Source {
	out := make([]Source, len(b.list))
	for i, s := range b.list {
		out[i] = *s
	}
	return out
}

func dateOf(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format("2006-01-02")
	case string:
		if len(t) >= 10 {
			return t[:10]
		}
	}
	return ""
}

// Options control a build.
type Options struct {
	Lang string // en or ko
	// TZ is the page's one time zone; nil is DefaultTZ.
	TZ  *time.Location
	Now time.Time
	// Log receives warnings about sections shown without data; nil discards.
	Log *slog.Logger
	// Results, when set, supplies analysis results already computed (by
	// `gwanmun run`'s analyze step), so no analysis runs twice; nil
	// computes each one the report needs, once.
	Results *analysis.Results
	// Study names the incident the outage sections show and the sections
	// the report has, in order; nil means the default study.
	Study *study.Study
	// Merge, when set, is a hypothetical merger (concentration's merge=,
	// platform ids a,b): the concentration table adds its post-merger HHI,
	// ΔHHI and the DOJ/FTC 2023 presumptions, every leg.
	Merge string
}

func (o *Options) defaults() {
	if o.Lang == "" {
		o.Lang = "en"
	}
	if o.TZ == nil {
		o.TZ = DefaultTZ()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// SectionIDs lists the sections a study may ask for, in default order.
func SectionIDs() []string { return slices.Clone(reportSections) }

// studySections returns the sections a study asks for, in its order.
func studySections(s *study.Study) ([]string, error) {
	if err := s.CheckSections(SectionIDs()); err != nil {
		return nil, err
	}
	var ids []string
	for _, id := range s.Report.Sections {
		if slices.Contains(reportSections, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// NewPage starts a page with the header fields every page shares.
func NewPage(db *analysis.DB, title string, o Options) (*Report, error) {
	o.defaults()
	vintage := db.Vintage // pinned to Iceberg snapshots
	if vintage == "" {
		v, err := LakeVintage(db.LakeDir)
		if err != nil {
			return nil, err
		}
		vintage = v
	}
	return &Report{
		Title: title, Lang: o.Lang, Vintage: vintage, Code: CodeVersion(), Loc: o.TZ,
		Generated: o.Now.In(o.TZ).Format("2006-01-02 15:04 MST"),
	}, nil
}

// errNoData marks a section whose analysis is absent or returned nothing;
// the page says so instead of failing.
var errNoData = errors.New("no data")

// Build runs the analyses the report shows and lays them out.
func Build(ctx context.Context, db *analysis.DB, o Options) (*Report, error) {
	if o.TZ == nil && o.Study != nil {
		o.TZ = StudyTZ(o.Study)
	}
	o.defaults()
	title, st := tr(o.Lang, "title"), o.Study
	if st == nil {
		st = study.Default()
	} else if st.Report.Title != "" {
		title = st.Report.Title
	}
	steps, err := studySections(st)
	if err != nil {
		return nil, err
	}
	r, err := NewPage(db, title, o)
	if err != nil {
		return nil, err
	}
	res := o.Results
	if res == nil {
		res = analysis.NewResults(db)
	}
	b := &builder{db: db, res: res, src: NewSources(), lang: o.Lang, loc: o.TZ, merge: o.Merge}
	b.useStudy(st)
	if err := b.src.LoadEvidence(ctx, db); err != nil {
		return nil, err
	}
	// The catalog's analyses as table macros, for the Markdown sections.
	if err := macros.Register(ctx, db); err != nil {
		return nil, err
	}
	for _, id := range steps {
		blocks, err := b.docSection(ctx, r, id)
		if err == nil {
			r.Blocks = append(r.Blocks, blocks...)
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		o.Log.Info("report section without data", "section", id, "err", err)
		s := &Section{ID: id, Title: b.text(id + ".title"), NoData: tr(o.Lang, "nodata")}
		if !errors.Is(err, errNoData) {
			s.NoData += " (" + err.Error() + ")"
		}
		r.Blocks = append(r.Blocks, Block{Section: s})
	}
	r.References = b.src.List()
	r.Methods = methods(o.Lang)
	return r, nil
}

// DefaultTZ is the default study's time zone.
func DefaultTZ() *time.Location { return StudyTZ(study.Default()) }

// StudyTZ is the time zone a study is told in ([analysis] time_zone),
// UTC when it names none. (study helper)
func StudyTZ(s *study.Study) *time.Location {
	loc, err := time.LoadLocation(s.Analysis.TimeZone)
	if err != nil || s.Analysis.TimeZone == "" {
		return time.UTC
	}
	return loc
}

// LakeVintage hashes the committed manifests' file hashes: two reports
// with the same vintage were drawn from the same data (the same hash the
// saved results record).
func LakeVintage(lakeDir string) (string, error) { return analysis.LakeVintage(lakeDir) }

// CodeVersion is the VCS revision the binary was built from.
func CodeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return bi.Main.Version
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return rev + dirty
}

// Source is one cited document and how the lake's rows read it.
type Source struct {
	URL   string
	Title string
	// Retrieved is the day the page was really read: fetched live, or by
	// the recording the user's archive holds (Archived). Empty otherwise.
	Retrieved string
	Archived  bool
	// Compiled is the seed's compile date for a page the seed cites.
	Compiled string
	// Fixture: a bundled demo recording imitates this page; nobody fetched it.
	Fixture bool
	// Evidence lists the evidence classes of the rows citing the page.
	Evidence []string
	Ref      int
}
