package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/spf13/cobra"
)

// outputFlags are the output flags every command that prints a table
// has: --format table|json|csv, with --json and --csv as shorthands.
type outputFlags struct {
	format    string
	json, csv bool
}

func (f *outputFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.format, "format", "table", "output: table, json or csv")
	c.Flags().BoolVar(&f.json, "json", false, "shorthand for --format json")
	c.Flags().BoolVar(&f.csv, "csv", false, "shorthand for --format csv")
}

// resolve returns the chosen format; anything else, or two that
// disagree, is a usage error.
func (f *outputFlags) resolve() (string, error) {
	if !slices.Contains([]string{"table", "json", "csv"}, f.format) {
		return "", usageError{fmt.Errorf("--format %q: want table, json or csv", f.format)}
	}
	format := f.format
	for _, s := range []struct {
		set  bool
		name string
	}{{f.json, "json"}, {f.csv, "csv"}} {
		if !s.set {
			continue
		}
		if format != "table" && format != s.name {
			return "", usageError{fmt.Errorf("--%s contradicts --format %s", s.name, format)}
		}
		format = s.name
	}
	return format, nil
}

// printer is the one place user-facing output is formatted.
type printer struct {
	w      io.Writer
	format string // table, json, csv
}

func (p printer) table(t *analysis.Table) error {
	switch p.format {
	case "json":
		return p.json(t.Records())
	case "csv":
		cw := csv.NewWriter(p.w)
		if err := cw.Write(t.Columns); err != nil {
			return err
		}
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(p.w, 0, 0, 2, ' ', 0)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = escapeControl(c)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range t.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = truncate(escapeControl(cell(v)), 60)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

func (p printer) json(v any) error {
	enc := json.NewEncoder(p.w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// line prints one compact JSON line, the cron summary format.
func (p printer) line(v any) error {
	return json.NewEncoder(p.w).Encode(v)
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return fmt.Sprintf("%d", int64(x))
		}
		return fmt.Sprintf("%.4g", x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cell(e)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// escapeControl shows control characters (terminal escape sequences in a
// scraped title, tabs and newlines that would break the table) as Go
// escapes, so a table on a terminal prints text, never commands.
func escapeControl(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
