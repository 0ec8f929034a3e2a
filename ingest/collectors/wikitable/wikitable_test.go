package wikitable

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

var update = flag.Bool("update", false, "re-record testdata/recording.warc.gz and testdata/want.json")

// pages maps each URL the collector visits to the hand-made page standing
// in for it (see testdata/README.md).
var pages = map[string]string{
	DefaultURL: "testdata/pages/list_of_social_platforms.html",
}

var testNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func newCollector(t *testing.T, urls ...string) ingest.Collector {
	t.Helper()
	c, err := New(ingest.SourceConfig{Name: Name, Enabled: true, URLs: urls})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func collect(t *testing.T, c ingest.Collector, rt http.RoundTripper) ([]schema.Row, *ingest.Session) {
	t.Helper()
	return recordtest.Collect(t, c, ingest.SessionOptions{Transport: rt, Now: func() time.Time { return testNow }})
}

func sha(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestCollect(t *testing.T) {
	rows, s := collect(t, newCollector(t), recordtest.Files(pages))
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %q", errs)
	}
	prov := schema.Provenance{
		SourceURL: DefaultURL, SourceTitle: "List of social platforms with at least 100 million active users",
		FetchedAt: testNow, Collector: Name, CollectorVersion: Version,
		ContentSHA256: sha(t, pages[DefaultURL]),
	}
	const header = "Number of users (in millions)"
	// Every figure cites OWID's chart (the page's footnote 1): that is the
	// rows' origin, not Wikipedia.
	owid, owidURL := "Our World in Data", "https://ourworldindata.org/rise-of-social-media"
	row := func(id, name, raw, year string, v float64) *schema.MAU {
		start, _ := time.Parse("2006", year)
		return &schema.MAU{
			PlatformID: id, Country: "WORLD", Metric: "mau", PeriodStart: start, PeriodGrain: "year",
			PeriodLabel: year, Value: v, Unit: "persons", Estimator: "company-reported",
			Source: "Statista/TNW via Wikipedia table", Flags: []string{"compiled"},
			Note: name + `: "` + raw + `" in column "` + header + `"`, Provenance: prov,
			OriginSource: &owid, OriginURL: &owidURL,
		}
	}
	// Figures: data/seed/global_platform_mau_owid.csv, each platform's latest year.
	want := []*schema.MAU{
		row("facebook", "Facebook", "2,375", "2019", 2_375_000_000),
		row("youtube", "YouTube", "1.9 billion", "2018", 1_900_000_000),
		row("whatsapp", "WhatsApp", "1,333.333333", "2017", 1_333_333_333),
		row("wechat", "WeChat", "1,000", "2018", 1_000_000_000),
		row("instagram", "Instagram", "1 billion", "2018", 1_000_000_000),
		row("tumblr", "Tumblr", "624", "2018", 624_000_000),
		row("tiktok", "TikTok", "500", "2018", 500_000_000),
		row("weibo", "Sina Weibo", "431", "2018", 431_000_000),
		row("reddit", "Reddit", "355", "2018", 355_000_000),
		row("twitter", "Twitter", "330", "2019", 330_000_000),
		row("pinterest", "Pinterest", "291", "2019", 291_000_000),
		row("snapchat", "Snapchat", "238.648", "2016", 238_648_000),
	}
	recordtest.EqualRows(t, rows, ingest.RowsOf(want))
}

// bundled is the WARC recorded from the pages in testdata (robots.txt is
// not consulted: the pages are hand-made and a recorded robots.txt would
// claim something about the real site) and the rows that recording gave.
var bundled = recordtest.Recording{Pages: recordtest.Files(pages)}

// TestRecording replays the bundled WARC and checks it gives the rows
// recorded with it; -update re-records it first. Replay and a direct run
// over the same pages differ only in when and where the bytes were archived.
func TestRecording(t *testing.T) {
	replayed := bundled.Check(t, newCollector(t), *update)
	bundled.CheckDirect(t, newCollector(t), replayed)
	if len(replayed) != 12 {
		t.Errorf("replay gave %d rows, want 12", len(replayed))
	}
	for _, r := range replayed {
		p := r.Prov()
		if p.SourceURL != DefaultURL || p.ContentSHA256 == "" || p.FetchedAt.IsZero() {
			t.Errorf("row provenance incomplete: %+v", p)
		}
	}
}

func TestBadPages(t *testing.T) {
	const noTable, malformed = "https://en.wikipedia.org/wiki/Social_networking_service", "https://en.wikipedia.org/wiki/Broken_list"
	fs := recordtest.Files{noTable: "testdata/bad/no_table.html", malformed: "testdata/bad/malformed.html"}
	missing := "https://en.wikipedia.org/wiki/Missing"
	rows, s := collect(t, newCollector(t, noTable, malformed, missing), fs)
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.(*schema.MAU).PlatformID)
	}
	// Facebook is good; YouTube's "1,9OO", Reddit's date, Pinterest's
	// short row and the unnamed row fail to parse; Tumblr's -624 parses
	// and is rejected by validation.
	if strings.Join(ids, ",") != "facebook" {
		t.Errorf("rows %v, want only facebook", ids)
	}
	if got := s.Rejected(); got != 1 {
		t.Errorf("rejected %d rows, want 1 (the negative count)", got)
	}
	errs := strings.Join(s.Errors(), "\n")
	for _, want := range []string{
		"no table.wikitable on the page",
		`YouTube: users "1,9OO"`,
		`Reddit: date "sometime"`,
		"2 cells, need 3",
		`platform name "漢字" gives no id`,
		"negative mau -6.24e+08 for tumblr",
		"HTTP 404",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
}

