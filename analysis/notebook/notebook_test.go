package notebook

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/notebook/nbformat"
	"github.com/gwanmun/gwanmun/analysis/report"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.html from the current output")

func TestParseAttrs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string
		err  string
	}{
		{"plain pairs", "type=line x=a y=b", map[string]string{"type": "line", "x": "a", "y": "b"}, ""},
		{"quoted with spaces and Hangul", `title="카카오톡 MAU, 2022" x=a`, map[string]string{"title": "카카오톡 MAU, 2022", "x": "a"}, ""},
		{"escaped quote", `title="a \"b\" c"`, map[string]string{"title": `a "b" c`}, ""},
		{"empty", "   ", map[string]string{}, ""},
		{"missing value", "type", nil, "want key=value"},
		{"unclosed quote", `title="abc`, nil, "unclosed quote"},
		{"duplicate", "x=a x=b", nil, "given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := nbformat.ParseAttrs(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestParseRejectsBadBlocks(t *testing.T) {
	tests := []struct {
		name, md, err string
	}{
		{"chart before any query", "```chart type=line x=a y=b\n```\n", `sql ""`},
		{"unknown query", "```sql name=a\nSELECT 1\n```\n```chart type=line x=a y=b sql=zzz\n```\n", `sql "zzz"`},
		{"unknown chart type", "```sql name=a\nSELECT 1\n```\n```chart type=radar x=a y=b\n```\n", `chart type "radar"`},
		{"typo in attribute", "```sql name=a\nSELECT 1\n```\n```chart type=line x=a y=b serie=c\n```\n", `unknown attribute "serie"`},
		{"name used twice", "```sql name=a\nSELECT 1\n```\n```sql name=a\nSELECT 2\n```\n", "used twice"},
		{"name hides a lake view", "```sql name=mau\nSELECT 1\n```\n", "would hide the lake view"},
		{"name is not an identifier", "```sql name=a-b\nSELECT 1\n```\n", "lower-case letters"},
		{"bands from no query", "```sql name=a\nSELECT 1\n```\n```chart type=line x=a y=b bands=zzz\n```\n", `bands="zzz"`},
		{"marks from no query", "```sql name=a\nSELECT 1\n```\n```chart type=line x=a y=b marks=zzz\n```\n", `marks="zzz"`},
		{"table from a later query", "```sql name=a\nSELECT 1\n```\n```chart type=line x=a y=b table=c\n```\n```sql name=c\nSELECT 1\n```\n", `table="c"`},
		{"cite of no query", "```sql name=a\nSELECT 1\n```\n```chart type=line x=a y=b cite=a,zzz\n```\n", `cite="a,zzz"`},
		{"scale not a number", "```sql name=a\nSELECT 1\n```\n```chart type=line x=a y=b scale=million\n```\n", `scale="million"`},
		{"rowheight not a number", "```sql name=a\nSELECT 1\n```\n```chart type=hbar x=a y=b rowheight=big\n```\n", `rowheight="big"`},
		{"xlabels unknown", "```sql name=a\nSELECT 1\n```\n```chart type=bar x=a y=b xlabels=some\n```\n", `xlabels="some"`},
		{"show not a boolean", "```sql name=a show=no\nSELECT 1\n```\n", `show="no"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.md))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.err)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q does not name the line", err)
			}
		})
	}
}

func TestParseTitleAndBlocks(t *testing.T) {
	nb, err := Parse([]byte("# 카카오 장애\n\ntext\n\n```sql\nSELECT 1 AS x\n```\n\n```chart type=bar x=x y=x\ncaption\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if nb.Title != "카카오 장애" {
		t.Errorf("title = %q", nb.Title)
	}
	if len(nb.Blocks) != 2 || nb.Blocks[0].Name != "query_1" || nb.Blocks[1].Attrs["sql"] != "query_1" || nb.Blocks[1].Body != "caption" {
		t.Fatalf("blocks = %+v", nb.Blocks)
	}
}

// openWith opens an empty lake and replaces views with inline tables.
func openWith(t *testing.T, setup string) *analysis.DB {
	t.Helper()
	ctx := context.Background()
	db, err := analysis.Open(ctx, t.TempDir(), analysis.Options{Threads: 1, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range strings.Split(setup, ";\n") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

// TestRenderGolden renders testdata/<case>/input.md against the views
// testdata/<case>/setup.sql defines and compares with want.html. The golden
// leaves out ECharts and every timestamp; -update rewrites it.
func TestRenderGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/*/input.md")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, in := range cases {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			setup, _ := os.ReadFile(filepath.Join(dir, "setup.sql"))
			db := openWith(t, string(setup))
			nb, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			page, err := nb.Render(context.Background(), db, report.Options{Lang: "en", Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			page.Generated, page.Code = "", "test"
			var got bytes.Buffer
			if err := page.Render(&got, report.RenderOptions{OmitLibrary: true}); err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(dir, "want.html")
			if *update {
				if err := os.WriteFile(want, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), w) {
				t.Errorf("%s differs from the rendering; run `go test ./analysis/notebook -run TestRenderGolden -update` and review the diff.\n%s",
					want, firstDiff(string(w), got.String()))
			}
		})
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

// TestScrapedTextIsEscaped checks the escaping golden for the properties
// that matter, so a careless -update cannot bless an injection.
func TestScrapedTextIsEscaped(t *testing.T) {
	html, err := os.ReadFile("testdata/escaping/want.html")
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	for _, bad := range []string{"<script>window.__pwned", "<img src=x", "<script>alert(1)", `href="javascript:`, "<b>Titles</b>"} {
		if strings.Contains(s, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	for _, good := range []string{"&lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;", `\u003c/script\u003e`, "&lt;b&gt;Titles&lt;/b&gt;"} {
		if !strings.Contains(s, good) {
			t.Errorf("page lacks the escaped form %q", good)
		}
	}
}

// TestScriptRunsInPlainDuckDB runs a notebook's script, with the view
// preamble, in a DuckDB that gwanmun did not set up: what a researcher's
// `duckdb` CLI session sees.
func TestScriptRunsInPlainDuckDB(t *testing.T) {
	ctx := context.Background()
	db := openWith(t, "")
	views, err := ViewsSQL(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(views, ViewsMarker) || !strings.Contains(views, "CREATE OR REPLACE VIEW mau AS") {
		t.Fatalf("views preamble:\n%s", views)
	}
	nb, err := Parse([]byte("# t\n```sql name=a\nSELECT count(*) AS n FROM mau;\n```\n```sql name=b\nSELECT n + 1 AS m FROM a\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := nb.Script("t.md")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	plain.SetMaxOpenConns(1)
	if _, err := plain.ExecContext(ctx, views+script); err != nil {
		t.Fatalf("script fails in plain DuckDB: %v\n%s%s", err, views, script)
	}
	var m int
	if err := plain.QueryRowContext(ctx, "SELECT m FROM b").Scan(&m); err != nil || m != 1 {
		t.Fatalf("b.m = %d, %v; want 1", m, err)
	}
}

// FuzzParse: no Markdown makes Parse panic, and every notebook it accepts
// has unique, valid query names that its script declares.
func FuzzParse(f *testing.F) {
	cases, _ := filepath.Glob("testdata/*/input.md")
	for _, c := range cases {
		if b, err := os.ReadFile(c); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("```chart type=\"line x=a\n```"))
	f.Add([]byte("```sql name=a\n```\n```chart sql=a type=pie x=\"\\\"\" y=b\n"))
	f.Fuzz(func(t *testing.T, md []byte) {
		nb, err := Parse(md)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, q := range nb.Queries() {
			if !regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`).MatchString(q.Name) || seen[q.Name] {
				t.Fatalf("accepted query name %q", q.Name)
			}
			seen[q.Name] = true
		}
		if _, err := nb.Script("f.md"); err != nil && !errors.Is(err, ErrNoQueries) {
			t.Fatal(err)
		}
	})
}

// One notebook's queries are gone when the next renders on the same DB.
func TestRenderDropsItsViews(t *testing.T) {
	db := openWith(t, "")
	a, _ := Parse([]byte("```sql name=shared\nSELECT 1 AS x\n```\n"))
	if _, err := a.Render(context.Background(), db, report.Options{}); err != nil {
		t.Fatal(err)
	}
	b, _ := Parse([]byte("```sql name=mine\nSELECT x FROM shared\n```\n"))
	if _, err := b.Render(context.Background(), db, report.Options{}); err == nil {
		t.Fatal("a notebook read another notebook's view")
	}
}
