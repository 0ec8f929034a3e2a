package gdelt

import (
	"errors"
	"flag"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

var updateGolden = flag.Bool("update", false, "rebuild testdata/recording.warc.gz and testdata/want.json")

var recordedAt = time.Date(2026, 11, 24, 12, 10, 0, 0, time.UTC)

func newCollector(t *testing.T, toml string) *Collector {
	return recordtest.New(t, New, Name, toml).(*Collector)
}

var bundled = recordtest.Recording{At: recordedAt, RunID: "test"}

func replay(t *testing.T) []*schema.News {
	return recordtest.As[*schema.News](t, bundled.Rows(t, newCollector(t, "")))
}

// studyCollector builds the collector as the CLI does under --study name.
func studyCollector(t *testing.T, name, toml string) *Collector {
	t.Helper()
	s, err := study.Open(name, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	newsmatch.UseStudy(s)
	defer newsmatch.UseStudy(study.Default())
	return newCollector(t, toml)
}

// The bundled recording holds the default study's requests only; `make
// demo` skips web collectors for another study rather than replaying an
// answer nobody received (cmd/gwanmun, runIngest).
func TestRecording(t *testing.T) {
	bundled.Check(t, newCollector(t, ""), *updateGolden)
}

// GDELT's seendate is UTC; the rows keep it with offset +00:00 and the
// article ids other collectors give the same stories.
func TestRows(t *testing.T) {
	rows := replay(t)
	type row struct{ id, outlet, at, raw, from, offset, lang, incident string }
	got := map[string]row{}
	for _, n := range rows {
		got[n.URL] = row{n.ArticleID, n.Outlet, n.PublishedAt.Format(time.RFC3339), n.PublishedRaw, n.PublishedFrom,
			n.UTCOffset, n.Lang, n.IncidentID}
		if n.SourceType != "gdelt" || n.Feed != "gdelt" || n.Query != pangyoQuery ||
			n.ContentSHA256 == "" || n.WARCRecordID == nil {
			t.Errorf("%s: %+v", n.URL, *n)
		}
	}
	id := func(u string) string { _, id, _ := newsmatch.IDFor(u); return id }
	want := map[string]row{
		"https://www.ddaily.co.kr/page/view/2022101623402869383": {id("https://ddaily.co.kr/page/view/2022101623402869383"),
			"디지털데일리", "2022-10-16T14:40:00Z", "20221016T144000Z", "gdelt", "+00:00", "ko", "2022-10-15-pangyo-fire"},
		"https://www.fntimes.com/html/view.php?ud=202210152135477365645ffc9771_18": {id("https://fntimes.com/html/view.php?ud=202210152135477365645ffc9771_18"),
			"한국금융신문", "2022-10-15T12:35:00Z", "20221015T123500Z", "gdelt", "+00:00", "ko", "2022-10-15-pangyo-fire"},
		"https://www.ddaily.co.kr/page/view/2022101519590430469": {id("https://ddaily.co.kr/page/view/2022101519590430469"),
			"디지털데일리", "2022-10-15T10:59:00Z", "20221015T105900Z", "gdelt", "+00:00", "ko", "2022-10-15-pangyo-fire"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// The default study's query, derived from its study.toml terms.
const pangyoQuery = `("Kakao outage" OR "KakaoTalk outage" OR "Kakao down" OR "KakaoTalk down" OR "Kakao blackout" OR ` +
	`"Kakao disruption" OR "Kakao services restored" OR "data center fire" OR "Pangyo data center" OR "SK C&C fire")`

// With no queries configured, the queries and the week searched follow
// the active study: its Latin-script terms, OR-joined, split to stay
// within MaxQueryBytes, from its incident's news_from.
func TestDefaultsFollowTheStudy(t *testing.T) {
	q := func(s string) string { return url.Values{"query": {s}}.Encode()[len("query="):] }
	for _, tt := range []struct {
		study      string
		queries    []string
		start, end string
	}{
		{"pangyo_fire_2022", []string{pangyoQuery}, "20221014150000", "20221021150000"},
		{"facebook_outage_2021", []string{
			`("Facebook outage" OR "Facebook down" OR "Instagram outage" OR "Instagram down" OR "WhatsApp outage" OR ` +
				`"WhatsApp down" OR "Facebook DNS" OR "Facebook BGP" OR "Facebook backbone" OR "panne Facebook" OR ` +
				`"panne WhatsApp" OR "Facebook Störung")`,
			`("WhatsApp Störung" OR "caída Facebook" OR "caída WhatsApp")`,
		}, "20211004000000", "20211011000000"},
	} {
		c := studyCollector(t, tt.study, "")
		if !reflect.DeepEqual(c.queries, tt.queries) {
			t.Errorf("%s: queries\n%q\nwant\n%q", tt.study, c.queries, tt.queries)
		}
		var want []string
		for _, query := range tt.queries {
			if len(query) > MaxQueryBytes {
				t.Errorf("%s: query of %d bytes", tt.study, len(query))
			}
			want = append(want, Endpoint+"?enddatetime="+tt.end+"&format=json&maxrecords=250&mode=artlist&query="+q(query)+
				"&sort=datedesc&startdatetime="+tt.start)
		}
		if got := c.Requests(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: requests\n%q\nwant\n%q", tt.study, got, want)
		}
	}
	// Explicit queries and range win over the study's.
	c := studyCollector(t, "facebook_outage_2021", "[sources.gdelt]\nqueries = [\"meta outage\"]\nfrom = \"2021-10-05\"\nto = \"2021-10-06\"\n")
	want := []string{Endpoint + "?enddatetime=20211006000000&format=json&maxrecords=250&mode=artlist&query=meta+outage&sort=datedesc&startdatetime=20211005000000"}
	if got := c.Requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("explicit queries: %q", got)
	}
}

func TestQueriesFor(t *testing.T) {
	for _, tt := range []struct {
		name  string
		terms []string
		want  []string
	}{
		{"one word bare, phrases quoted, other scripts and repeats left out",
			[]string{"outage", "LINE outage", "LINE 障害", "line OUTAGE", ` "data  centre" fire `, "라인 먹통"},
			[]string{`(outage OR "LINE outage" OR "data centre fire")`}},
		{"a single term needs no parentheses", []string{"Zoom outage", "ズーム 障害"}, []string{`"Zoom outage"`}},
		{"a term that fills a query goes alone",
			[]string{strings.Repeat("a", MaxQueryBytes-5), "b", "c"},
			[]string{strings.Repeat("a", MaxQueryBytes-5), "(b OR c)"}},
	} {
		got, err := QueriesFor(tt.terms)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %q %v, want %q", tt.name, got, err, tt.want)
		}
	}
	if q, err := QueriesFor([]string{"카카오 먹통", "カカオ 障害"}); err == nil || !strings.Contains(err.Error(), "Latin script") {
		t.Errorf("terms GDELT cannot search: %q %v", q, err)
	}
}

// A study whose terms GDELT cannot search needs explicit queries.
func TestNewNeedsSearchableTerms(t *testing.T) {
	s, err := study.Parse([]byte(hangulStudy), "study.toml")
	if err != nil {
		t.Fatal(err)
	}
	newsmatch.UseStudy(s)
	defer newsmatch.UseStudy(study.Default())
	if _, err := newFrom(""); err == nil || !strings.Contains(err.Error(), "study hangul_only") {
		t.Errorf("derived no queries: %v", err)
	}
	c, err := newFrom("[sources.gdelt]\nqueries = [\"outage\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	// Its incident's news_from, a day in its time zone.
	if got := c.(*Collector).Requests(); len(got) != 1 || !strings.Contains(got[0], "&startdatetime=20230430150000") ||
		!strings.Contains(got[0], "enddatetime=20230507150000&") {
		t.Errorf("requests %q", got)
	}
}

func newFrom(doc string) (ingest.Collector, error) {
	cfg, err := ingest.ParseConfig([]byte(doc))
	if err != nil {
		return nil, err
	}
	sc, err := cfg.Source(Name)
	if err != nil {
		return nil, err
	}
	return New(sc)
}

const hangulStudy = `name = "hangul_only"
title = "An outage named in Hangul only"
[incident]
id = "hangul-outage"
cause = "fire"
start = 2023-05-01T10:00:00+09:00
end = 2023-05-01T20:00:00+09:00
news_from = 2023-05-01T00:00:00+09:00
news_to = 2023-05-15T00:00:00+09:00
affected_services = ["line"]
[incident.start_citation]
url = "https://example.org/a"
title = "A"
publisher = "P"
accessed = "2024-01-02"
[incident.end_citation]
url = "https://example.org/a"
title = "A"
publisher = "P"
accessed = "2024-01-02"
[news]
terms = ["라인 먹통", "라인 장애"]
[[news.services]]
id = "line"
aliases = ["라인"]
[analysis]
time_zone = "Asia/Seoul"
[report]
sections = ["outage_gantt"]
`

func TestRequestsStep(t *testing.T) {
	c := newCollector(t, "[sources.gdelt]\nqueries = [\"kakao\"]\nfrom = \"2022-10-15\"\nto = \"2022-10-17\"\nstep = \"24h\"\n")
	got := c.Requests()
	want := []string{
		Endpoint + "?enddatetime=20221015150000&format=json&maxrecords=250&mode=artlist&query=kakao&sort=datedesc&startdatetime=20221014150000",
		Endpoint + "?enddatetime=20221016150000&format=json&maxrecords=250&mode=artlist&query=kakao&sort=datedesc&startdatetime=20221015150000",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
}

func TestParseArtListErrors(t *testing.T) {
	if a, err := ParseArtList([]byte("{}")); err != nil || len(a) != 0 {
		t.Errorf("empty result: %v %v", a, err)
	}
	_, err := ParseArtList([]byte("The specified phrase is too short.\n"))
	if err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("plain-text refusal: %v", err)
	}
	a, err := ParseArtList([]byte(`{"articles":[{"url":"https://example.com/a","title":"Kakao outage","seendate":""}]}`))
	if err != nil || len(a) != 1 || !a[0].Published.IsZero() || a[0].MissingWhy == "" {
		t.Errorf("missing seendate: %+v %v", a, err)
	}
}

// The timelinevol shape (testdata/pages holds placeholder values, not
// GDELT data: see its README).
func TestParseTimeline(t *testing.T) {
	b, err := os.ReadFile("testdata/pages/timelinevol.json")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := ParseTimeline(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 3 || !pts[1].At.Equal(time.Date(2022, 10, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("points %+v", pts)
	}
}

func TestNewValidates(t *testing.T) {
	recordtest.Rejects(t, New, Name,
		"[sources.gdelt]\nmax_records = 251\n",
		"[sources.gdelt]\nstep = \"10m\"\n",
		"[sources.gdelt]\nfrom = \"2022-10-15\"\n", // from without to
		"[sources.gdelt]\nqueries = [\"\"]\n",
		"[sources.gdelt]\nurls = [\"https://a\", \"https://b\"]\n",
	)
	// A key the collector does not know is a ConfigError naming it (the CLI exits 2).
	_, err := newFrom("[sources.gdelt]\nquery = [\"outage\"]\n")
	var ce *ingest.ConfigError
	if !errors.As(err, &ce) || ce.Key != "query" || ce.Table != "sources.gdelt" {
		t.Errorf("unknown key: %v", err)
	}
}

func FuzzParseArtList(f *testing.F) {
	b, err := os.ReadFile("testdata/pages/artlist.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("{}"))
	f.Add([]byte("Invalid query"))
	f.Fuzz(func(t *testing.T, b []byte) {
		arts, err := ParseArtList(b)
		if err != nil {
			return
		}
		for _, a := range arts {
			if !a.Published.IsZero() && a.Published.Offset != "+00:00" {
				t.Fatalf("seendate offset %q", a.Published.Offset)
			}
		}
	})
}

func FuzzParseTimeline(f *testing.F) {
	b, err := os.ReadFile("testdata/pages/timelinevol.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseTimeline(b) })
}
