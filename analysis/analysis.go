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
)

//go:embed *.sql
var sqlFiles embed.FS

// Param is a named, bound query parameter with its default.
type Param struct {
	Name, Default, Doc string
}

// Analysis is one .sql file and what it needs.
type Analysis struct {
	Name   string
	Title  string
	Doc    string
	Params []Param
}

// Catalog lists every analysis, in report order.
var Catalog = []Analysis{
	{Name: "mau_trend", Title: "MAU trend by platform and estimator",
		Doc: "Monthly active users per platform, one series per estimator and source.",
		Params: []Param{
			{Name: "platform", Default: "", Doc: "platform id, empty for all"},
			{Name: "country", Default: "", Doc: "country code (KR, WORLD), empty for all"},
		}},
	{Name: "concentration", Title: "Market concentration (HHI, CR-n)",
		Doc: "Shares, HHI, CR1/CR3/CR4 and effective number of platforms per market and period, with DOJ/FTC 2023 bands.",
		Params: []Param{
			{Name: "category", Default: "messenger", Doc: "platform category defining the market"},
			{Name: "country", Default: "KR", Doc: "country of the market"},
		}},
	{Name: "outage_durations", Title: "Outage durations per service",
		Doc: "Hours from the incident start to first partial and full restoration, per service.",
		Params: []Param{
			{Name: "incident", Default: "2022-10-15-pangyo-fire", Doc: "incident id"},
			{Name: "root", Default: "sk_cc_pangyo", Doc: "service whose start event starts the clock"},
		}},
}

// Lookup finds an analysis by name.
func Lookup(name string) (Analysis, error) {
	for _, a := range Catalog {
		if a.Name == name {
			return a, nil
		}
	}
	names := make([]string, len(Catalog))
	for i, a := range Catalog {
		names[i] = a.Name
	}
	sort.Strings(names)
	return Analysis{}, fmt.Errorf("unknown analysis %q (known: %s)", name, strings.Join(names, ", "))
}

// SQL returns the analysis's query text.
func (a Analysis) SQL() (string, error) {
	b, err := sqlFiles.ReadFile(path.Join(".", a.Name+".sql"))
	if err != nil {
		return "", fmt.Errorf("analysis %s: %w", a.Name, err)
	}
	return string(b), nil
}

// Run executes the analysis with its parameters bound; unknown parameter
// names are an error so a typo does not silently use a default.
func (d *DB) Run(ctx context.Context, a Analysis, params map[string]string) (*Table, error) {
	q, err := a.SQL()
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	var args []any
	for _, p := range a.Params {
		known[p.Name] = true
		v, ok := params[p.Name]
		if !ok {
			v = p.Default
		}
		args = append(args, sql.Named(p.Name, v))
	}
	for k := range params {
		if !known[k] {
			return nil, fmt.Errorf("analysis %s has no parameter %q", a.Name, k)
		}
	}
	t, err := d.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("analysis %s: %w", a.Name, err)
	}
	return t, nil
}

// Export writes an analysis's result to a Parquet file, atomically: DuckDB
// writes a temporary file that is renamed into place.
func (d *DB) Export(ctx context.Context, a Analysis, params map[string]string, dst string) error {
	q, err := a.SQL()
	if err != nil {
		return err
	}
	var args []any
	for _, p := range a.Params {
		v, ok := params[p.Name]
		if !ok {
			v = p.Default
		}
		args = append(args, sql.Named(p.Name, v))
	}
	tmp := dst + ".tmp"
	body := strings.TrimRight(strings.TrimSpace(stripComments(q)), ";")
	// COPY's target cannot be a bound parameter; dst is ours, quoted.
	stmt := fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd)", body, sqlString(tmp))
	if _, err := d.ExecContext(ctx, stmt, args...); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export %s: %w", a.Name, err)
	}
	return os.Rename(tmp, dst)
}

// stripComments drops full-line SQL comments so a query can be wrapped.
func stripComments(q string) string {
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
