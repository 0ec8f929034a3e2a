package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
)

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed init.js
	initJS string
)

// RenderOptions tune the page for tests.
type RenderOptions struct {
	// OmitLibrary leaves ECharts and our init.js out, so golden files hold
	// only the page's own markup and data; such a page draws nothing.
	OmitLibrary bool
	// Base names the files written beside the page (see WriteFile);
	// empty is "index".
	Base string
}

// files are the names of what WriteFile writes beside a page named base:
// the report's index.html gets tables/, references.bib and
// references.json; a notebook page n.html gets n-tables/, n.bib and
// n.csl.json.
type files struct{ tables, bib, csl string }

func filesFor(base string) files {
	if base == "" || base == "index" {
		return files{"tables", "references.bib", "references.json"}
	}
	return files{base + "-tables", base + ".bib", base + ".csl.json"}
}

// number assigns figure and table numbers in page order and the CSV file
// of every table.
func (r *Report) number(f files) {
	fig, tab := 0, 0
	for _, b := range r.Blocks {
		s := b.Section
		if s == nil || s.NoData != "" {
			continue
		}
		if s.Chart != nil {
			fig++
			s.FigureNo = fig
		}
		if s.Table != nil && len(s.Table.Rows) > 0 {
			tab++
			s.TableNo = tab
			s.TableCSV = f.tables + "/" + s.ID + ".csv"
		}
	}
}

// WideTables are the sections whose tables print in the appendix.
func (r *Report) WideTables() []*Section {
	var out []*Section
	for _, b := range r.Blocks {
		if s := b.Section; s != nil && s.NoData == "" && s.TableNo > 0 && s.Wide() {
			out = append(out, s)
		}
	}
	return out
}

// Render writes the page as one self-contained HTML document. Everything
// scraped is escaped by html/template; chart options travel as JSON data
// (see chartsJSON).
func (r *Report) Render(w io.Writer, o RenderOptions) error {
	js, boot := "/* ECharts omitted */", "/* init.js omitted */"
	if !o.OmitLibrary {
		boot = initJS
		var err error
		if js, err = EChartsJS(); err != nil {
			return err
		}
	}
	for _, b := range r.Blocks {
		if b.Section != nil && b.Section.Chart != nil && b.Section.Chart.Height == "" {
			b.Section.Chart.Height = fmt.Sprintf("%dpx", defaultHeight)
		}
	}
	fs := filesFor(o.Base)
	r.number(fs)
	cj, err := chartsJSON(r.Charts())
	if err != nil {
		return err
	}
	t, err := template.New("page").Funcs(r.funcs()).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	data := struct {
		*Report
		ChartsJSON, EChartsJS, InitJS template.JS
		BibFile, CSLFile, TZ          string
	}{r, template.JS(cj), template.JS(strings.ReplaceAll(js, "</script", `<\/script`)), template.JS(boot), fs.bib, fs.csl, r.tzName()}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %q: %w", r.Title, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func (r *Report) funcs() template.FuncMap {
	return template.FuncMap{
		"tr":        func(k string) string { return tr(r.Lang, k) },
		"header":    func(c string) string { return header(r.Lang, c) },
		"cell":      r.cell,
		"retrieved": func(ss []Source) string { return readDates(r.Lang, ss) },
		"refNote":   func(s Source) string { return evidenceNote(r.Lang, s) },
		"fixtures":  fixtureCount,
		"rows": func(t *analysis.Table, max int) [][]any {
			if max > 0 && len(t.Rows) > max {
				return t.Rows[:max]
			}
			return t.Rows
		},
		"shown": func(n, total int) string {
			return fmt.Sprintf(tr(r.Lang, "shown"), n, total)
		},
		"isNum": isNumber,
		"fullTable": func(n int) string {
			return fmt.Sprintf(tr(r.Lang, "full_table"), n)
		},
		"appendixRef": func(n int) string {
			return fmt.Sprintf(tr(r.Lang, "appendix_ref"), n)
		},
		"tz": func() string { return fmt.Sprintf(tr(r.Lang, "timezone"), r.tzName()) },
	}
}

// tzName names the page's time zone: its IANA name and abbreviation.
func (r *Report) tzName() string {
	if r.Loc == nil {
		return "UTC"
	}
	abbr := time.Date(2022, 10, 15, 12, 0, 0, 0, r.Loc).Format("MST")
	if abbr == r.Loc.String() {
		return abbr
	}
	return r.Loc.String() + ", " + abbr
}

// WriteFile renders into dir/name atomically and returns the path.
// Beside the page it writes every table in full as CSV (truncated tables
// link to theirs) and the references as BibTeX and CSL-JSON.
func (r *Report) WriteFile(dir, name string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("report dir: %w", err)
	}
	base := strings.TrimSuffix(name, filepath.Ext(name))
	var buf bytes.Buffer
	if err := r.Render(&buf, RenderOptions{Base: base}); err != nil {
		return "", err
	}
	fs := filesFor(base)
	for _, b := range r.Blocks {
		s := b.Section
		if s == nil || s.TableCSV == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Join(dir, fs.tables), 0o755); err != nil {
			return "", err
		}
		csv, err := tableCSV(s.Table, r.Loc)
		if err != nil {
			return "", fmt.Errorf("table %s: %w", s.ID, err)
		}
		if err := writeAtomic(filepath.Join(dir, filepath.FromSlash(s.TableCSV)), csv); err != nil {
			return "", err
		}
	}
	if len(r.References) > 0 {
		if err := writeAtomic(filepath.Join(dir, fs.bib), BibTeX(r.References, r.Lang)); err != nil {
			return "", err
		}
		csl, err := CSLJSON(r.References, r.Lang)
		if err != nil {
			return "", err
		}
		if err := writeAtomic(filepath.Join(dir, fs.csl), csl); err != nil {
			return "", err
		}
	}
	dst := filepath.Join(dir, name)
	if err := writeAtomic(dst, buf.Bytes()); err != nil {
		return "", err
	}
	return dst, nil
}

func writeAtomic(dst string, b []byte) error {
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// cell is a table cell as the page shows it: instants in the page's time
// zone, values the program wrote in the page's language.
func (r *Report) cell(v any) string {
	switch x := v.(type) {
	case time.Time:
		if isDate(x) {
			return x.UTC().Format("2006-01-02")
		}
		loc := r.Loc
		if loc == nil {
			loc = time.UTC
		}
		return x.In(loc).Format("2006-01-02 15:04 MST")
	case string:
		return valueText(r.Lang, x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = r.cell(e)
		}
		return strings.Join(parts, ", ")
	}
	return cellText(v)
}

func cellText(v any) string {
	if f, ok := analysis.ToFloat(v); ok {
		v = f
	}
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04Z")
	case bool:
		if x {
			return "✓"
		}
		return "–"
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return groupDigits(int64(x))
		}
		if x >= 1e4 || x <= -1e4 {
			return groupDigits(int64(math.Round(x))) // a fraction of a user is noise
		}
		if x < 1 && x > -1 {
			return fmt.Sprintf("%.3f", x)
		}
		return fmt.Sprintf("%.1f", x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cellText(e)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// groupDigits writes 47637000 as 47,637,000.
func groupDigits(n int64) string {
	s := fmt.Sprintf("%d", n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) <= 4 {
		if neg {
			return "-" + s
		}
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