func TestNew(t *testing.T) {
	recordtest.Rejects(t, New, Name,
		"[sources.wikitable]\nurl = \"ftp://example.org/x\"\n",
		"[sources.wikitable]\nurl = \"not a url\"\n",
		"[sources.wikitable]\nurl = \"/relative\"\n",
		"[sources.wikitable]\ncolumns = 3\n", // an unknown key
	)
	c := newCollector(t)
	if info := c.Info(); info.Kind != "web" || info.URL != DefaultURL || info.Estimator != "company-reported" {
		t.Errorf("info %+v", info)
	}
}

func TestPlatformID(t *testing.T) {
	for name, want := range map[string]string{
		"Facebook": "facebook", "YouTube": "youtube", "WhatsApp": "whatsapp", "Facebook Messenger": "facebook_messenger",
		"Sina Weibo": "weibo", "X": "twitter", "Google+": "google_plus", "TikTok": "tiktok", " QQ ": "qq",
	} {
		if got, err := platformID(name); err != nil || got != want {
			t.Errorf("platformID(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2019": "2019-01-01 year", "Q4 2023": "2023-10-01 quarter", "April 2024": "2024-04-01 month",
		"31 December 2018": "2018-12-01 month", "December 31, 2018": "2018-12-01 month", "Sept. 2020": "2020-09-01 month",
	} {
		start, grain, err := parseDate(in)
		if got := start.Format("2006-01-02") + " " + grain; err != nil || got != want {
			t.Errorf("parseDate(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "sometime", "Smarch 2019", "20199"} {
		if _, _, err := parseDate(in); err == nil {
			t.Errorf("parseDate(%q) succeeded", in)
		}
	}
}

// FuzzParse feeds page bytes to the parser: it must never panic, and every
// row it returns must carry an id and a period.
func FuzzParse(f *testing.F) {
	recordtest.Seeds(f, "testdata/pages/*.html", "testdata/bad/*.html")
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := parse(body)
		if err != nil {
			return
		}
		for _, r := range pg.rows {
			if r.PlatformID == "" || r.PeriodStart.IsZero() || r.PeriodGrain == "" {
				t.Fatalf("incomplete row %+v", r)
			}
		}
	})
}

// A hostile page of thousands of bad rows (the torture's has 240,000 in
// 12 MB) keeps the first ingest.MaxPageProblems problems and counts the
// rest; the good row beside them still lands.
func TestManyBadRowsKeepBoundedProblems(t *testing.T) {
	const bad = 5_000
	page := `<html><head><title>T - Wikipedia</title></head><body><table class="wikitable">` +
		`<tr><th>Name</th><th>Monthly active users (millions)</th><th>Date of latest user count</th></tr>` +
		`<tr><td>LINE</td><td>196</td><td>Q1 2024</td></tr>` +
		strings.Repeat("<tr><td>Spam</td><td>lots</td><td>Q1 2024</td></tr>\n", bad) + "</table></body></html>"
	pg, err := parse([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.rows) != 1 || pg.rows[0].PlatformID != "line" || pg.rows[0].Value != 196_000_000 {
		t.Fatalf("rows %+v, want LINE's 196 million", pg.rows)
	}
	if got := len(pg.problems.List()); got != ingest.MaxPageProblems {
		t.Errorf("kept %d problems, want %d", got, ingest.MaxPageProblems)
	}
	if pg.problems.More() != bad-ingest.MaxPageProblems {
		t.Errorf("counted %d more problems, want %d", pg.problems.More(), bad-ingest.MaxPageProblems)
	}
	want := `table 1 row 2: Spam: users "lots"`
	if got := pg.problems.List()[0].Error(); !strings.HasPrefix(got, want) {
		t.Errorf("first problem %q, want it to start %q", got, want)
	}
}

// Names garbled in transit are refused with a reason, not slugged into a
// platform nobody named; a script inside a cell is not part of its text.
func TestGarbledNamesAreRefused(t *testing.T) {
	page := func(name string) []byte {
		return []byte(`<table class="wikitable"><tr><th>Name</th><th>Monthly active users (millions)</th><th>Date</th></tr>` +
			`<tr><td>` + name + `</td><td>900</td><td>March 2024</td></tr></table>`)
	}
	for _, tc := range []struct{ name, id, problem string }{
		{"Telegram", "telegram", ""},
		{"<script>alert(1)</script>Telegram", "telegram", ""},
		{"<style>b{}</style>Tele<noscript>x</noscript>gram", "telegram", ""},
		{"\x1b[31mTelegram\x1b[0m", "", "holds control characters"},
		{"Tele\xff\xfegram", "", "is not valid UTF-8 text"},
		{"Tele&#xFFFD;gram", "", "is not valid UTF-8 text"},
	} {
		pg, err := parse(page(tc.name))
		if err != nil {
			t.Fatalf("%q: %v", tc.name, err)
		}
		var ids, problems []string
		for _, r := range pg.rows {
			ids = append(ids, r.PlatformID)
		}
		for _, e := range pg.problems.List() {
			problems = append(problems, e.Error())
		}
		if strings.Join(ids, ",") != tc.id {
			t.Errorf("%q: rows %v, want %q", tc.name, ids, tc.id)
		}
		if got := strings.Join(problems, "; "); (tc.problem == "") != (got == "") || !strings.Contains(got, tc.problem) {
			t.Errorf("%q: problems %q, want one saying %q", tc.name, got, tc.problem)
		}
	}
}

// TestOrigin: a users cell's own citation names the row's origin; a row
// whose cell cites nothing takes the caption's; a footnote without an
// external link (a note) is no origin; a cited work without an italic
// title is named by its host.
func TestOrigin(t *testing.T) {
	page := `<table class="wikitable"><caption>Users<sup class="reference"><a href="#cite_note-a">[1]</a></sup></caption>
<tr><th>Name</th><th>Users (millions)</th><th>Year</th></tr>
<tr><td>Alpha</td><td>10<sup class="reference"><a href="#cite_note-n">[a]</a></sup><sup class="reference"><a href="#cite_note-b">[2]</a></sup></td><td>2020</td></tr>
<tr><td>Beta</td><td>20</td><td>2020</td></tr>
<tr><td>Gamma</td><td>30<sup class="reference"><a href="#cite_note-n">[a]</a></sup></td><td>2020</td></tr>
</table>
<ol class="references">
<li id="cite_note-a"><cite><a class="external text" href="https://ourworldindata.org/x">"X"</a>. <i>Our World in Data</i>.</cite></li>
<li id="cite_note-b"><cite><a class="external text" href="https://www.statista.com/y">"Y"</a></cite></li>
<li id="cite_note-n">A note without a link.</li>
</ol>`
	pg, err := parse([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range pg.rows {
		got = append(got, r.PlatformID+" "+*r.OriginSource+" "+*r.OriginURL)
	}
	want := []string{
		"alpha statista.com https://www.statista.com/y",
		"beta Our World in Data https://ourworldindata.org/x",
		"gamma Our World in Data https://ourworldindata.org/x",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("origins\n got %q\nwant %q", got, want)
	}
}
