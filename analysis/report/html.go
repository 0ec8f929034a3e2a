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
	}{r, template.JS(cj), template.JS(strings.ReplaceAll(js, "</script", `<\/script`)), template.JS(boot)}
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
		"cell":      cellText,
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
	}
}

// WriteFile renders into dir/name atomically and returns the path.
func (r *Report) WriteFile(dir, name string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("report dir: %w", err)
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, RenderOptions{}); err != nil {
		return "", err
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

func cellText(v any) string {
	if f, ok := toFloat(v); ok {
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
