package report

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
)

// Instants are drawn as the study's wall clock: the fire at 06:19 UTC is
// 15:19 on a Korea-time axis, whatever the reader's machine says.
func TestTimeValueIsTheStudysWallClock(t *testing.T) {
	seoul := DefaultTZ()
	fire := time.Date(2022, 10, 15, 6, 19, 0, 0, time.UTC)
	if got, _ := timeValue(fire, seoul); got != "2022-10-15T15:19:00Z" {
		t.Errorf("fire = %s, want 2022-10-15T15:19:00Z", got)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata")
	}
	if got, _ := timeValue(fire, ny); got != "2022-10-15T02:19:00Z" {
		t.Errorf("fire in New York = %s, want 02:19 (EDT)", got)
	}
	// A DATE is a calendar day, not an instant: it does not move.
	day := time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)
	if got, _ := timeValue(day, ny); got != "2022-10-01T00:00:00Z" {
		t.Errorf("date = %s", got)
	}
	if got, _ := timeValue("2022-10-01", seoul); got != "2022-10-01T00:00:00Z" {
		t.Errorf("date string = %s", got)
	}
}

func TestSpecTopFoldsOthers(t *testing.T) {
	tbl := &analysis.Table{Columns: []string{"day", "outlet", "n"}}
	for i, o := range []string{"a", "b", "c", "d", "e"} {
		for _, d := range []string{"2022-10-15", "2022-10-16"} {
			tbl.Rows = append(tbl.Rows, []any{d, o, float64(10 - i)})
		}
	}
	// Stacked bars: the smallest three sum into one series.
	c, err := Spec{Type: "bar", X: "day", Y: "n", Series: "outlet", Stack: true, Top: 2}.Build("c", tbl)
	if err != nil {
		t.Fatal(err)
	}
	ss := list(c.Option, "series")
	if len(ss) != 3 || ss[2]["name"] != "others (3)" {
		t.Fatalf("series %v", names(ss))
	}
	if d := ss[2]["data"].([]any); d[0].(map[string]any)["value"].([]any)[1] != 8.0+7+6 {
		t.Errorf("others on day 1 = %v, want 21", d[0])
	}
	// Unstacked lines stay apart, grey, under one legend name.
	c, err = Spec{Type: "line", X: "day", Y: "n", Series: "outlet", Top: 2}.Build("c", tbl)
	if err != nil {
		t.Fatal(err)
	}
	ss = list(c.Option, "series")
	if len(ss) != 5 || ss[4]["name"] != "others (3)" || ss[2]["name"] != "others (3)" {
		t.Fatalf("series %v", names(ss))
	}
	if got := legendItems(c.Option); strings.Join(got, "|") != "a|b|others (3)" {
		t.Errorf("legend %q", got)
	}
}

func names(ss []map[string]any) []any {
	var out []any
	for _, s := range ss {
		out = append(out, s["name"])
	}
	return out
}

func TestSpecStepAndScale(t *testing.T) {
	tbl := &analysis.Table{Columns: []string{"hours", "restored"}, Rows: [][]any{{0.0, 0.0}, {2.5, 3e6}, {30.0, 4.5e6}}}
	c, err := Spec{Type: "line", X: "hours", Y: "restored", Step: "end", Scale: 1e6}.Build("c", tbl)
	if err != nil {
		t.Fatal(err)
	}
	s := list(c.Option, "series")[0]
	if s["step"] != "end" {
		t.Errorf("step = %v", s["step"])
	}
	last := s["data"].([]any)[2].(map[string]any)["value"].([]any)
	if last[0] != 30.0 || last[1] != 4.5 {
		t.Errorf("last point %v, want [30 4.5]", last)
	}
	if c.Data != tbl {
		t.Error("the figure's data is not the unscaled table")
	}
	if _, err := (Spec{Type: "line", X: "hours", Y: "restored", Step: "stairs"}).Build("c", tbl); err == nil {
		t.Error("step=stairs accepted")
	}
}

