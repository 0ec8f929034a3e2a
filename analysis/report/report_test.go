package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.html from the current output")

// openWith opens an empty lake and replaces views with inline tables.
func openWith(t *testing.T, stmts ...string) *analysis.DB {
	t.Helper()
	ctx := context.Background()
	db, err := analysis.Open(ctx, t.TempDir(), analysis.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

func TestChartsJSONKeepsScriptClosedTagsAsText(t *testing.T) {
	opt := map[string]any{"title": map[string]any{"text": `</script><script>alert(1)</script><!--`}}
	got, err := chartsJSON([]Chart{{ID: "c", Option: opt}})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"</script", "<script", "<!--"} {
		if strings.Contains(strings.ToLower(got), bad) {
			t.Errorf("chart JSON contains %q: %s", bad, got)
		}
	}
	var back []struct {
		Option struct {
			Title struct{ Text string }
		}
	}
	if err := json.Unmarshal([]byte(got), &back); err != nil || back[0].Option.Title.Text != `</script><script>alert(1)</script><!--` {
		t.Errorf("the title does not survive the round trip: %v %+v", err, back)
	}
}

// TestRenderGolden renders a hand-built page: prose, a chart section, a
// table of scraped text, a section without data, methods and references.
func TestRenderGolden(t *testing.T) {
	opt, err := Spec{Type: "bar", X: "k", Y: "v"}.Build("demo", &analysis.Table{Columns: []string{"k", "v"}, Rows: [][]any{{"카카오톡", 47637000.0}, {"<b>LINE</b>", 1e6}}})
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{
		Title: "Golden <page>", Lang: "ko", Vintage: "0123456789abcdef (3 files)", Code: "test",
		Blocks: []Block{
			{Prose: template.HTML("<p>Trusted <em>prose</em>.</p>")},
			{Section: &Section{ID: "demo", Title: "차트 <i>title</i>", Caption: "Caption & more", Chart: opt,
				Sources: []Source{{URL: "https://example.org/a?b=1&c=<2>", Title: "A <source>", Retrieved: "2026-11-24", Ref: 1}},
				Table: &analysis.Table{Columns: []string{"platform", "users", "share", "ok"}, Rows: [][]any{
					{"<script>window.__pwned=1</script>", 47637000.0, 0.9512, true},
					{"LINE", int64(1000000), nil, false},
				}}, MaxRows: 1}},
			{Section: &Section{ID: "empty", Title: "No data", NoData: tr("ko", "nodata")}},
		},
		References: []Source{{URL: "javascript:alert(1)", Title: "bad link", Ref: 1}},
		Methods:    methods("ko")[:1],
	}
	var got bytes.Buffer
	if err := r.Render(&got, RenderOptions{OmitLibrary: true}); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("testdata", "page", "want.html")
	if *update {
		os.MkdirAll(filepath.Dir(want), 0o755)
		if err := os.WriteFile(want, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(w, got.Bytes()) {
		t.Errorf("%s differs; run `go test ./analysis/report -run TestRenderGolden -update` and review the diff", want)
	}
	s := got.String()
	for _, bad := range []string{"<script>window.__pwned", "<b>LINE</b>", `href="javascript:`, "<i>title</i>"} {
		if strings.Contains(s, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	for _, good := range []string{"47,637,000", "0.951", "1행 표시 (전체 2행)", "수집일 2026-11-24", "&lt;script&gt;window.__pwned=1&lt;/script&gt;"} {
		if !strings.Contains(s, good) {
			t.Errorf("page lacks %q", good)
		}
	}
}

func TestSpecBuild(t *testing.T) {
	tbl := &analysis.Table{Columns: []string{"day", "lang", "n", "x", "from", "to"}, Rows: [][]any{
		{"2022-10-15", "ko", 3.0, 1.0, "a", "b"},
		{"2022-10-15", "en", 1.0, 2.0, "a", "c"},
		{"2022-10-16", "ko", int64(5), 3.0, "b", "c"},
	}}
	tests := []struct {
		name   string
		spec   Spec
		series int
		err    string
	}{
		{"line by series on a time axis", Spec{Type: "line", X: "day", Y: "n", Series: "lang"}, 2, ""},
		{"stacked bar", Spec{Type: "bar", X: "day", Y: "n", Series: "lang", Stack: true}, 2, ""},
		{"two y columns", Spec{Type: "area", X: "day", Y: "n,x"}, 2, ""},
		{"horizontal bar", Spec{Type: "hbar", X: "from", Y: "n"}, 1, ""},
		{"scatter on numbers", Spec{Type: "scatter", X: "x", Y: "n"}, 1, ""},
		{"pie", Spec{Type: "pie", X: "from", Y: "n"}, 1, ""},
		{"treemap grouped", Spec{Type: "treemap", X: "to", Y: "n", Series: "from"}, 1, ""},
		{"sankey", Spec{Type: "sankey", From: "from", To: "to", Value: "n"}, 1, ""},
		{"calendar", Spec{Type: "calendar", X: "day", Y: "n"}, 1, ""},
		{"unknown column", Spec{Type: "line", X: "day", Y: "users"}, 0, `column "users" is not in the result`},
		{"unknown type", Spec{Type: "radar", X: "day", Y: "n"}, 0, `chart type "radar"`},
		{"scatter on categories", Spec{Type: "scatter", X: "lang", Y: "n"}, 0, "numeric or date x"},
		{"sankey without edges", Spec{Type: "sankey", From: "from"}, 0, "needs from=, to= and value="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.spec.Build("c", tbl)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(list(c.Option, "series")); got != tc.series {
				t.Errorf("%d series, want %d: %v", got, tc.series, c.Option)
			}
		})
	}
	if _, err := (Spec{Type: "line", X: "day", Y: "n"}).Build("c", &analysis.Table{Columns: []string{"day", "n"}}); !errors.Is(err, errNoData) {
		t.Errorf("empty result: err = %v, want errNoData", err)
	}
}

func TestCheck(t *testing.T) {
	db := openWith(t,
		`CREATE OR REPLACE VIEW mau AS SELECT * FROM (VALUES ('kakaotalk', '2022Q3', 47637000.0), ('line', '2022Q3', NULL)) t(platform_id, period_label, value)`)
	es, err := LoadExpectations([]byte(`
[[number]]
name = "exact"
sql = "SELECT value FROM mau WHERE platform_id = 'kakaotalk'"
want = 47637000
[[number]]
name = "within tolerance"
sql = "SELECT value + 40 FROM mau WHERE platform_id = 'kakaotalk'"
want = 47637000
tolerance = 50
[[number]]
name = "moved"
sql = "SELECT value FROM mau WHERE platform_id = 'kakaotalk'"
want = 47000000
tolerance = 1000
[[number]]
name = "null"
sql = "SELECT value FROM mau WHERE platform_id = 'line'"
want = 1
[[number]]
name = "two rows"
sql = "SELECT value FROM mau"
want = 1
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), db, es)
	if !errors.Is(err, ErrMoved) {
		t.Fatalf("err = %v, want ErrMoved", err)
	}
	want := map[string]string{"exact": "", "within tolerance": "", "moved": "moved from 47,000,000 to 47,637,000 (tolerance 1000)",
		"null": "value is NULL", "two rows": "2 rows × 1 columns"}
	for _, r := range res {
		w := want[r.Name]
		if r.OK != (w == "") || !strings.Contains(r.Problem, w) {
			t.Errorf("%s: ok=%v problem=%q, want %q", r.Name, r.OK, r.Problem, w)
		}
		if w != "" && !strings.Contains(err.Error(), r.Name+":") {
			t.Errorf("error does not name %q: %v", r.Name, err)
		}
	}
}

func TestLoadExpectationsRejectsBadFiles(t *testing.T) {
	tests := []struct{ name, toml, err string }{
		{"no source", "[[number]]\nname = \"a\"\nwant = 1\n", "either sql or analysis"},
		{"both sources", "[[number]]\nname = \"a\"\nsql = \"SELECT 1\"\nanalysis = \"x\"\ncolumn = \"c\"\nwant = 1\n", "either sql or analysis"},
		{"analysis without column", "[[number]]\nname = \"a\"\nanalysis = \"x\"\nwant = 1\n", "needs a column"},
		{"duplicate", "[[number]]\nname = \"a\"\nsql = \"SELECT 1\"\n[[number]]\nname = \"a\"\nsql = \"SELECT 1\"\n", "listed twice"},
		{"negative tolerance", "[[number]]\nname = \"a\"\nsql = \"SELECT 1\"\ntolerance = -1\n", "negative tolerance"},
		{"not toml", "[[number", "expectations"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := LoadExpectations([]byte(tc.toml)); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// The committed expectations parse and name analyses this build has.
func TestCommittedExpectations(t *testing.T) {
	es, err := LoadExpectations(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 3 {
		t.Fatalf("%d expectations, want the headline numbers", len(es))
	}
	for _, e := range es {
		if e.Analysis != "" {
			if _, err := analysis.Lookup(e.Analysis); err != nil {
				t.Errorf("%s: %v", e.Name, err)
			}
		}
	}
}

// TestBuildOnEmptyLake: with nothing in the lake every section says "no
// data" instead of failing the report.
func TestBuildOnEmptyLake(t *testing.T) {
	db := openWith(t)
	r, err := Build(context.Background(), db, Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Blocks) != len(reportSections) {
		t.Fatalf("%d blocks, want %d", len(r.Blocks), len(reportSections))
	}
	for _, b := range r.Blocks {
		if b.Section.NoData == "" && b.Section.Chart != nil {
			t.Errorf("section %s drew a chart from an empty lake", b.Section.ID)
		}
		if b.Section.Title == "" || strings.HasSuffix(b.Section.Title, ".title") {
			t.Errorf("section %s has no translated title", b.Section.ID)
		}
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, RenderOptions{OmitLibrary: true}); err != nil {
		t.Fatal(err)
	}
}

func TestTranslationsComplete(t *testing.T) {
	for key := range texts["en"] {
		if _, ok := texts["ko"][key]; !ok {
			t.Errorf("ko lacks %q", key)
		}
	}
	for key := range texts["ko"] {
		if _, ok := texts["en"][key]; !ok {
			t.Errorf("en lacks %q", key)
		}
	}
	for _, s := range reportSections {
		for _, suffix := range []string{".title", ".caption"} {
			if _, ok := texts["en"][s+suffix]; !ok {
				t.Errorf("no text for %s%s", s, suffix)
			}
		}
	}
	if len(methods("en")) != len(methods("ko")) {
		t.Error("methods differ in number between en and ko")
	}
}

func TestCellText(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{47637000.0, "47,637,000"}, {int64(-1234567), "-1,234,567"}, {2022.0, "2022"}, {0.95123, "0.951"},
		{127.6833, "127.7"}, {46213527.8, "46,213,528"}, {nil, ""}, {true, "✓"}, {[]any{"a", 1.0}, "a, 1"},
	}
	for _, tc := range tests {
		if got := cellText(tc.in); got != tc.want {
			t.Errorf("cellText(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
