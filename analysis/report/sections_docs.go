package report

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"text/template"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/macros"

	"github.com/gwanmun/gwanmun/analysis/notebook/nbformat"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
)

// Sections written as notebooks: Markdown with SQL and chart blocks,
// rendered by RenderDoc as the notebooks are. Each file is first a
// text/template, so its titles and captions come from the page's language
// (t) and its parameters from the study (.Incident) and the page (.TZ).
//
//go:embed sections/*.md
var sectionDocs embed.FS

// docData is what a section's template sees.
type docData struct {
	Incident study.Incident
	Lang     string
	// TZ is the page's time zone (IANA name), for dates and times; Zone
	// its abbreviation at the incident's start (KST), for captions.
	TZ, Zone string
	// Defaults are the study's analysis defaults by key (analysis.StudyKeys:
	// country, market, users_source ...).
	Defaults map[string]string
	// Merge is the hypothetical merger asked for (report --merge), or "".
	Merge string
}

// docSection renders sections/<id>.md into blocks.
func (b *builder) docSection(ctx context.Context, page *Report, id string) ([]Block, error) {
	raw, err := sectionDocs.ReadFile(path.Join("sections", id+".md"))
	if err != nil {
		return nil, err
	}
	tpl, err := template.New(id).Option("missingkey=error").Funcs(b.docFuncs(ctx)).Parse(string(raw))
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	var md bytes.Buffer
	inc := b.incident()
	data := docData{Incident: inc, Lang: b.lang, TZ: b.loc.String(), Defaults: b.defaults, Merge: b.merge}
	if !inc.Start.IsZero() {
		data.Zone = inc.Start.In(b.loc).Format("MST")
	}
	if err := tpl.Execute(&md, data); err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	nb, err := nbformat.Parse(md.Bytes(), Rules)
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	sub := &Report{Lang: page.Lang, Loc: page.Loc}
	if err := RenderDoc(ctx, b.db, sub, b.src, nb); err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	return sub.Blocks, nil
}

// docFuncs are the functions a section's template calls: t (a page
// string), attr and sql (quoting), call (a catalog analysis as its table
// macro with the study's parameters), param (one of those parameters),
// result (an analysis computed in Go,
// as a temporary table), row (a query's first row, for a caption), include
// (one of the report's queries/*.sql), and texts, values, categories and
// platforms (lookup tables in the page language, as SQL VALUES).
func (b *builder) docFuncs(ctx context.Context) template.FuncMap {
	return template.FuncMap{
		"t":    b.text,
		"attr": attrText,
		"sql":  sqlText,
		"call": func(name string, kv ...string) (string, error) {
			return b.macroCall(ctx, name, kv...)
		},
		"param": func(name, p string) (string, error) {
			a, err := analysis.Find(b.catalog, name)
			if err != nil {
				return "", err
			}
			return paramDefault(a, p), nil
		},
		"result": func(name string) (string, error) {
			return b.resultTable(ctx, name)
		},
		// nodata ends a section that has nothing to show ("no data").
		"nodata": func() (string, error) { return "", errNoData },
		"row": func(q string) (map[string]any, error) {
			t, err := b.db.Query(ctx, q)
			if err != nil || len(t.Rows) == 0 {
				return nil, err
			}
			return t.Records()[0], nil
		},
		"include": func(name string) (string, error) {
			q, err := queries.ReadFile(path.Join("queries", name+".sql"))
			return strings.TrimSpace(string(q)), err
		},
		"texts": func(prefix, alias string) string {
			var rows [][2]string
			seen := map[string]bool{}
			for _, m := range []map[string]map[string]string{texts, labels} {
				for k := range m["en"] {
					if rest, ok := strings.CutPrefix(k, prefix); ok && !seen[k] {
						seen[k] = true
						rows = append(rows, [2]string{rest, tr(b.lang, k)})
					}
				}
			}
			return valuesSQL(alias, rows)
		},
		"values": func(alias string, vs ...string) string {
			rows := make([][2]string, len(vs))
			for i, v := range vs {
				rows[i] = [2]string{v, valueText(b.lang, v)}
			}
			return valuesSQL(alias, rows)
		},
		"categories": func(alias string) string {
			var rows [][2]string
			for _, c := range schema.Taxonomy {
				rows = append(rows, [2]string{c.ID, categoryLabel(b.lang, c.ID)})
			}
			for k := range texts["en"] {
				if id, ok := strings.CutPrefix(k, "node."); ok {
					rows = append(rows, [2]string{id, categoryLabel(b.lang, id)})
				}
			}
			return valuesSQL(alias, rows)
		},
		"platforms": func(alias string) string {
			var rows [][2]string
			if b.study != nil {
				for _, p := range b.study.Platforms {
					rows = append(rows, [2]string{p.ID, b.gatewayName(p.ID)})
				}
			}
			return valuesSQL(alias, rows)
		},
	}
}

