package notebook

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis/seedtest"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/macros"
)

// TestNotebooksShowCatalogNumbers runs every notebook in notebooks/ over
// the seed snapshot. Each query that calls a catalog macro is checked
// against the catalog analysis run through Go with the same parameters:
// every value in a column the analysis also has must be one of that
// column's values there. A notebook that re-derived a figure (rounded it,
// grouped it differently) fails here.
func TestNotebooksShowCatalogNumbers(t *testing.T) {
	ctx := context.Background()
	files, err := filepath.Glob("../../notebooks/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no notebooks: %v", err)
	}
	db := openSeed(t)
	if err := macros.Register(ctx, db); err != nil {
		t.Fatal(err)
	}
	names, err := macros.Names()
	if err != nil {
		t.Fatal(err)
	}
	calls := regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\s*\(([^()]*)\)`)
	arg := regexp.MustCompile(`^\s*([a-z_]+)\s*:=\s*'((?:[^']|'')*)'\s*$`)
	checkedTotal := 0
	for _, f := range files {
		if filepath.Base(f) == "README.md" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				for _, q := range nb.Queries() {
					_, _ = db.ExecContext(ctx, "DROP VIEW IF EXISTS "+q.Name)
				}
			}()
			used, err := nb.Macros()
			if err != nil {
				t.Fatal(err)
			}
			if len(used) == 0 {
				t.Fatal("the notebook calls no catalog analysis: its numbers would be a second source")
			}
			for _, q := range nb.Queries() {
				if err := db.CreateTempView(ctx, q.Name, strings.TrimRight(strings.TrimSpace(q.Body), ";")); err != nil {
					t.Fatalf("%s: %v", q.Name, err)
				}
				got, err := db.Query(ctx, "SELECT * FROM "+q.Name)
				if err != nil {
					t.Fatal(err)
				}
				// A query may call several (a UNION of two markets): each
				// value must be one that one of them computes.
				var wants []*analysis.Table
				var what []string
				for _, m := range calls.FindAllStringSubmatch(q.Body, -1) {
					params := map[string]string{}
					for _, a := range strings.Split(m[2], ",") {
						if strings.TrimSpace(a) == "" {
							continue
						}
						kv := arg.FindStringSubmatch(a)
						if kv == nil {
							t.Fatalf("%s: argument %q: write parameters as name := 'text'", q.Name, a)
						}
						params[kv[1]] = strings.ReplaceAll(kv[2], "''", "'")
					}
					a, err := analysis.Lookup(m[1])
					if err != nil {
						t.Fatal(err)
					}
					want, err := db.Run(ctx, a, params)
					if err != nil {
						t.Fatal(err)
					}
					wants = append(wants, want)
					what = append(what, fmt.Sprintf("%s %v", m[1], params))
				}
				if len(wants) == 0 {
					continue
				}
				n, err := sameColumns(got, wants)
				if err != nil {
					t.Errorf("%s (line %d) against %s: %v", q.Name, q.Line, strings.Join(what, ", "), err)
				}
				checkedTotal += n
			}
		})
	}
	if checkedTotal < 100 {
		t.Fatalf("only %d notebook values were compared with the catalog", checkedTotal)
	}
}

// sameColumns checks every number in got's columns that the analyses'
// results also have against those columns, and counts the values checked.
func sameColumns(got *analysis.Table, wants []*analysis.Table) (int, error) {
	n := 0
	for i, c := range got.Columns {
		var in []*analysis.Table
		for _, w := range wants {
			if w.Col(c) >= 0 {
				in = append(in, w)
			}
		}
		if len(in) == 0 {
			continue
		}
		for _, r := range got.Rows {
			v := r[i]
			if _, ok := analysis.ToFloat(v); !ok {
				continue
			}
			found := false
			for _, want := range in {
				j := want.Col(c)
				for _, w := range want.Rows {
					if macros.Equal(v, w[j]) {
						found = true
						break
					}
				}
			}
			if !found {
				return n, fmt.Errorf("column %s value %v is not a value the analysis computes", c, v)
			}
			n++
		}
	}
	return n, nil
}

// openSeed loads the analysis package's seed snapshot as the lake's
// datasets (see analysis/testdata/README.md).
func openSeed(tb testing.TB) *analysis.DB {
	return seedtest.Open(tb, filepath.Join("..", "testdata", "seed"))
}
