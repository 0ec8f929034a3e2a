package appranking

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
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
	DefaultURLs[0]: "testdata/pages/donga_20220927_115677451.html",
	DefaultURLs[1]: "testdata/pages/newsis_NISX20230726_0002390936.html",
	DefaultURLs[2]: "testdata/pages/insight_529626.html",
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

func provOf(t *testing.T, u, title string) schema.Provenance {
	t.Helper()
	return recordtest.FileProv(t, pages[u], u, title, Name, Version, testNow)
}

func TestCollect(t *testing.T) {
	rows, s := collect(t, newCollector(t), recordtest.Files(pages))
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %q", errs)
	}
	type table struct {
		prov         schema.Provenance
		start        time.Time
		grain, label string
		source       string
		flags        []string
		caption      string
	}
	donga := table{provOf(t, DefaultURLs[0], "모바일인덱스 네이버 vs 카카오 앱 사용량 비교"),
		time.Date(2022, 8, 1, 0, 0, 0, 0, time.UTC), "month", "2022-08", "IGAWorks Mobile Index",
		[]string{"os_coverage_unstated"}, "8월 네이버·카카오 주요 앱 MAU (자료: 모바일인덱스)"}
	newsis := table{provOf(t, DefaultURLs[1], "유튜브 월 970억분…카톡 턱밑 추격"),
		time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), "half", "2023H1", "WiseApp·Retail",
		nil, "2023년 상반기 월평균 사용자 수 (자료: 와이즈앱·리테일·굿즈)"}
	insight := table{provOf(t, DefaultURLs[2], "카카오톡 개편 후 이용자 수 변화"),
		time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), "month", "2025-10", "WiseApp·Retail",
		[]string{"period_inferred", "os_coverage_unstated"}, "국내 주요 메신저 앱 MAU (지난달 기준, 자료: 와이즈앱·리테일)"}
	row := func(tb table, id, name, raw string, v float64) *schema.MAU {
		return &schema.MAU{
			PlatformID: id, Country: "KR", Metric: "mau", PeriodStart: tb.start, PeriodGrain: tb.grain,
			PeriodLabel: tb.label, Value: v, Unit: "persons", Estimator: "panel", Source: tb.source,
			Flags: tb.flags, Note: tb.caption + " — " + name + ": " + raw, Provenance: tb.prov,
		}
	}
	// Figures: data/seed/mau_quarterly.csv and mau_quarterly_additions.csv, same URLs.
	want := []*schema.MAU{
		row(donga, "kakaotalk", "카카오톡", "43,196,403", 43_196_403),
		row(donga, "line", "라인", "1,646,544", 1_646_544),
		row(donga, "daum", "다음", "8,448,342", 8_448_342),
		row(donga, "naver", "네이버", "40,151,090", 40_151_090),
		row(donga, "kakaomap", "카카오맵", "9,502,624", 9_502_624),
		row(donga, "naver_map", "네이버 지도", "21,295,195", 21_295_195),
		row(donga, "daum_cafe", "다음 카페", "2,650,309", 2_650_309),
		row(donga, "naver_cafe", "네이버 카페", "7,369,916", 7_369_916),
		row(donga, "kakaowork", "카카오워크", "96,635", 96_635),
		row(donga, "naver_works", "네이버웍스", "143,413", 143_413),
		row(newsis, "kakaotalk", "카카오톡", "4,800만", 48_000_000),
		row(newsis, "youtube", "유튜브", "4,608만", 46_080_000),
		row(newsis, "naver", "네이버", "4,306만", 43_060_000),
		row(newsis, "coupang", "쿠팡", "2,935만", 29_350_000),
		row(newsis, "naver_map", "네이버 지도", "2,457만", 24_570_000),
		row(newsis, "instagram", "인스타그램", "2,139만", 21_390_000),
		row(newsis, "baemin", "배달의민족", "1,979만", 19_790_000),
		row(newsis, "band", "밴드", "1,956만", 19_560_000),
		row(insight, "kakaotalk", "카카오톡", "4,797만", 47_970_000),
		row(insight, "discord", "디스코드", "644만", 6_440_000),
		row(insight, "telegram", "텔레그램", "428만", 4_280_000),
		row(insight, "facebook_messenger", "페이스북 메신저", "158만", 1_580_000),
		row(insight, "wechat", "위챗", "118만", 1_180_000),
		row(insight, "whatsapp", "왓츠앱", "106만", 1_060_000),
		row(insight, "nateon", "네이트온", "55만", 550_000),
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
	if len(replayed) != 25 {
		t.Errorf("replay gave %d rows, want 25", len(replayed))
	}
	for _, r := range replayed {
		p := r.Prov()
		if pages[p.SourceURL] == "" || p.ContentSHA256 == "" || p.FetchedAt.IsZero() {
			t.Errorf("row provenance incomplete: %+v", p)
		}
	}
}

