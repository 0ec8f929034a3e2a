package navernews

import (
	"errors"
	"flag"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

var updateGolden = flag.Bool("update", false, "rebuild testdata/recording.warc.gz and testdata/want.json")

var recordedAt = time.Date(2026, 11, 24, 12, 20, 0, 0, time.UTC)

func newCollector(t *testing.T, toml string) *Collector {
	return recordtest.New(t, New, Name, toml).(*Collector)
}

func news(t *testing.T, res recordtest.Result) []*schema.News {
	t.Helper()
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	return recordtest.As[*schema.News](t, res.Rows)
}

var bundled = recordtest.Recording{At: recordedAt, RunID: "test"}

// A replay needs no credentials, so none are set.
func replay(t *testing.T) []*schema.News {
	t.Setenv(EnvClientID, "")
	t.Setenv(EnvClientSecret, "")
	return recordtest.As[*schema.News](t, bundled.Rows(t, newCollector(t, "")))
}

func TestRecording(t *testing.T) {
	if *updateGolden {
		// Recording is a live run: it needs credentials, and the WARC's
		// request records show what was sent, so only placeholders go in.
		t.Setenv(EnvClientID, "placeholder-id")
		t.Setenv(EnvClientSecret, "placeholder-secret")
	} else {
		t.Setenv(EnvClientID, "")
		t.Setenv(EnvClientSecret, "")
	}
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

// Rows of the bundled recording: KST pubDates in UTC, <b> highlighting
// gone, AMP and mobile links folded onto the ids the other collectors
// give the same articles, one row for an article two queries found.
func TestRows(t *testing.T) {
	rows := replay(t)
	if len(rows) != 6 {
		t.Fatalf("got %d rows, want 6", len(rows))
	}
	type want struct {
		id, title, outlet, at, raw, query string
		services                          []string
	}
	got := map[string]want{}
	for _, n := range rows {
		if n.SourceType != "naver_api" || n.Feed != "naver_api" || n.PublishedFrom != "naver_api" || n.UTCOffset != "+09:00" ||
			n.DateMissingReason != "" || n.IncidentID != "2022-10-15-pangyo-fire" || n.Lang != "ko" ||
			strings.Contains(n.Title+n.Lead, "<b>") || n.ContentSHA256 == "" || n.WARCRecordID == nil {
			t.Errorf("%s: %+v", n.URL, *n)
		}
		got[n.URL] = want{n.ArticleID, n.Title, n.Outlet, n.PublishedAt.Format(time.RFC3339), n.PublishedRaw, n.Query, n.ServicesMentioned}
	}
	wants := map[string]want{
		"https://ddaily.co.kr/page/view/2022101623402869383": {
			id:    id(t, "https://www.ddaily.co.kr/page/view/2022101623402869383"),
			title: "[descriptive] 카카오, 30시간만에 주요 서비스 복구", outlet: "디지털데일리",
			at: "2022-10-16T14:40:00Z", raw: "Sun, 16 Oct 2022 23:40:00 +0900", query: "데이터센터 화재,카카오 먹통",
			services: []string{"daum_mail", "kakao_login", "kakao_t", "kakaopage", "kakaotalk", "tistory"},
		},
		"https://ddaily.co.kr/page/view/2022101519590430469": {
			id:    id(t, "https://www.ddaily.co.kr/page/view/2022101519590430469"),
			title: "[descriptive] 카카오 API 장애에 스타벅스·캐치테이블·런드리고 등 외부 서비스도 차질", outlet: "디지털데일리",
			at: "2022-10-15T10:59:00Z", raw: "Sat, 15 Oct 2022 19:59:00 +0900", query: "데이터센터 화재",
			services: []string{"kakaomap", "kakaopay", "kakaotalk"},
		},
		"https://m.ddaily.co.kr/page/view/2022101809552829340": {
			id:    id(t, "https://www.ddaily.co.kr/page/view/2022101809552829340"),
			title: "[descriptive] 카카오뱅크·카카오맵·카카오T 등 주요 서비스 정상화", outlet: "디지털데일리",
			at: "2022-10-18T00:55:00Z", raw: "Tue, 18 Oct 2022 09:55:00 +0900", query: "카카오 먹통",
			services: []string{"kakao_games", "kakao_navi", "kakao_t", "kakao_webtoon", "kakaobank", "kakaomap", "kakaopage", "kakaotv", "melon", "piccoma", "zigzag"},
		},
		"https://m.mt.co.kr/renew/view_amp.html?no=2022101716262598709": {
			id:    id(t, "https://news.mt.co.kr/mtview.php?no=2022101716262598709"), // the RSS link
			title: "[descriptive] 카카오페이·카카오뱅크·톡지갑 복구…다음 메일·톡채널·톡서랍은 아직", outlet: "머니투데이",
			at: "2022-10-17T07:26:00Z", raw: "Mon, 17 Oct 2022 16:26:00 +0900", query: "카카오 먹통",
			services: []string{"daum_mail", "kakao_mail", "kakaobank", "kakaopay", "kakaotalk", "talk_channel"},
		},
		"https://m.hankookilbo.com/News/Read/Amp/A2022101908430002952": {
			id:    id(t, "https://www.hankookilbo.com/News/Read/A2022101908430002952"),
			title: "[descriptive] 카카오톡 채널·카카오페이 주요 기능 복구", outlet: "한국일보",
			at: "2022-10-18T23:43:00Z", raw: "Wed, 19 Oct 2022 08:43:00 +0900", query: "카카오 먹통",
			services: []string{"kakaopay", "talk_channel"},
		},
		"https://m.imaeil.com/page/view/2022101517115909714": {
			id:    id(t, "https://www.imaeil.com/page/view/2022101517115909714"),
			title: "[descriptive] 네이버 검색·뉴스·쇼핑 등 일부 서비스 오류", outlet: "매일신문",
			at: "2022-10-15T08:11:00Z", raw: "Sat, 15 Oct 2022 17:11:00 +0900", query: "데이터센터 화재",
			services: []string{"naver"},
		},
	}
	if !reflect.DeepEqual(got, wants) {
		for u, w := range wants {
			if !reflect.DeepEqual(got[u], w) {
				t.Errorf("%s:\n got %+v\nwant %+v", u, got[u], w)
			}
		}
	}
}

// A live run without credentials is a configuration error that names the
// variables and never echoes a value.
func TestMissingCredentials(t *testing.T) {
	t.Setenv(EnvClientID, "id-value-that-must-not-leak")
	t.Setenv(EnvClientSecret, "")
	c := newCollector(t, "")
	s := ingest.NewSession(c, ingest.SessionOptions{Mode: ingest.Live})
	err := c.Collect(t.Context(), s)
	if !errors.Is(err, ErrNoCredentials) || strings.Contains(err.Error(), "id-value") ||
		!strings.Contains(err.Error(), EnvClientSecret) {
		t.Fatalf("got %v", err)
	}
}

// flaky answers 429 to the first request for one URL, as the API does
// past its per-second limit, and records the credentials it was sent.
type flaky struct {
	base    http.RoundTripper
	url     string
	mu      sync.Mutex
	refused bool
	ids     []string
}

func (f *flaky) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.ids = append(f.ids, req.Header.Get("X-Naver-Client-Id")+"/"+req.Header.Get("X-Naver-Client-Secret"))
	refuse := req.URL.String() == f.url && !f.refused
	f.refused = f.refused || refuse
	f.mu.Unlock()
	if refuse {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests",
			Header: http.Header{"Retry-After": {"0"}, "Content-Type": {"application/json"}},
			Body:   http.NoBody, Request: req}, nil
	}
	return f.base.RoundTrip(req)
}

