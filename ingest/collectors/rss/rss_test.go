package rss

import (
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

var updateGolden = flag.Bool("update", false, "rebuild testdata/recording.warc.gz and testdata/want.json")

var recordedAt = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func newCollector(t *testing.T, toml string) ingest.Collector {
	return recordtest.New(t, New, Name, toml)
}

var bundled = recordtest.Recording{At: recordedAt, RunID: "test"}

func replay(t *testing.T) []*schema.News {
	return recordtest.As[*schema.News](t, bundled.Rows(t, newCollector(t, "")))
}

func TestRecording(t *testing.T) {
	bundled.Check(t, newCollector(t, ""), *updateGolden)
}

func id(t *testing.T, u string) string {
	t.Helper()
	_, id, err := newsmatch.IDFor(u)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func rfc(t *time.Time) string {
	if t == nil {
		return "nil"
	}
	return t.Format(time.RFC3339)
}

// The rows of the bundled recording, field by field: one Chosun story in
// two feeds is one row; the EUC-KR etnews feed decodes; Money Today's KST
// pubDate is stored in UTC with its offset.
func TestRows(t *testing.T) {
	rows := replay(t)
	byURL := map[string]*schema.News{}
	for _, n := range rows {
		byURL[n.URL] = n
		if n.SourceType != "rss" || n.ContentSHA256 == "" || n.WARCRecordID == nil || !n.FetchedAt.Equal(recordedAt) {
			t.Errorf("%s: source_type %q, provenance %+v", n.URL, n.SourceType, n.Provenance)
		}
	}
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(rows))
	}
	type want struct {
		id, canonical, outlet, title, lead, lang string
		at                                       string
		raw, from, offset, missing, feed         string
		terms, services                          []string
		incident                                 string
	}
	chosunFeeds := "https://www.chosun.com/arc/outboundfeeds/rss/?outputType=xml,https://www.chosun.com/arc/outboundfeeds/rss/category/economy/?outputType=xml"
	for u, w := range map[string]want{
		"https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/": {
			// the seed cites the AMP address; both are one article
			id:        id(t, "https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/?outputType=amp"),
			canonical: "https://chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A",
			outlet:    "조선일보", title: "[descriptive] 판교 데이터센터 화재로 카카오 서비스 장애", lead: "오후 3시 33분쯤 불이 났다.", lang: "ko",
			at: "2022-10-14T15:00:00Z", raw: "2022-10-15", from: "feed", offset: "+09:00", missing: "time_of_day_unknown",
			feed:     chosunFeeds,
			terms:    []string{"데이터센터 화재", "카카오 서비스 장애", "카카오 장애", "판교 데이터센터", "판교 화재"},
			services: []string{"sk_cc_pangyo"}, incident: "2022-10-15-pangyo-fire",
		},
		"https://www.etnews.com/20221015000090": {
			id:        id(t, "https://etnews.com/20221015000090?mc=cp_002_00003"),
			canonical: "https://etnews.com/20221015000090",
			outlet:    "전자신문", title: "[descriptive] 판교 데이터센터 화재로 네이버 일부 서비스 장애",
			lead: "네이버 검색·뉴스·쇼핑·카페·블로그 등 일부 서비스에서 오류가 났다.", lang: "ko",
			at: "2022-10-14T15:00:00Z", raw: "2022-10-15", from: "feed", offset: "+09:00", missing: "time_of_day_unknown",
			feed:     "https://rss.etnews.com/Section901.xml",
			terms:    []string{"네이버 장애", "데이터센터 화재", "판교 데이터센터", "판교 화재"},
			services: []string{"naver", "sk_cc_pangyo"}, incident: "2022-10-15-pangyo-fire",
		},
		"https://news.mt.co.kr/mtview.php?no=2022101716262598709": {
			id:        id(t, "https://m.mt.co.kr/renew/view_amp.html?no=2022101716262598709"),
			canonical: "https://news.mt.co.kr/mtview.php?no=2022101716262598709",
			outlet:    "머니투데이", title: "[descriptive] 카카오페이·카카오뱅크·톡지갑 복구…다음 메일·톡채널·톡서랍은 아직",
			lead: "17일 오후 3시 기준 카카오톡 지갑, 카카오페이, 카카오뱅크가 복구됐다. 다음·카카오 메일, 톡채널, 톡서랍은 아직 복구 중이다.", lang: "ko",
			at: "2022-10-17T07:26:00Z", raw: "Mon, 17 Oct 2022 16:26:00 +0900", from: "feed", offset: "+09:00",
			feed:     "http://rss.mt.co.kr/mt_news.xml",
			terms:    []string{"카카오 복구"},
			services: []string{"daum_mail", "kakao_mail", "kakaobank", "kakaopay", "kakaotalk", "talk_channel"},
			incident: "2022-10-15-pangyo-fire",
		},
	} {
		n := byURL[u]
		if n == nil {
			t.Errorf("no row for %s", u)
			continue
		}
		got := want{n.ArticleID, n.CanonicalURL, n.Outlet, n.Title, n.Lead, n.Lang, rfc(n.PublishedAt),
			n.PublishedRaw, n.PublishedFrom, n.UTCOffset, n.DateMissingReason, n.Feed,
			n.MatchedTerms, n.ServicesMentioned, n.IncidentID}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", u, got, w)
		}
		if n.ClusterID != newsmatch.ClusterKey(n.Title) {
			t.Errorf("%s: cluster %s", u, n.ClusterID)
		}
	}
}