func TestBadPages(t *testing.T) {
	noPanel := filepath.Join(t.TempDir(), "no_panel.html")
	if err := os.WriteFile(noPanel, []byte(`<html><head><meta property="article:published_time" content="2022-09-27"></head><body>
<table><caption>8월 주요 앱 MAU</caption><tr><th>앱</th><th>MAU</th></tr><tr><td>카카오맵</td><td>9,502,624</td></tr></table></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	const base = "https://news.example.kr/"
	fs := recordtest.Files{
		base + "no_table":  "testdata/bad/no_table.html",
		base + "malformed": "testdata/bad/malformed.html",
		base + "no_panel":  noPanel,
	}
	rows, s := collect(t, newCollector(t, base+"no_table", base+"malformed", base+"no_panel", base+"missing"), fs)
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.(*schema.MAU).PlatformID)
	}
	// 카카오톡 is good; 다음's -8,448,342 parses and is rejected by validation.
	if strings.Join(ids, ",") != "kakaotalk" {
		t.Errorf("rows %v, want only kakaotalk", ids)
	}
	if got := s.Rejected(); got != 1 {
		t.Errorf("rejected %d rows, want 1 (the negative count)", got)
	}
	errs := strings.Join(s.Errors(), "\n")
	for _, want := range []string{
		"no app-ranking table (a header with an app column and an MAU column)",
		`네이버: MAU "40,15,1090"`,
		`unknown app "싸이월드"`,
		"2 cells, need 3",
		"no month or half-year named in the caption",
		"no panel of the panel table (panels.csv) named",
		"negative mau -8.448342e+06 for daum",
		base + "missing: HTTP 404",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
}

func TestTablePeriod(t *testing.T) {
	pub := time.Date(2025, 11, 18, 0, 0, 0, 0, time.UTC)
	jan := time.Date(2024, 1, 9, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		texts []string
		pub   time.Time
		want  string
	}{
		{[]string{"2022년 8월 기준"}, pub, "2022-08 month []"},
		{[]string{"8월 주요 앱"}, pub, "2025-08 month []"},
		{[]string{"12월 주요 앱"}, jan, "2023-12 month []"},
		{[]string{"지난달 기준"}, pub, "2025-10 month [period_inferred]"},
		{[]string{"지난달 기준"}, jan, "2023-12 month [period_inferred]"},
		{[]string{"2023년 상반기 월평균"}, pub, "2023H1 half []"},
		{[]string{"하반기"}, jan, "2023H2 half []"},
		{[]string{"", "앱 MAU", "모바일인덱스에 따르면 6월"}, pub, "2025-06 month []"},
		{[]string{"3개월 평균"}, pub, "error"},
		{[]string{"13월"}, pub, "error"},
		{[]string{"8월"}, time.Time{}, "error"},
	}
	for _, tt := range tests {
		p, flags, err := tablePeriod(tt.texts, tt.pub)
		got := "error"
		if err == nil {
			got = p.label + " " + p.grain + " [" + strings.Join(flags, " ") + "]"
		}
		if got != tt.want {
			t.Errorf("tablePeriod(%q, %s) = %s, want %s", tt.texts, tt.pub.Format("2006-01-02"), got, tt.want)
		}
	}
}

func TestPlatformID(t *testing.T) {
	for name, want := range map[string]string{
		"카카오톡": "kakaotalk", "KakaoTalk": "kakaotalk", "네이버 지도": "naver_map", "네이버지도": "naver_map",
		"Facebook Messenger": "facebook_messenger", "페이스북 메신저": "facebook_messenger", "배달의민족(배민)": "baemin",
		"NAVER WORKS": "naver_works", "네이트온": "nateon", "Google Chrome": "chrome", "WeChat": "wechat",
	} {
		if got, ok := PlatformID(name); !ok || got != want {
			t.Errorf("PlatformID(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if id, ok := PlatformID("싸이월드"); ok {
		t.Errorf("PlatformID(싸이월드) = %q", id)
	}
}

func TestNew(t *testing.T) {
	recordtest.Rejects(t, New, Name,
		"[sources.appranking]\nurl = \"ftp://example.org/x\"\n",
		"[sources.appranking]\nurl = \"not a url\"\n",
		"[sources.appranking]\nurl = \"/relative\"\n",
		"[sources.appranking]\npanel = \"x\"\n", // an unknown key
	)
	if info := newCollector(t).Info(); info.Kind != "web" || info.Estimator != "panel" || !strings.HasPrefix(info.URL, DefaultURLs[0]) {
		t.Errorf("info %+v", info)
	}
}

// FuzzParse feeds page bytes to the parser: it must never panic, and every
// row must carry an id, a period and a panel.
func FuzzParse(f *testing.F) {
	recordtest.Seeds(f, "testdata/pages/*.html", "testdata/bad/*.html")
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := Default.parse(body)
		if err != nil {
			return
		}
		for _, r := range pg.rows {
			if r.PlatformID == "" || r.PeriodStart.IsZero() || r.PeriodGrain == "" || r.Source == "" {
				t.Fatalf("incomplete row %+v", r)
			}
		}
	})
}