// Paging: display=2 walks start=1,3,5 and stops at the short last page;
// the 429 on page 2 is retried by the transport.
func TestPagingAndRateLimit(t *testing.T) {
	t.Setenv(EnvClientID, "cid")
	t.Setenv(EnvClientSecret, "csecret")
	site, err := recordtest.OpenSite("testdata/pages/paging")
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector(t, "[sources.navernews]\nqueries = [\"카카오 먹통\"]\ndisplay = 2\n")
	f := &flaky{base: site, url: c.PageURL("카카오 먹통", 3)}
	rows := news(t, recordtest.Live(t, c, f))
	if len(rows) != 5 || !f.refused || len(site.Unused()) != 0 {
		t.Fatalf("rows %d, refused %v, unused %v", len(rows), f.refused, site.Unused())
	}
	for _, v := range f.ids {
		if v != "cid/csecret" {
			t.Errorf("sent credentials %q", v)
		}
	}
}

// With sort=date, a page that reaches items older than `from` is the last.
func TestPagingStopsAtWindow(t *testing.T) {
	t.Setenv(EnvClientID, "cid")
	t.Setenv(EnvClientSecret, "csecret")
	site, err := recordtest.OpenSite("testdata/pages/paging")
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector(t, "[sources.navernews]\nqueries = [\"카카오 먹통\"]\ndisplay = 2\nfrom = \"2022-10-17\"\n")
	rows := news(t, recordtest.Live(t, c, site))
	if len(rows) != 3 || len(site.Unused()) != 1 {
		t.Fatalf("rows %d, unused %v", len(rows), site.Unused())
	}
}

// studyCollector builds the collector as the CLI does under a study.
func studyCollector(t *testing.T, s *study.Study, toml string) *Collector {
	t.Helper()
	newsmatch.UseStudy(s)
	defer newsmatch.UseStudy(study.Default())
	return newCollector(t, toml)
}

