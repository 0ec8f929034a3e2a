package servicedir

import (
	"errors"
	"flag"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

// pages maps the real directory URLs to the hand-made pages standing in
// for them (see testdata/README.md).
var pages = map[string]string{
	"https://www.kakaocorp.com/page/service/service": "testdata/pages/kakaocorp_service.html",
	"https://www.naver.com/more.html":                "testdata/pages/naver_more.html",
}

var testNow = time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)

func collect(t *testing.T, cfg ingest.SourceConfig, rt http.RoundTripper, now time.Time) ([]*schema.Service, *ingest.Session) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rows, s := recordtest.Collect(t, c, ingest.SessionOptions{RunID: "test", Transport: rt, Now: func() time.Time { return now }})
	if s.Rejected() > 0 {
		t.Fatalf("%d rows failed validation: %v", s.Rejected(), s.Errors())
	}
	return recordtest.As[*schema.Service](t, rows), s
}

// want is the compact form of an expected row; the test fills in the
// gateway, date and provenance that every row of one page shares.
type want struct {
	id, ko, en, cat, raw, provider, entry string
	linked                                bool
	account, platform                     string
}

var wantKakao = []want{
	{"kakaotalk_gift", "선물하기", "Gift", "commerce", "gift/commerce", "Kakao", "kakaotalk", true, "yes (in-app)", ""},
	{"talk_channel", "톡채널", "KakaoTalk Channel", "notifications", "business messaging/ads", "Kakao", "kakaotalk", true, "yes (in-app)", ""},
	{"kakao_mail", "카카오메일", "Kakao Mail", "email", "mail", "Kakao", "kakaotalk", true, "yes (in-app)", ""},
	{"daum", "다음", "Daum", "search", "portal/search/news", "Kakao", "kakao_account", true, "yes (Kakao Account)", "daum"},
	{"daum_cafe", "다음 카페", "Daum Cafe", "community", "community", "Kakao", "kakao_account", true, "yes (Kakao Account)", "daum_cafe"},
	{"daum_mail", "다음 메일", "Daum Mail", "email", "mail", "Kakao", "kakao_account", true, "yes (Kakao Account)", ""},
	{"kakaomap", "카카오맵", "Kakao Map", "maps", "maps", "Kakao", "kakao_account", true, "yes (Kakao Account)", "kakaomap"},
	{"kakao_navi", "카카오내비", "Kakao Navi", "maps", "navigation", "Kakao Mobility", "kakao_account", true, "yes (Kakao Account)", ""},
	{"kakao_bus", "카카오버스", "Kakao Bus", "mobility", "transit", "Kakao", "kakao_account", true, "yes (Kakao Account)", "kakao_bus"},
	{"kakao_t", "카카오T", "Kakao T", "mobility", "mobility", "Kakao Mobility", "kakao_account", true, "yes (Kakao Account)", "kakao_t"},
	{"kakaopay", "카카오페이", "KakaoPay", "payments", "payments/finance", "Kakao Pay", "kakao_account", true, "yes (Kakao Account)", "kakaopay"},
	{"kakaobank", "카카오뱅크", "KakaoBank", "finance", "banking", "KakaoBank", "kakao_account", true, "yes (Kakao Account)", ""},
	{"kakaopage", "카카오페이지", "KakaoPage", "content", "webtoon/web-novel", "Kakao Entertainment", "kakao_account", true, "yes (Kakao Account)", "kakaopage"},
	{"kakao_webtoon", "카카오웹툰", "Kakao Webtoon", "content", "webtoon", "Kakao Entertainment", "kakao_account", true, "yes (Kakao Account)", ""},
	{"melon", "멜론", "Melon", "content", "music streaming", "Kakao Entertainment", "kakao_account", true, "yes (Kakao Account)", ""},
	{"kakao_tv", "카카오TV", "KakaoTV", "content", "video", "Kakao Entertainment", "kakao_account", true, "yes (Kakao Account)", ""},
	{"kakao_games", "카카오게임즈", "Kakao Games", "games", "games", "Kakao Games", "kakao_account", true, "yes (Kakao Account)", ""},
	{"tistory", "티스토리", "Tistory", "community", "blog", "Kakao", "kakao_account", true, "yes (Kakao Account)", ""},
	{"brunch", "브런치", "Brunch", "community", "blog/publishing", "Kakao", "kakao_account", true, "yes (Kakao Account)", ""},
	{"kakaostory", "카카오스토리", "KakaoStory", "community", "SNS", "Kakao", "kakao_account", true, "yes (Kakao Account)", "kakaostory"},
}