// EUC-KR straight from disk (no transport in between): gofeed decodes it
// from the XML declaration.
func TestParseEUCKR(t *testing.T) {
	body, err := os.ReadFile("testdata/pages/etnews-section901.xml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "판교") {
		t.Fatal("fixture is not EUC-KR")
	}
	feed, items, err := Parse(body, "application/xml", "https://rss.etnews.com/Section901.xml")
	if err != nil {
		t.Fatal(err)
	}
	if feed.Title != "전자신문" || len(items) != 1 || items[0].Title != "[descriptive] 판교 데이터센터 화재로 네이버 일부 서비스 장애" {
		t.Fatalf("feed %q items %+v", feed.Title, items)
	}
}

// A date-less item keeps its row with a reason; a feed date is never
// replaced by the fetch time.
func TestParseMissingDate(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><language>ko</language>
<item><title>카카오톡 먹통</title><link>https://example.kr/a?utm_source=rss</link></item>
<item><title>카카오톡 장애</title><link>https://example.kr/b</link><pubDate>어제</pubDate></item></channel></rss>`
	_, items, err := Parse([]byte(body), "text/xml; charset=utf-8", "https://example.kr/rss")
	if err != nil {
		t.Fatal(err)
	}
	if !items[0].Published.IsZero() || items[0].MissingWhy != "feed item has no pubDate, dc:date or published" {
		t.Errorf("item 0: %+v", items[0])
	}
	if !items[1].Published.IsZero() || items[1].Published.Raw != "어제" || !strings.HasPrefix(items[1].MissingWhy, "unparseable feed date") {
		t.Errorf("item 1: %+v", items[1])
	}
	n, err := newsmatch.DefaultMatcher.News(items[0])
	if err != nil {
		t.Fatal(err)
	}
	if n.PublishedAt != nil || n.DateMissingReason == "" || n.IncidentID != "" || n.CanonicalURL != "https://example.kr/a" {
		t.Errorf("row %+v", n)
	}
	if err := n.Validate(); err != nil {
		t.Error(err)
	}
}

func TestWindowAndKeep(t *testing.T) {
	c := newCollector(t, "[sources.rss]\nfrom = \"2022-10-16\"\nto = \"2022-10-18\"\n")
	res := bundled.Replay(t, c)
	if len(res.Rows) != 1 || res.Rows[0].(*schema.News).Outlet != "머니투데이" {
		t.Errorf("window 16..18 Oct kept %d rows", len(res.Rows))
	}
}

func TestNewValidates(t *testing.T) {
	recordtest.Rejects(t, New, Name,
		"[sources.rss]\nkeep = \"some\"\n",
		"[sources.rss]\nurl = \"file:///etc/passwd\"\n",
		"[sources.rss]\nfrom = \"2022-10-20\"\nto = \"2022-10-15\"\n",
		"[sources.rss]\nfrom = \"yesterday\"\n",
		"[sources.rss]\nfeeds = [\"x\"]\n",
	)
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"chosun-all.xml", "etnews-section901.xml", "mt-news.xml"} {
		b, err := os.ReadFile("testdata/pages/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "application/xml")
	}
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title><link href="/a"/><published>2022-10-15T16:02:00+09:00</published></entry></feed>`), "application/atom+xml; charset=utf-8")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		_, items, err := Parse(body, ct, "https://example.kr/feed")
		if err != nil {
			return
		}
		for _, it := range items {
			if n, err := newsmatch.DefaultMatcher.News(it); err == nil && n.PublishedAt != nil && n.PublishedAt.Location() != time.UTC {
				t.Fatalf("published_at %v not UTC", n.PublishedAt)
			}
		}
	})
}

// The default feeds are the sample.toml's urls (the bundled recording's);
// a sources file's urls replace them.
func TestDefaultsFromSample(t *testing.T) {
	b, err := os.ReadFile("sample.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ingest.ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := cfg.Source(Name)
	if len(sc.URLs) != 4 || !reflect.DeepEqual(DefaultFeeds, sc.URLs) {
		t.Fatalf("DefaultFeeds %q, sample urls %q", DefaultFeeds, sc.URLs)
	}
	if got := newCollector(t, "").Info().URL; got != strings.Join(sc.URLs, " ") {
		t.Errorf("default feeds %q", got)
	}
	c := newCollector(t, "[sources.rss]\nurls = [\"https://example.org/a.xml\", \"https://example.org/b.xml\"]\n")
	if got := c.Info().URL; got != "https://example.org/a.xml https://example.org/b.xml" {
		t.Errorf("configured feeds %q", got)
	}
}
