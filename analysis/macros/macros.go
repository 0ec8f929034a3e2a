// Package macros exposes the catalog's SQL analyses as DuckDB table
// macros, so a notebook (or the DuckDB CLI) reads an analysis as
// `FROM concentration(category := 'messenger')` instead of copying its
// query: one definition per number.
//
// A macro has the analysis's name and the parameters its SQL reads,
// named, with the catalog's defaults. It runs the analysis's query text
// through DuckDB's query(), each $param replaced by the value given as a
// string literal, as the catalog binds every parameter as text. A
// macro's own parameters cannot stand in the query: DuckDB substitutes
// them for any column of the same name (the analyses read columns called
// country and source) and refuses them in GROUP BY. So values must be
// constants, which is what a notebook writes.
package macros

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gwanmun/gwanmun/analysis"
)

// Marker starts the macro preamble of a notebook's SQL script.
const Marker = "-- gwanmun:macros"

// sqlPart names the analyses with a Go Compute step whose SQL alone is
// still the analysis, less some columns the Go step appends; the macro
// gives the SQL's columns, which the Go step leaves as they are.
// lockin's Compute appends the centrality columns (in_degree, dependents,
// pagerank, betweenness) and changes no other; TestMacrosEqualCatalog
// checks the rest column by column.
var sqlPart = map[string]bool{"lockin": true}

// Macro is one analysis as a table macro.
type Macro struct {
	Name   string
	Params []analysis.Param
	// Partial is true when the catalog analysis adds columns in Go that
	// the macro lacks.
	Partial bool
	// SQL creates the macro, headed by a comment naming the analysis.
	SQL string
	// stmts are SQL's statements, executed one at a time.
	stmts []string
}

var reParam = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// All returns a macro for every catalog analysis whose SQL is the
// analysis (or, see sqlPart, its SQL part), in catalog order.
func All() ([]Macro, error) {
	var out []Macro
	for _, a := range analysis.Catalog {
		part := sqlPart[a.Name]
		if a.Compute != nil && !part {
			continue
		}
		m, err := build(a, part)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Names lists the macros All returns.
func Names() ([]string, error) {
	ms, err := All()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out, nil
}

func build(a analysis.Analysis, partial bool) (Macro, error) {
	q, err := a.SQL()
	if err != nil {
		return Macro{}, err
	}
	declared := map[string]bool{}
	for _, p := range a.Params {
		declared[p.Name] = true
	}
	used := map[string]bool{}
	var unknown []string
	for _, m := range reParam.FindAllStringSubmatch(q, -1) {
		if !declared[m[1]] {
			unknown = append(unknown, m[1])
		}
		used[m[1]] = true
	}
	if len(unknown) > 0 {
		return Macro{}, fmt.Errorf("analysis %s: its SQL reads $%s, which it does not declare", a.Name, strings.Join(unknown, ", $"))
	}
	body := strings.TrimRight(strings.TrimSpace(analysis.StripComments(q)), ";")
	// Only the parameters the SQL reads: a Go step's own (lockin's kinds)
	// would do nothing here.
	var params []analysis.Param
	for _, p := range a.Params {
		if used[p.Name] {
			params = append(params, p)
		}
	}
	var outer []string
	for _, p := range params {
		outer = append(outer, fmt.Sprintf("%s := %s", p.Name, quote(p.Default)))
	}
	// Longer names first, so $as_of never eats the start of $as_of_x.
	byLen := slices.Clone(params)
	slices.SortStableFunc(byLen, func(x, y analysis.Param) int { return len(y.Name) - len(x.Name) })
	expr := quote(body)
	for _, p := range byLen {
		lit := fmt.Sprintf(`'''' || replace(CAST(%s AS VARCHAR), '''', '''''') || ''''`, p.Name)
		expr = fmt.Sprintf("replace(%s, '$%s', %s)", expr, p.Name, lit)
	}
	stmt := fmt.Sprintf("CREATE OR REPLACE TEMP MACRO %s(%s) AS TABLE\nFROM query(%s)", a.Name, strings.Join(outer, ", "), expr)
	head := a.Title
	if partial {
		head += " (the columns its SQL computes; `gwanmun analyze " + a.Name + "` adds those computed in Go)"
	}
	sql := fmt.Sprintf("-- %s: %s\n%s;\n", a.Name, head, stmt)
	return Macro{Name: a.Name, Params: params, Partial: partial, SQL: sql, stmts: []string{stmt}}, nil
}

// the lake's views, which the macros read).
func SQL() (string, error) {
	ms, err := All()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the catalog analyses as table macros, e.g. FROM concentration(category := 'messenger').\n", Marker)
	b.WriteString("-- Every parameter is text and defaults as in `gwanmun analyze`; generated from the analyses' SQL.\n")
	for _, m := range ms {
		b.WriteString(m.SQL)
	}
	b.WriteString("-- gwanmun:end macros\n")
	return b.String(), nil
}

// Register creates the macros on db (temporary: they live with its
// connection). Register again after the views are re-created.
func Register(ctx context.Context, db *analysis.DB) error {
	ms, err := All()
	if err != nil {
		return err
	}
	for _, m := range ms {
		// One statement per call: the driver binds a multi-statement
		// string differently (a macro's parameters clash with columns).
		for _, s := range m.stmts {
			if _, err := db.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("macro %s: %w", m.Name, err)
			}
		}
	}
	return nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Equal compares two result values as a reader would: numbers within
// 1e-9 relative, anything else by its printed form.
func Equal(a, b any) bool {
	fa, oka := analysis.ToFloat(a)
	fb, okb := analysis.ToFloat(b)
	if oka && okb {
		d := fa - fb
		if d < 0 {
			d = -d
		}
		m := max(abs(fa), abs(fb), 1)
		return d <= 1e-9*m
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