var wantNaver = []want{
	{"naver_search", "검색", "Search", "search", "portal/search", "Naver", "naver", false, "Naver portal/app; listed as partially impaired by the 2022-10-15 Pangyo fire", "naver"},
	{"naver_news", "뉴스", "News", "news", "news", "Naver", "naver", false, "Naver portal/app; impaired 2022-10-15", ""},
	{"naver_shopping", "쇼핑", "Naver Shopping", "commerce", "commerce", "Naver", "naver", false, "Naver portal/app; impaired 2022-10-15", ""},
	{"naver_cafe", "카페", "Naver Cafe", "community", "community", "Naver", "naver", false, "Naver service; impaired 2022-10-15 (per Chosun same day: photo upload to Cafe failing)", "naver_cafe"},
	{"naver_blog", "블로그", "Naver Blog", "community", "blog", "Naver", "naver", false, "Naver service; impaired 2022-10-15 (Blog is also a Naver-ID service with per-service 2FA per etnews 2020-12-16)", ""},
	{"naver_series_on", "시리즈온", "Series On", "content", "video (VOD)", "Naver", "naver", false, "Naver service; impaired 2022-10-15", ""},
	{"naver_sports", "네이버 스포츠", "Naver Sports", "content", "sports content", "Naver", "naver", false, "Naver service; outage notice 2022-10-15", ""},
	{"papago", "파파고", "Papago", "productivity", "translation (AI)", "Naver", "naver", false, "Naver service; outage notice 2022-10-15", ""},
	{"naver_webtoon", "네이버웹툰", "Naver Webtoon", "content", "webtoon", "Naver Webtoon", "naver", false, "Naver Plus members get monthly cookies usable in Webtoon and Series", "naver_webtoon"},
	{"naver_series", "시리즈", "Naver Series", "content", "web-novel/webtoon", "Naver Webtoon", "naver", false, "Naver Plus members get monthly cookies usable in Webtoon and Series", ""},
	{"vibe", "바이브", "VIBE", "content", "music streaming", "Naver", "naver", false, "Naver Plus content benefit", ""},
	{"chzzk", "치지직", "CHZZK", "games", "game/live streaming", "Naver", "naver", false, "Naver Pay payments counted as internal Naver platform; (newsway: repeated policy violations can restrict ALL Naver services - see notes)", ""},
	{"band", "밴드", "BAND", "community", "group community/SNS", "Naver", "naver", false, "separate BAND account: signup options in source are Facebook account, phone number, e-mail (Naver ID not mentioned)", "band"},
	{"naver_pay", "네이버페이", "Naver Pay", "payments", "payments", "Naver (Naver Financial since 2019-11)", "naver_id", true, "yes (Naver ID; launched 2015-06-25)", "naver_pay"},
	{"naver_mail", "네이버 메일", "Naver Mail", "email", "mail", "Naver", "naver_id", true, "yes (Naver ID; per-service 2FA)", ""},
	{"naver_calendar", "네이버 캘린더", "Naver Calendar", "productivity", "calendar", "Naver", "naver_id", true, "yes (Naver ID; per-service 2-step verification from Jan 2021)", ""},
	{"naver_kin", "지식iN", "KnowledgeiN", "community", "Q&A community", "Naver", "naver_id", true, "yes (Naver ID; per-service 2FA)", ""},
	{"naver_contacts", "주소록", "Contacts", "productivity", "contacts/PIM", "Naver", "naver_id", true, "yes (Naver ID; per-service 2FA)", ""},
	{"naver_memo", "메모", "Memo", "productivity", "notes/PIM", "Naver", "naver_id", true, "yes (Naver ID; per-service 2FA)", ""},
	{"naver_mybox", "마이박스", "MYBOX", "productivity", "storage/backup", "Naver", "naver_id", true, "yes (Naver ID; per-service 2FA)", ""},
	{"naver_booking", "네이버 예약", "Naver Booking", "delivery", "booking", "Naver", "naver_id", true, "yes ('Log in to NAVER' is step 1 in official help)", ""},
}