// A study as the user writes it: its own search_queries and news window.
const ownStudy = `name = "line_outage"
title = "A messenger outage"
[incident]
id = "line-outage"
cause = "fire"
start = 2023-05-01T10:00:00+09:00
end = 2023-05-01T20:00:00+09:00
news_from = 2023-04-30T00:00:00+09:00
news_to = 2023-05-15T00:00:00+09:00
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
terms = ["라인 장애", "라인 먹통", "LINE outage"]
search_queries = ["라인 먹통"]
[analysis]
time_zone = "Asia/Tokyo"
[report]
sections = ["news_volume"]
`

// With no queries or range configured, the requests and the window follow
// the active study: its search_queries (else its terms), the week from its
// incident's news_from; a configured day is a day of its time zone (Tokyo,
// nine hours ahead of UTC as Seoul is). Explicit queries and range win.
func TestDefaultsFollowTheStudy(t *testing.T) {
	own, err := study.Parse([]byte(ownStudy), "study.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := own.Validate(time.Now()); err != nil {
		t.Fatal(err)
	}
	noQueries, err := study.Parse([]byte(strings.Replace(ownStudy, "search_queries = [\"라인 먹통\"]\n", "", 1)), "study.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := noQueries.Validate(time.Now()); err != nil {
		t.Fatal(err)
	}
	page := func(q string) string {
		return Endpoint + "?query=" + url.QueryEscape(q) + "&display=100&start=1&sort=date"
	}
	kst := newsmatch.KST
	for _, tt := range []struct {
		name     string
		s        *study.Study
		toml     string
		requests []string
		from, to time.Time
	}{
		// The bundled recording's two requests.
		{"default study", study.Default(), "", []string{page("카카오 먹통"), page("데이터센터 화재")},
			time.Date(2022, 10, 15, 0, 0, 0, 0, kst), time.Date(2022, 10, 22, 0, 0, 0, 0, kst)},
		{"own search_queries", own, "", []string{page("라인 먹통")},
			time.Date(2023, 4, 30, 0, 0, 0, 0, kst), time.Date(2023, 5, 7, 0, 0, 0, 0, kst)},
		{"no search_queries: every term", noQueries, "", []string{page("라인 장애"), page("라인 먹통"), page("LINE outage")},
			time.Date(2023, 4, 30, 0, 0, 0, 0, kst), time.Date(2023, 5, 7, 0, 0, 0, 0, kst)},
		{"explicit queries and range win", own, "[sources.navernews]\nqueries = [\"LINE 障害\"]\nfrom = \"2023-05-01\"\nto = \"2023-05-03\"\n",
			[]string{page("LINE 障害")}, time.Date(2023, 5, 1, 0, 0, 0, 0, kst), time.Date(2023, 5, 3, 0, 0, 0, 0, kst)},
		{"explicit from keeps the study's end", own, "[sources.navernews]\nfrom = \"2023-05-02\"\n",
			[]string{page("라인 먹통")}, time.Date(2023, 5, 2, 0, 0, 0, 0, kst), time.Date(2023, 5, 7, 0, 0, 0, 0, kst)},
	} {
		c := studyCollector(t, tt.s, tt.toml)
		var got []string
		for _, q := range c.queries {
			got = append(got, c.PageURL(q, 1))
		}
		if !reflect.DeepEqual(got, tt.requests) {
			t.Errorf("%s: requests\n%q\nwant\n%q", tt.name, got, tt.requests)
		}
		if !c.window.From.Equal(tt.from) || !c.window.To.Equal(tt.to) {
			t.Errorf("%s: window %v..%v, want %v..%v", tt.name, c.window.From, c.window.To, tt.from, tt.to)
		}
	}
}

func TestNewValidates(t *testing.T) {
	recordtest.Rejects(t, New, Name,
		"[sources.navernews]\ndisplay = 0\n",
		"[sources.navernews]\ndisplay = 101\n",
		"[sources.navernews]\nmax_start = 1001\n",
		"[sources.navernews]\nsort = \"newest\"\n",
		"[sources.navernews]\nqueries = [\" \"]\n",
		"[sources.navernews]\nclient_secret = \"x\"\n", // secrets never come from the file
	)
}

func FuzzParse(f *testing.F) {
	recordtest.Seeds(f, "testdata/pages/*.json", "testdata/pages/paging/page*.json")
	f.Add([]byte(`{"items":[{"title":"<b>x","pubDate":"Sat, 15 Oct 2022 16:02:00 KST"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		for _, a := range p.Articles {
			if !a.Published.IsZero() && a.Published.At.Location() != time.UTC {
				t.Fatal("not UTC")
			}
			if n, err := newsmatch.DefaultMatcher.News(a); err == nil && strings.Contains(n.Title, "<b>") {
				t.Fatalf("title %q keeps markup", n.Title)
			}
		}
	})
}
