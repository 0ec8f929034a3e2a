package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

//go:embed page.html.tmpl
var pageTemplate string

// Render writes the report as one self-contained HTML page. Everything
// scraped is escaped by html/template; chart options are escaped in
// Chart.script.
func (r *Report) Render(w io.Writer) error {
	js, err := EChartsJS()
	if err != nil {
		return err
	}
	for i := range r.Sections {
		if r.Sections[i].Chart.Height == "" {
			r.Sections[i].Chart.Height = "460px"
		}
	}
	funcs := template.FuncMap{
		"tr":     func(k string) string { return tr(r.Lang, k) },
		"script": func(c Chart) (template.JS, error) { return c.script() },
		"cell":   cellText,
		"isNum": func(v any) bool {
			switch v.(type) {
			case float64, int64, int32, int:
				return true
			}
			return false
		},
	}
	t, err := template.New("page").Funcs(funcs).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	data := struct {
		*Report
		EChartsJS template.JS
	}{r, template.JS(strings.ReplaceAll(js, "</script", `<\/script`))}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// WriteFile renders into dir/index.html atomically.
func (r *Report) WriteFile(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("report dir: %w", err)
	}
	var buf bytes.Buffer
	if err := r.Render(&buf); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, "index.html")
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	return dst, os.Rename(tmp, dst)
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04Z")
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return fmt.Sprintf("%d", int64(x))
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
