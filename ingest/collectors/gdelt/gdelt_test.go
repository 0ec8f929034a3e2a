package gdelt

import (
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
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
		if n.SourceType != "gdelt" || n.Feed != "gdelt" || n.Query != "kakao (outage OR fire OR disruption)" ||
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
		"[sources.gdelt]\nfrom = \"\"\n",
		"[sources.gdelt]\nqueries = [\"\"]\n",
		"[sources.gdelt]\nurls = [\"https://a\", \"https://b\"]\n",
	)
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
