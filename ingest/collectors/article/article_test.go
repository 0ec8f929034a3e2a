package article

import (
	"errors"
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

var recordedAt = time.Date(2026, 11, 24, 12, 30, 0, 0, time.UTC)

var bundled = recordtest.Recording{At: recordedAt, RunID: "test"}

func newCollector(t *testing.T) ingest.Collector {
	t.Helper()
	cfg, _ := ingest.Config{}.Source(Name)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecording(t *testing.T) {
	bundled.Check(t, newCollector(t), *updateGolden)
}

func replay(t *testing.T) []*schema.News {
	return recordtest.As[*schema.News](t, bundled.Rows(t, newCollector(t)))
}

// Each page's date comes from a different place: meta, JSON-LD (a day
// only), a printed KST time, the URL path (a day only), or nowhere.
func TestRows(t *testing.T) {
	rows := replay(t)
	type row struct {
		id, title, outlet, lang, at, raw, from, offset, missing, incident string
	}
	id := func(u string) string { _, id, _ := newsmatch.IDFor(u); return id }
	got := map[string]row{}
	for _, n := range rows {
		at := "nil"
		if n.PublishedAt != nil {
			at = n.PublishedAt.Format(time.RFC3339)
		}
		got[n.URL] = row{n.ArticleID, n.Title, n.Outlet, n.Lang, at, n.PublishedRaw, n.PublishedFrom, n.UTCOffset,
			n.DateMissingReason, n.IncidentID}
		if n.SourceType != "article" || n.Feed != "article" || n.ContentSHA256 == "" || n.WARCRecordID == nil ||
			!n.FetchedAt.Equal(recordedAt) || n.SourceURL != n.URL {
			t.Errorf("%s: %+v", n.URL, *n)
		}
	}
	const fire = "2022-10-15-pangyo-fire"
	want := map[string]row{
		"https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/?outputType=amp": {
			id("https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/"),
			"[descriptive] 판교 데이터센터 화재로 카카오 서비스 장애", "조선일보", "ko",
			"2022-10-14T15:00:00Z", "/2022/10/15/", "url", "+09:00", "time_of_day_unknown", fire},
		"https://www.ddaily.co.kr/page/view/2022101623402869383": {
			id("https://ddaily.co.kr/page/view/2022101623402869383"),
			"[descriptive] 카카오, 30시간만에 주요 서비스 복구", "디지털데일리", "ko",
			"2022-10-16T14:40:00Z", "2022-10-16T23:40:00+09:00", "meta", "+09:00", "", fire},
		"https://news.mt.co.kr/mtview.php?no=2022101716262598709": {
			id("https://m.mt.co.kr/renew/view_amp.html?no=2022101716262598709"),
			"[descriptive] 카카오페이·카카오뱅크·톡지갑 복구…다음 메일·톡채널·톡서랍은 아직", "머니투데이", "ko",
			"2022-10-17T07:26:00Z", "입력 2022.10.17 16:26", "visible", "+09:00", "", fire},
		"http://www.newstomato.com/RealTime/RealTimeDetail.aspx?no=1153411": {
			id("http://www.newstomato.com/RealTime/RealTimeDetail.aspx?no=1153411"),
			"카카오톡 먹통에 메신저 망명", "뉴스토마토", "ko",
			"2022-10-16T15:00:00Z", "2022-10-17", "jsonld", "+09:00", "time_of_day_unknown", fire},
		"https://www.koreaherald.com/view.php?ud=20221017000788": {
			id("https://www.koreaherald.com/view.php?ud=20221017000788"),
			"[Editorial] Perils of the wired nation", "The Korea Herald", "en",
			"nil", "", "", "", "no article:published_time, JSON-LD datePublished, printed date or dated URL on the page", ""},
	}
	for u, w := range want {
		if !reflect.DeepEqual(got[u], w) {
			t.Errorf("%s:\n got %+v\nwant %+v", u, got[u], w)
		}
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows, want %d", len(rows), len(want))
	}
	for _, n := range rows {
		if strings.Contains(n.URL, "newstomato") &&
			!reflect.DeepEqual(n.ServicesMentioned, []string{"facebook_messenger", "kakaotalk", "line", "telegram"}) &&
			!reflect.DeepEqual(n.ServicesMentioned, []string{"kakaotalk", "line", "telegram"}) {
			t.Errorf("newstomato services %v", n.ServicesMentioned)
		}
	}
}

func TestExtractPrintedDates(t *testing.T) {
	for name, c := range map[string]struct{ html, at, from string }{
		"naver style":   {`<html lang="ko"><body><h1>t</h1><span>기사입력 2022.10.15. 오후 4:02</span></body></html>`, "2022-10-15T07:02:00Z", "visible"},
		"input colon":   {`<html lang="ko"><body><h1>t</h1><p>입력 : 2022-10-15 16:02:59 | 수정 : 2022-10-16 09:00:00</p></body></html>`, "2022-10-15T07:02:59Z", "visible"},
		"korean words":  {`<html lang="ko"><body><h1>t</h1><p>등록 2022년 10월 15일 16시 02분</p></body></html>`, "2022-10-15T07:02:00Z", "visible"},
		"meta beats":    {`<html><head><meta property="article:published_time" content="2022-10-15T07:02:00Z"></head><body><h1>t</h1>입력 2022.10.16 10:00</body></html>`, "2022-10-15T07:02:00Z", "meta"},
		"jsonld graph":  {`<html><head><script type="application/ld+json">{"@graph":[{"@type":"WebPage"},{"@type":["NewsArticle"],"headline":"h","datePublished":"2022-10-15T16:02:00+09:00"}]}</script></head><body></body></html>`, "2022-10-15T07:02:00Z", "jsonld"},
		"itemprop time": {`<html><body><h1>t</h1><time itemprop="datePublished" datetime="2022-10-15T16:02:00+09:00">Oct 15</time></body></html>`, "2022-10-15T07:02:00Z", "meta"},
	} {
		a, err := Extract("https://example.kr/a/1", []byte(c.html))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if a.Published.At.Format(time.RFC3339) != c.at || a.Published.From != c.from {
			t.Errorf("%s: got %s from %s (%s)", name, a.Published.At.Format(time.RFC3339), a.Published.From, a.MissingWhy)
		}
	}
}

// An English page with a zone-less date: the zone is not guessed.
func TestExtractNoZoneGuess(t *testing.T) {
	a, err := Extract("https://example.com/a", []byte(`<html lang="en"><head><meta property="article:published_time" content="2022-10-15T16:02:00"></head><body><h1>t</h1></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Published.IsZero() || !strings.Contains(a.MissingWhy, "no time zone") {
		t.Errorf("got %+v", a)
	}
}

func TestNewValidates(t *testing.T) {
	cfg, err := ingest.ParseConfig([]byte("[sources.article]\nurls = [\"mailto:x@example.com\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := cfg.Source(Name)
	if _, err := New(sc); err == nil {
		t.Error("New accepted a mailto URL")
	}
}

func FuzzExtract(f *testing.F) {
	for _, name := range []string{"chosun-amp.html", "ddaily.html", "mt.html", "koreaherald.html"} {
		b, err := os.ReadFile("testdata/pages/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Extract("https://example.kr/2022/10/15/a", b)
		if err != nil {
			return
		}
		if a.Published.IsZero() != (a.MissingWhy != "") {
			t.Fatalf("date %v with reason %q", a.Published, a.MissingWhy)
		}
	})
}

// The default pages are the sample.toml's urls (the bundled recording's);
// a sources file's urls replace them; an unknown key is a ConfigError.
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
	if len(sc.URLs) != 5 || !reflect.DeepEqual(DefaultURLs, sc.URLs) {
		t.Fatalf("DefaultURLs %q, sample urls %q", DefaultURLs, sc.URLs)
	}
	if got := newCollector(t).Info().URL; got != strings.Join(sc.URLs, " ") {
		t.Errorf("default pages %q", got)
	}
	cfg, err = ingest.ParseConfig([]byte("[sources.article]\nurl = \"https://example.org/news/1\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	sc, _ = cfg.Source(Name)
	c, err := New(sc)
	if err != nil || c.Info().URL != "https://example.org/news/1" {
		t.Fatalf("configured url: %v %v", c, err)
	}
	cfg, err = ingest.ParseConfig([]byte("[sources.article]\npages = [\"https://example.org/news/1\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	sc, _ = cfg.Source(Name)
	_, err = New(sc)
	var ce *ingest.ConfigError
	if !errors.As(err, &ce) || ce.Key != "pages" {
		t.Errorf("unknown key: %v", err)
	}
}
