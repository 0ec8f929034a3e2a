package report

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
)

// queries are SQL the sections share (include "names").
//
//go:embed queries/*.sql
var queries embed.FS

// builder carries what every section needs.
type builder struct {
	db   *analysis.DB
	res  *analysis.Results
	src  *Sources
	lang string
	loc  *time.Location
	// study names the incident of the outage sections.
	study *study.Study
	// catalog is the analyses with the study's defaults; defaults are
	// those values by key (analysis.StudyKeys): its country, markets ...
	catalog  []analysis.Analysis
	defaults map[string]string
	// merge is Options.Merge.
	merge string
}

// useStudy points the builder at a study: its analyses' defaults and the
// markets, country and sources the sections show. (study helper)
func (b *builder) useStudy(s *study.Study) {
	b.study, b.catalog, b.defaults = s, analysis.ForStudy(s), analysis.StudyDefaults(s)
}

// incident is the study's incident, or an empty one for a study without.
func (b *builder) incident() study.Incident {
	if b.study == nil || b.study.Incident == nil {
		return study.Incident{}
	}
	return *b.study.Incident
}

// reportSections is the report, in reading order: each is the Markdown
// document sections/<id>.md (SQL and chart blocks, rendered by RenderDoc
// as the notebooks are). A section whose query fails, or whose analysis
// has no rows, says "no data" instead of failing the report.
var reportSections = []string{
	"mau_trend", "hhi", "markets", "shares", "gateway_graph", "lockin", "designation",
	"outage_gantt", "outage_impact", "blast_radius", "news_volume", "news_headlines",
	"feed_coverage", "network_effects",
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format("2006-01-02")
	}
	return fmt.Sprint(v)
}

func num(v any) float64 {
	f, _ := analysis.ToFloat(v)
	return f
}

func isNumber(v any) bool {
	_, ok := analysis.ToFloat(v)
	return ok
}

// analysisTable runs a catalogued analysis. An analysis not in this build's
// catalog, or one that returns no rows, is errNoData. Parameters the
// analysis does not declare are dropped, so a section keeps working while
// an analysis's parameters evolve.
func (b *builder) analysisTable(ctx context.Context, name string, params map[string]string) (*analysis.Table, error) {
	a, err := analysis.Find(b.catalog, name)
	if err != nil {
		return nil, fmt.Errorf("%w: analysis %s is not in this build", errNoData, name)
	}
	p := map[string]string{}
	for _, d := range a.Params {
		if v, ok := params[d.Name]; ok {
			p[d.Name] = v
		}
	}
	t, err := b.res.Run(ctx, a, p)
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, errNoData
	}
	return t, nil
}

// text is a page string: the study's own wording for its incident
// ([report.text.LANG] in study.toml) before the generic one.
func (b *builder) text(key string) string {
	if b.study != nil {
		if t := b.study.Report.Text[b.lang][key]; t != "" {
			return t
		}
	}
	return tr(b.lang, key)
}

// categoryLabel names a taxonomy category in the page language.
func categoryLabel(lang, id string) string {
	for _, c := range schema.Taxonomy {
		if c.ID == id {
			if lang == "ko" {
				return c.Ko
			}
			return c.En
		}
	}
	if s := tr(lang, "node."+id); s != "node."+id {
		return s
	}
	return id
}

// pick keeps the named columns of a table, in that order.
func pick(t *analysis.Table, cols ...string) *analysis.Table {
	out := &analysis.Table{}
	var idx []int
	for _, c := range cols {
		if i := t.Col(c); i >= 0 {
			idx = append(idx, i)
			out.Columns = append(out.Columns, c)
		}
	}
	for _, r := range t.Rows {
		row := make([]any, len(idx))
		for j, i := range idx {
			row[j] = r[i]
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// dropProvenance hides the provenance columns, which captions cite.
func dropProvenance(t *analysis.Table) *analysis.Table {
	var keep []string
	hide := map[string]bool{"sources": true}
	for _, c := range schema.ProvenanceColumns {
		hide[c] = true
	}
	for _, c := range t.Columns {
		if !hide[c] {
			keep = append(keep, c)
		}
	}
	return pick(t, keep...)
}

// shorten cuts s to n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// categoryColors gives every taxonomy category its own colour, the same in
// every chart, so the legend can be read in print.
var categoryColors = map[string]string{
	"messaging": "#4e79a7", "identity": "#1f3b73", "payments": "#f28e2b", "finance": "#b6992d",
	"commerce": "#e15759", "mobility": "#76b7b2", "maps": "#59a14f", "content": "#edc948",
	"news": "#b07aa1", "search": "#ff9da7", "email": "#9c755f", "community": "#86bcb6",
	"games": "#d37295", "productivity": "#8cd17d", "notifications": "#499894", "public": "#79706e",
	"delivery": "#f1ce63", "gateway": "#222222", "account": "#555555", "infrastructure": "#aa0000",
}

func categoryColor(id string) string {
	if c, ok := categoryColors[id]; ok {
		return c
	}
	return "#bab0ac"
}

// gatewayName names a gateway id by the study's platform metadata, in the
// page language when it has one. (study helper)
func (b *builder) gatewayName(id string) string {
	for _, p := range b.study.Platforms {
		if p.ID != id {
			continue
		}
		if b.lang == "ko" && p.NameKo != "" {
			return p.NameKo
		}
		return p.Name
	}
	return id
}

// paramDefault is an analysis parameter's default ("" when it has none).
func paramDefault(a analysis.Analysis, name string) string {
	for _, p := range a.Params {
		if p.Name == name {
			return p.Default
		}
	}
	return ""
}