func expand(ws []want, gateway string, observed time.Time, prov schema.Provenance) []schema.Service {
	out := make([]schema.Service, len(ws))
	for i, w := range ws {
		out[i] = schema.Service{
			GatewayID: gateway, ServiceID: w.id, ObservedAt: observed, NameKo: w.ko, NameEn: w.en,
			Category: w.cat, CategoryRaw: w.raw, Provider: w.provider, EntryPoint: w.entry,
			AccountLinked: w.linked, AccountRaw: "seed: " + w.account, PlatformID: w.platform,
			Provenance: prov,
		}
	}
	return out
}

// checkRows compares rows field by field, provenance included; sha256 and
// WARC ids are checked to be present rather than spelled out.
func checkRows(t *testing.T, got []*schema.Service, want []schema.Service) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := *got[i], want[i]
		if len(g.ContentSHA256) != 64 {
			t.Errorf("row %d (%s): content_sha256 %q", i, g.ServiceID, g.ContentSHA256)
		}
		w.ContentSHA256, w.WARCRecordID = g.ContentSHA256, g.WARCRecordID
		w.Collector, w.CollectorVersion, w.RunID = Name, Version, "test"
		if !g.ObservedAt.Equal(w.ObservedAt) || !g.FetchedAt.Equal(w.FetchedAt) {
			t.Errorf("row %d (%s): observed %v fetched %v, want %v %v", i, g.ServiceID, g.ObservedAt, g.FetchedAt, w.ObservedAt, w.FetchedAt)
		}
		g.ObservedAt, g.FetchedAt = w.ObservedAt, w.FetchedAt
		if g != w {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// wantRecording are the rows of the two directory pages, each fetched at
// fetched(url); a page's rows are observed on its fetch day.
func wantRecording(fetched func(url string) time.Time) []schema.Service {
	day := func(u string) time.Time { return fetched(u).UTC().Truncate(24 * time.Hour) }
	kakaoProv := schema.Provenance{SourceURL: DefaultURLs[0], SourceTitle: "서비스 | 카카오", FetchedAt: fetched(DefaultURLs[0])}
	naverProv := schema.Provenance{SourceURL: DefaultURLs[1], SourceTitle: "네이버 전체 서비스", FetchedAt: fetched(DefaultURLs[1])}
	return append(expand(wantKakao, "kakao", day(DefaultURLs[0]), kakaoProv), expand(wantNaver, "naver", day(DefaultURLs[1]), naverProv)...)
}

func at(t time.Time) func(string) time.Time { return func(string) time.Time { return t } }

func TestCollectDirectories(t *testing.T) {
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, recordtest.Files(pages), testNow)
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	checkRows(t, rows, wantRecording(at(testNow)))
}