func TestSpecGanttMarksTheRestore(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2022, 10, 15, h, m, 0, 0, time.UTC) }
	tbl := &analysis.Table{Columns: []string{"service", "phase", "from", "to"}, Rows: [][]any{
		{"KakaoTalk", "down", at(6, 19), at(16, 31)},
		{"KakaoTalk", "partial", at(16, 31), at(14, 0).AddDate(0, 0, 5)},
		{"Naver News", "down", at(6, 19), at(7, 0)},
	}}
	official := at(14, 0).AddDate(0, 0, 5)
	c, err := Spec{Type: "gantt", X: "service", From: "from", To: "to", Series: "phase",
		Marks: []Mark{{X: official, Label: "official restore", Align: "right"}}}.Build("g", tbl)
	if err != nil {
		t.Fatal(err)
	}
	ys := list(c.Option, "yAxis")[0]
	if got := strs(ys["data"]); strings.Join(got, "|") != "Naver News|KakaoTalk" {
		t.Errorf("rows bottom to top %q, want KakaoTalk on top", got)
	}
	ss := list(c.Option, "series")
	if len(ss) != 2 || ss[0]["name"] != "down" {
		t.Fatalf("series %v", names(ss))
	}
	first := ss[0]["data"].([]any)
	if first[0].([]any)[0] != "2022-10-15T15:19:00Z" || first[2] != "-" {
		t.Errorf("first segment %v", first[:3])
	}
	ml := ss[0]["markLine"].(map[string]any)["data"].([]any)[0].(map[string]any)
	if ml["xAxis"] != "2022-10-20T23:00:00Z" {
		t.Errorf("official restore marked at %v, want 2022-10-20T23:00:00Z (KST)", ml["xAxis"])
	}
	if x := list(c.Option, "xAxis")[0]; x["type"] != "time" || x["name"] != "time (KST)" {
		t.Errorf("x axis %v", x)
	}
	if c.Option["useUTC"] != true {
		t.Error("useUTC is not set: the axis would follow the reader's clock")
	}
}

// analysisValues are the literal values the analyses' SQL writes into
// results (CASE ... THEN 'x' / ELSE 'x'), read from the SQL files.
func analysisValues(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no analysis SQL: %v", err)
	}
	re := regexp.MustCompile(`(?:THEN|ELSE)\s+'([^']+)'`)
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			v := m[1]
			// Ids and codes (mau, eu_dma_3_2, Q4, FY) are data, not words.
			if strings.Contains(v, "_") || !regexp.MustCompile(`[a-z]{3}`).MatchString(v) || v == "mau" || seen[v] {
				continue
			}
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Every word an analysis writes has a Korean rendering, and a Korean page
// built over the seed holds none of the English bands, statuses or
// verdicts.
func TestKoreanPageTranslatesValues(t *testing.T) {
	vals := analysisValues(t)
	if len(vals) < 10 {
		t.Fatalf("found %d values in the analyses' SQL: %q", len(vals), vals)
	}
	for _, v := range vals {
		if strings.HasPrefix(v, "EU Digital Markets Act") {
			continue // a statute's title, cited as published
		}
		if got := valueText("ko", v); got == v || regexp.MustCompile(`^[a-z]+( [a-z]+)+`).MatchString(got) {
			t.Errorf("%q has no Korean rendering (got %q)", v, got)
		}
	}
	r := seedReport(t, "ko")
	var page strings.Builder
	if err := r.Render(&page, RenderOptions{OmitLibrary: true}); err != nil {
		t.Fatal(err)
	}
	s := page.String()
	for _, en := range []string{"highly concentrated", "moderately concentrated", "unconcentrated", "own restore event",
		"company-wide restore", "outside the safe harbours", "no presumption", "safe harbour", ">true<", ">false<", ">unknown<",
		"not met", "undetermined"} {
		if strings.Contains(s, en) {
			i := strings.Index(s, en)
			t.Errorf("the Korean page holds %q: …%s…", en, s[max(0, i-80):min(len(s), i+80)])
		}
	}
	for _, ko := range []string{"고집중", "자체 복구 보고", "회사 전체 복구"} {
		if !strings.Contains(s, ko) {
			t.Errorf("the Korean page lacks %q", ko)
		}
	}
}