// valuesSQL writes rows of (key, text) as an SQL table, sorted by key so
// the text is the same in every render.
func valuesSQL(alias string, rows [][2]string) string {
	slices.SortFunc(rows, func(a, c [2]string) int { return strings.Compare(a[0], c[0]) })
	rows = slices.CompactFunc(rows, func(a, c [2]string) bool { return a[0] == c[0] })
	if len(rows) == 0 {
		return fmt.Sprintf("(SELECT NULL::VARCHAR AS key, NULL::VARCHAR AS text WHERE false) %s", alias)
	}
	var sb strings.Builder
	sb.WriteString("(VALUES ")
	for i, r := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(" + sqlText(r[0]) + ", " + sqlText(r[1]) + ")")
	}
	sb.WriteString(") " + alias + "(key, text)")
	return sb.String()
}

// macroCall writes a catalog analysis as its table macro called with the
// study's parameters (ForStudy's defaults), then the pairs given
// (name, value, ...); a parameter the analysis does not declare is
// dropped, as analysisTable drops it.
func (b *builder) macroCall(ctx context.Context, name string, kv ...string) (string, error) {
	a, err := analysis.Find(b.catalog, name)
	if err != nil {
		return "", err
	}
	if len(kv)%2 != 0 {
		return "", fmt.Errorf("call %s: want name, value pairs", name)
	}
	given := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		given[kv[i]] = kv[i+1]
	}
	ms, err := macros.All()
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(ms, func(m macros.Macro) bool { return m.Name == name })
	if i < 0 {
		return "", fmt.Errorf("call %s: the analysis has no table macro (computed in Go: use result)", name)
	}
	takes := map[string]bool{}
	for _, p := range ms[i].Params {
		takes[p.Name] = true
	}
	var args []string
	params := map[string]string{}
	for _, p := range a.Params {
		v, ok := given[p.Name]
		if !ok {
			v = p.Default
		}
		if v == "" {
			continue
		}
		params[p.Name] = v
		// A Go step's own parameter (lockin's kinds) is not the macro's.
		if takes[p.Name] {
			args = append(args, p.Name+" := "+sqlText(v))
		}
	}
	// The analysis's own check of its parameters (a merger's ids).
	if a.Check != nil {
		if err := a.Check(ctx, b.db, params); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	return name + "(" + strings.Join(args, ", ") + ")", nil
}

// resultTable computes a catalog analysis with a Go step (network_effects,
// concentration_sensitivity, news_attention: no table macro) through the
// report's shared results, and loads it as a temporary table named
// result_<name>, which the section's SQL reads; "" when it has no rows.
func (b *builder) resultTable(ctx context.Context, name string) (string, error) {
	t, err := b.analysisTable(ctx, name, nil)
	if errors.Is(err, errNoData) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	tbl := "result_" + name
	if err := loadTable(ctx, b.db, tbl, t); err != nil {
		return "", fmt.Errorf("result %s: %w", name, err)
	}
	return tbl, nil
}

// loadTable writes t into a temporary table of that name, typed by its
// values (lists as VARCHAR[]).
func loadTable(ctx context.Context, db *analysis.DB, name string, t *analysis.Table) error {
	cols := make([]string, len(t.Columns))
	marks := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `" ` + analysis.ColumnType(t, i)
		marks[i] = "?"
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (%s)", name, strings.Join(cols, ", "))); err != nil {
		return err
	}
	ins := fmt.Sprintf("INSERT INTO %s VALUES (%s)", name, strings.Join(marks, ", "))
	for _, r := range t.Rows {
		args := make([]any, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case []any:
				l := make([]string, len(x))
				for j, e := range x {
					l[j] = str(e)
				}
				args[i] = l
			default:
				args[i] = v
			}
		}
		if _, err := db.ExecContext(ctx, ins, args...); err != nil {
			return err
		}
	}
	return nil
}

// attrText quotes text for a block attribute's double quotes; a backtick
// would end the fence's info string, so it becomes a typographic quote.
func attrText(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "’", "\n", " ").Replace(s)
	return s
}

// sqlText is s as an SQL string literal.
func sqlText(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
