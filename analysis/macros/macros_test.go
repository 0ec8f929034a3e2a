package macros

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis/seedtest"

	"github.com/gwanmun/gwanmun/analysis"
)

// OpenSeed is in seed_test.go's twin below.

// TestMacrosEqualCatalog runs every macro with its defaults over the seed
// and the catalog analysis through Go: the same rows, the same values.
func TestMacrosEqualCatalog(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	if err := Register(ctx, db); err != nil {
		t.Fatal(err)
	}
	ms, err := All()
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, m := range ms {
		t.Run(m.Name, func(t *testing.T) {
			a, err := analysis.Lookup(m.Name)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.Run(ctx, a, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Query(ctx, "FROM "+m.Name+"()")
			if err != nil {
				t.Fatal(err)
			}
			if err := SameValues(got, want); err != nil {
				t.Fatal(err)
			}
			rows += len(got.Rows)
		})
	}
	if rows == 0 {
		t.Fatal("no macro returned a row over the seed: the test compares nothing")
	}
}

// TestMacroParams passes parameters by name, as a notebook does.
func TestMacroParams(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	if err := Register(ctx, db); err != nil {
		t.Fatal(err)
	}
	a, _ := analysis.Lookup("concentration")
	for _, cat := range []string{"messenger", "portal", "messenger,social"} {
		want, err := db.Run(ctx, a, map[string]string{"category": cat, "country": "KR"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Query(ctx, "FROM concentration(category := ?, country := 'KR')", cat)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Rows) == 0 {
			t.Fatalf("%s: no rows over the seed", cat)
		}
		if err := SameValues(got, want); err != nil {
			t.Fatalf("%s: %v", cat, err)
		}
	}
	if _, err := db.Query(ctx, "FROM concentration(categry := 'x')"); err == nil {
		t.Fatal("a misspelt parameter was accepted")
	}
}

func TestSQLScript(t *testing.T) {
	s, err := SQL()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{Marker, "CREATE OR REPLACE TEMP MACRO concentration(category := 'messenger'", "replace(CAST(country AS VARCHAR)"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	if strings.Contains(s, "gwanmun_p_") {
		t.Error("script names an internal parameter")
	}
}

// SameValues checks that got holds every column of want it names, row by
// row, with equal values (numbers within 1e-9 relative).
func SameValues(got, want *analysis.Table) error {
	if len(got.Rows) != len(want.Rows) {
		return fmt.Errorf("%d rows, want %d", len(got.Rows), len(want.Rows))
	}
	for _, c := range got.Columns {
		j := want.Col(c)
		if j < 0 {
			return fmt.Errorf("column %s is not in the catalog's result", c)
		}
		i := got.Col(c)
		for r := range got.Rows {
			if !Equal(got.Rows[r][i], want.Rows[r][j]) {
				return fmt.Errorf("row %d column %s = %v, catalog %v", r, c, got.Rows[r][i], want.Rows[r][j])
			}
		}
	}
	return nil
}

func openSeed(tb testing.TB) *analysis.DB {
	return seedtest.Open(tb, filepath.Join("..", "testdata", "seed"))
}
