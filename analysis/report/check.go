package report

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/gwanmun/gwanmun/analysis"
)

//go:embed expectations.toml
var defaultExpectations []byte

// Expectation is one headline number and where it comes from: either SQL
// returning one row and one column, or an analysis, a column and the
// row whose columns equal Where.
type Expectation struct {
	Name      string            `toml:"name"`
	Want      float64           `toml:"want"`
	Tolerance float64           `toml:"tolerance"`
	SQL       string            `toml:"sql"`
	Analysis  string            `toml:"analysis"`
	Params    map[string]string `toml:"params"`
	Column    string            `toml:"column"`
	Where     map[string]any    `toml:"where"`
	Note      string            `toml:"note"`
}

// CheckResult is one compared number.
type CheckResult struct {
	Name      string   `json:"name"`
	Want      float64  `json:"want"`
	Got       *float64 `json:"got"`
	Tolerance float64  `json:"tolerance"`
	OK        bool     `json:"ok"`
	Problem   string   `json:"problem,omitempty"`
}

// ErrMoved is returned by Check when a number moved beyond its tolerance.
var ErrMoved = errors.New("headline numbers moved")

// LoadExpectations parses an expectations file; nil reads the committed one.
func LoadExpectations(b []byte) ([]Expectation, error) {
	if b == nil {
		b = defaultExpectations
	}
	var f struct {
		Number []Expectation `toml:"number"`
	}
	if err := toml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("expectations: %w", err)
	}
	seen := map[string]bool{}
	for i, e := range f.Number {
		switch {
		case e.Name == "":
			return nil, fmt.Errorf("expectation %d has no name", i+1)
		case seen[e.Name]:
			return nil, fmt.Errorf("expectation %q is listed twice", e.Name)
		case (e.SQL == "") == (e.Analysis == ""):
			return nil, fmt.Errorf("expectation %q: give either sql or analysis", e.Name)
		case e.Analysis != "" && e.Column == "":
			return nil, fmt.Errorf("expectation %q: analysis %s needs a column", e.Name, e.Analysis)
		case e.Tolerance < 0:
			return nil, fmt.Errorf("expectation %q: negative tolerance", e.Name)
		}
		seen[e.Name] = true
	}
	return f.Number, nil
}

// Check computes every expected number and compares it with its
// expectation. It returns every result and ErrMoved naming the numbers
// that moved (or could not be computed).
func Check(ctx context.Context, db *analysis.DB, es []Expectation) ([]CheckResult, error) {
	var out []CheckResult
	var moved []string
	for _, e := range es {
		r := CheckResult{Name: e.Name, Want: e.Want, Tolerance: e.Tolerance}
		got, err := e.value(ctx, db)
		switch {
		case ctx.Err() != nil:
			return out, ctx.Err()
		case err != nil:
			r.Problem = err.Error()
		default:
			r.Got = &got
			r.OK = math.Abs(got-e.Want) <= e.Tolerance+1e-9*math.Abs(e.Want)
			if !r.OK {
				r.Problem = fmt.Sprintf("moved from %s to %s (tolerance %s)", FormatNumber(e.Want), FormatNumber(got), FormatNumber(e.Tolerance))
			}
		}
		if !r.OK {
			moved = append(moved, fmt.Sprintf("%s: %s", e.Name, r.Problem))
		}
		out = append(out, r)
	}
	if len(moved) > 0 {
		return out, fmt.Errorf("%w:\n  %s", ErrMoved, strings.Join(moved, "\n  "))
	}
	return out, nil
}

func (e Expectation) value(ctx context.Context, db *analysis.DB) (float64, error) {
	var t *analysis.Table
	var err error
	if e.SQL != "" {
		t, err = db.Query(ctx, e.SQL)
		if err != nil {
			return 0, err
		}
		if len(t.Rows) != 1 || len(t.Columns) != 1 {
			return 0, fmt.Errorf("sql returned %d rows × %d columns, want exactly one value", len(t.Rows), len(t.Columns))
		}
		return number(t.Rows[0][0])
	}
	a, err := analysis.Lookup(e.Analysis)
	if err != nil {
		return 0, err
	}
	if t, err = db.Run(ctx, a, e.Params); err != nil {
		return 0, err
	}
	ci := t.Col(e.Column)
	if ci < 0 {
		return 0, fmt.Errorf("analysis %s has no column %q", e.Analysis, e.Column)
	}
	var match [][]any
	for _, row := range t.Rows {
		ok := true
		for k, want := range e.Where {
			i := t.Col(k)
			if i < 0 {
				return 0, fmt.Errorf("analysis %s has no column %q", e.Analysis, k)
			}
			if !sameValue(row[i], want) {
				ok = false
				break
			}
		}
		if ok {
			match = append(match, row)
		}
	}
	if len(match) != 1 {
		return 0, fmt.Errorf("%d rows of %s match %v, want exactly one", len(match), e.Analysis, e.Where)
	}
	return number(match[0][ci])
}

func sameValue(got, want any) bool {
	switch w := want.(type) {
	case int64:
		return num(got) == float64(w)
	case float64:
		return num(got) == w
	case bool:
		b, ok := got.(bool)
		return ok && b == w
	}
	return str(got) == fmt.Sprint(want)
}

func number(v any) (float64, error) {
	if f, ok := analysis.ToFloat(v); ok {
		return f, nil
	}
	if v == nil {
		return 0, errors.New("value is NULL")
	}
	return 0, fmt.Errorf("value %v is not a number", v)
}

// FormatNumber writes a checked number for people: thousands grouped,
// small numbers to four decimals.
func FormatNumber(x float64) string {
	if math.Abs(x) >= 1e4 && math.Abs(x) < 1e15 {
		return groupDigits(int64(math.Round(x)))
	}
	return strconv.FormatFloat(math.Round(x*1e4)/1e4, 'f', -1, 64)
}