func TestConfigOverridesURLsAndGateways(t *testing.T) {
	mirror := "https://mirror.example.org/kakao.html"
	rt := recordtest.Files{mirror: pages[DefaultURLs[0]]}
	cfg, err := (ingest.Config{Sources: map[string]map[string]any{Name: {
		"url": mirror, "gateways": map[string]any{"tabs": "kakao_account"},
	}}}).Source(Name)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := collect(t, cfg, rt, testNow)
	if len(rows) != len(wantKakao) {
		t.Fatalf("got %d rows, want %d", len(rows), len(wantKakao))
	}
	for _, r := range rows {
		if r.GatewayID != "kakao_account" || r.SourceURL != mirror {
			t.Fatalf("row %s: gateway %q source %q", r.ServiceID, r.GatewayID, r.SourceURL)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, raw := range map[string]map[string]any{
		"relative url":     {"url": "more.html"},
		"ftp url":          {"url": "ftp://www.naver.com/more.html"},
		"gateway not slug": {"gateways": map[string]any{"groups": "Naver Portal"}},
		"unknown layout":   {"owners": map[string]any{"grid": "X"}},
		"unknown key":      {"gatway": "naver"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := (ingest.Config{Sources: map[string]map[string]any{Name: raw}}).Source(Name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := New(cfg); err == nil {
				t.Fatal("New accepted a bad config")
			}
		})
	}
}

func TestRowsFromBroadLabels(t *testing.T) {
	b, err := os.ReadFile("testdata/pages/broad_labels.html")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePage(b)
	if err != nil {
		t.Fatal(err)
	}
	prov := schema.Provenance{SourceURL: "https://example.test/", FetchedAt: testNow}
	rows, problems := p.Rows("kakaotalk", "Kakao", prov)
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	want := []schema.Service{
		// A known service under a broad tab takes the seed's category and
		// keeps the page's label.
		{GatewayID: "kakaotalk", ServiceID: "kakaomap", ObservedAt: day, NameKo: "카카오맵", NameEn: "Kakao Map",
			Category: "maps", CategoryRaw: "라이프스타일", Provider: "Kakao", EntryPoint: "kakao_account",
			AccountLinked: true, AccountRaw: "seed: yes (Kakao Account)", PlatformID: "kakaomap", Provenance: prov},
		// An unknown service under a specific tab is kept with a name slug;
		// its duplicate card is dropped.
		{GatewayID: "kakaotalk", ServiceID: "example_game", ObservedAt: day, NameEn: "Example Game",
			Category: "games", CategoryRaw: "게임", Provider: "Kakao", EntryPoint: "web", Provenance: prov},
		// Matched by its link's host; the card's own label wins over the tab.
		{GatewayID: "kakaotalk", ServiceID: "kakao_webtoon", ObservedAt: day, NameKo: "카카오웹툰", NameEn: "Kakao Webtoon",
			Category: "content", CategoryRaw: "웹툰", Provider: "Kakao Entertainment", EntryPoint: "kakao_account",
			AccountLinked: true, AccountRaw: "seed: yes (Kakao Account)", Provenance: prov},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if *rows[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, *rows[i], want[i])
		}
	}
	wantProblems := []string{
		`service "Example Service": category "라이프스타일" is not in the taxonomy`,
		`card 6 has no service name`,
	}
	if len(problems) != len(wantProblems) {
		t.Fatalf("problems = %v, want %v", problems, wantProblems)
	}
	for i, p := range problems {
		if p.Error() != wantProblems[i] {
			t.Errorf("problem %d = %q, want %q", i, p, wantProblems[i])
		}
	}
}

func TestBadPagesAreParseFailures(t *testing.T) {
	rt := recordtest.Files{
		"https://www.kakaocorp.com/page/service/service": "testdata/bad/no_list.html",
		"https://www.naver.com/more.html":                "testdata/pages/broad_labels.html",
	}
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, rt, testNow)
	errs := s.Errors()
	if len(errs) != 3 || !strings.Contains(errs[0], "no service list found") {
		t.Fatalf("errors = %q", errs)
	}
	if len(rows) != 3 {
		t.Fatalf("got %d rows from the broad-label page, want 3", len(rows))
	}
	_, err := ParsePage([]byte("<html><body></body></html>"))
	if !errors.Is(err, ErrNoList) {
		t.Fatalf("ParsePage(empty) = %v, want ErrNoList", err)
	}
}

func TestHTTPErrorIsReported(t *testing.T) {
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, recordtest.Files{}, testNow)
	if len(rows) != 0 || len(s.Errors()) != 2 || !strings.Contains(s.Errors()[0], "HTTP 404") {
		t.Fatalf("rows %d, errors %q", len(rows), s.Errors())
	}
}

func FuzzParsePage(f *testing.F) {
	recordtest.Seeds(f, "testdata/pages/*.html", "testdata/bad/*.html")
	prov := schema.Provenance{SourceURL: "https://example.test/", FetchedAt: testNow}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParsePage(body)
		if err != nil {
			return
		}
		rows, _ := p.Rows("kakaotalk", "Kakao", prov)
		for _, r := range rows {
			if err := r.Validate(); err != nil {
				t.Fatalf("invalid row %+v: %v", r, err)
			}
		}
	})
}

var update = flag.Bool("update", false, "re-record testdata/recording.warc.gz from testdata/pages")

// bundled is served from the hand-made pages for the real URLs; its
// golden file holds the rows emitted while recording, so every run checks
// that replaying the archive gives exactly those rows.
var bundled = recordtest.Recording{Pages: recordtest.Files(pages), Robots: true, RunID: "test", Form: recordtest.Tagged}

func TestRecording(t *testing.T) {
	c, err := New(ingest.SourceConfig{Name: Name})
	if err != nil {
		t.Fatal(err)
	}
	rows := recordtest.As[*schema.Service](t, bundled.Check(t, c, *update))
	fetched := recordtest.FetchTimes(t, ingest.RowsOf(rows))
	checkRows(t, rows, wantRecording(func(u string) time.Time { return fetched[u] }))
}
