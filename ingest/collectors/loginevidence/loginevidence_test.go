package loginevidence

import (
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

// pages maps the real article URLs (from data/seed) to the hand-made pages
// standing in for them (see testdata/README.md).
var pages = map[string]string{
	DefaultURLs[0]: "testdata/pages/ddaily_2022101519590430469.html",
	DefaultURLs[1]: "testdata/pages/itchosun_2022101702590.html",
	DefaultURLs[2]: "testdata/pages/itchosun_2022101600440.html",
	DefaultURLs[3]: "testdata/pages/hankyung_201709151496g.html",
	DefaultURLs[4]: "testdata/pages/asiae_2026012009303128803.html",
}

var testNow = time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)

func collect(t *testing.T, cfg ingest.SourceConfig, rt http.RoundTripper, now time.Time) ([]schema.Row, *ingest.Session) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rows, s := recordtest.Collect(t, c, ingest.SessionOptions{RunID: "test", Transport: rt, Now: func() time.Time { return now }})
	if s.Rejected() > 0 {
		t.Fatalf("%d rows failed validation: %v", s.Rejected(), s.Errors())
	}
	return rows, s
}

// The sentences of the hand-made articles that carry evidence.
const (
	sStarbucks  = "스타벅스 앱에서는 카카오톡 선물하기 교환권 결제와 카카오톡을 통한 e-기프트 공유, 카카오맵 기반 매장 지도 기능이 영향을 받았다."
	sCatchtable = "레스토랑 예약 서비스 캐치테이블은 카카오 알림톡과 카카오 지도, 카카오페이를 쓴다."
	sLaundrygo  = "세탁 서비스 런드리고는 배차 시스템에 카카오맵 API를 쓴다."
	sKurly      = "마켓컬리는 카카오페이 결제, 카카오 로그인을 통한 인증·회원가입, 카카오맵 기반 주소 검색, 카카오톡 상담과 선물하기, 알림톡을 쓴다."
	sShops      = "11번가, SSG닷컴, G마켓·옥션, 홈플러스, 티몬, CJ올리브영은 카카오 로그인과 카카오페이 결제를 지원한다."
	sNaverPay   = "배달의민족, 아고다, KREAM, 마켓컬리 등 외부 가맹점에서도 네이버페이로 결제할 수 있다."
)

type dep struct{ from, to, kind, note string }

type svc struct {
	gateway, id, ko, en, cat, raw, provider string
	linked                                  bool
	uses                                    string
}

type page struct {
	url, title string
	day        time.Time
	deps       []dep
	svcs       []svc
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var wantPages = []page{
	{DefaultURLs[0], "[descriptive] 카카오 장애, 카카오 API를 쓰는 외부 서비스로 번져", date(2022, 10, 15),
		[]dep{
			{"starbucks_korea_app", "kakaotalk_gift", "payment", sStarbucks},
			{"starbucks_korea_app", "kakaomap", "maps", sStarbucks},
			{"catchtable", "kakaopay", "payment", sCatchtable},
			{"catchtable", "kakaomap", "maps", sCatchtable},
			{"catchtable", "talk_channel", "notification", sCatchtable},
			{"laundrygo", "kakaomap", "maps", sLaundrygo},
		},
		[]svc{
			{"kakao", "starbucks_korea_app", "스타벅스", "Starbucks Korea app", "commerce", "coffee/retail", "SCK Company", false, "kakaomap, kakaotalk_gift"},
			{"kakao", "catchtable", "캐치테이블", "Catchtable", "delivery", "restaurant booking", "Catchtable", false, "kakaomap, kakaopay, talk_channel"},
			{"kakao", "laundrygo", "런드리고", "Laundrygo", "delivery", "laundry logistics", "Laundrygo", false, "kakaomap"},
		}},
	{DefaultURLs[1], "[descriptive] 카카오 로그인·카카오페이를 쓰는 쇼핑몰도 장애 여파", date(2022, 10, 17),
		[]dep{
			{"kurly", "kakao_login", "login", sKurly},
			{"kurly", "kakaopay", "payment", sKurly},
			{"kurly", "kakaomap", "maps", sKurly},
			{"kurly", "talk_channel", "notification", sKurly},
			{"11st", "kakao_login", "login", sShops}, {"11st", "kakaopay", "payment", sShops},
			{"ssg_com", "kakao_login", "login", sShops}, {"ssg_com", "kakaopay", "payment", sShops},
			{"gmarket_auction", "kakao_login", "login", sShops}, {"gmarket_auction", "kakaopay", "payment", sShops},
			{"homeplus", "kakao_login", "login", sShops}, {"homeplus", "kakaopay", "payment", sShops},
			{"tmon", "kakao_login", "login", sShops}, {"tmon", "kakaopay", "payment", sShops},
			{"cj_olive_young", "kakao_login", "login", sShops}, {"cj_olive_young", "kakaopay", "payment", sShops},
		},
		[]svc{
			{"kakao", "kurly", "컬리", "Kurly", "commerce", "grocery e-commerce", "Kurly", true, "kakao_login, kakaomap, kakaopay, talk_channel"},
			{"kakao", "11st", "11번가", "11st", "commerce", "e-commerce", "11st", true, "kakao_login, kakaopay"},
			{"kakao", "ssg_com", "SSG닷컴", "SSG.com", "commerce", "e-commerce", "SSG.com", true, "kakao_login, kakaopay"},
			{"kakao", "gmarket_auction", "G마켓·옥션", "Gmarket/Auction", "commerce", "e-commerce", "Gmarket", true, "kakao_login, kakaopay"},
			{"kakao", "homeplus", "홈플러스", "Homeplus", "commerce", "retail", "Homeplus", true, "kakao_login, kakaopay"},
			{"kakao", "tmon", "티몬", "Tmon", "commerce", "e-commerce", "Tmon", true, "kakao_login, kakaopay"},
			{"kakao", "cj_olive_young", "CJ올리브영", "CJ Olive Young", "commerce", "retail", "CJ Olive Young", true, "kakao_login, kakaopay"},
		}},
	// The safety-report article says only "linked with Kakao", and the Naver
	// login article names no third party: neither evidences an edge.
	{DefaultURLs[2], "", date(2022, 10, 16), nil, nil},
	{DefaultURLs[3], "", date(2017, 9, 15), nil, nil},
	{DefaultURLs[4], "[descriptive] 네이버 밖 가맹점에서 네이버페이 포인트 받은 이용자 1840만 명", date(2026, 1, 20),
		[]dep{
			{"kurly", "naver_pay", "payment", sNaverPay},
			{"baemin", "naver_pay", "payment", sNaverPay},
		},
		[]svc{
			{"naver", "kurly", "컬리", "Kurly", "commerce", "grocery e-commerce", "Kurly", false, "naver_pay"},
			{"naver", "baemin", "배달의민족", "Baemin", "delivery", "delivery", "Woowa Brothers", false, "naver_pay"},
		}},
}

// wantRows expands wantPages into rows, each page fetched at fetched(url).
func wantRows(fetched func(url string) time.Time) []schema.Row {
	var out []schema.Row
	for _, p := range wantPages {
		prov := schema.Provenance{SourceURL: p.url, SourceTitle: p.title, FetchedAt: fetched(p.url),
			Collector: Name, CollectorVersion: Version, RunID: "test"}
		for _, d := range p.deps {
			day := p.day
			out = append(out, &schema.Dependency{FromID: d.from, ToID: d.to, Kind: d.kind, Note: d.note, ObservedAt: &day, Provenance: prov})
		}
		for _, s := range p.svcs {
			out = append(out, &schema.Service{
				GatewayID: s.gateway, ServiceID: s.id, ObservedAt: p.day, NameKo: s.ko, NameEn: s.en,
				Category: s.cat, CategoryRaw: s.raw, Provider: s.provider, ThirdParty: true, EntryPoint: "api",
				AccountLinked: s.linked, AccountRaw: "uses " + s.uses, Provenance: prov,
			})
		}
	}
	return out
}

func at(t time.Time) func(string) time.Time { return func(string) time.Time { return t } }

// checkRows compares rows field by field; content_sha256 and WARC ids are
// checked to be present rather than spelled out.
func checkRows(t *testing.T, got, want []schema.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		gp, wp := got[i].Prov(), want[i].Prov()
		if len(gp.ContentSHA256) != 64 {
			t.Errorf("row %d: content_sha256 %q", i, gp.ContentSHA256)
		}
		if !gp.FetchedAt.Equal(wp.FetchedAt) {
			t.Errorf("row %d: fetched_at %v, want %v", i, gp.FetchedAt, wp.FetchedAt)
		}
		wp.ContentSHA256, wp.WARCRecordID, wp.FetchedAt = gp.ContentSHA256, gp.WARCRecordID, gp.FetchedAt
		switch g := got[i].(type) {
		case *schema.Dependency:
			w, ok := want[i].(*schema.Dependency)
			if !ok || !reflect.DeepEqual(g, w) {
				t.Errorf("row %d:\n got %+v\nwant %+v", i, g, want[i])
			}
		case *schema.Service:
			w, ok := want[i].(*schema.Service)
			if !ok || *g != *w {
				t.Errorf("row %d:\n got %+v\nwant %+v", i, g, want[i])
			}
		default:
			t.Errorf("row %d: unexpected type %T", i, g)
		}
	}
}

func TestCollectArticles(t *testing.T) {
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, recordtest.Files(pages), testNow)
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	checkRows(t, rows, wantRows(at(testNow)))
}

func TestEdges(t *testing.T) {
	tests := []struct {
		name     string
		sentence string
		want     []string // "party>target"
	}{
		{"login and pay", "11번가는 카카오 로그인과 카카오페이를 지원한다.", []string{"11st>kakao_login", "11st>kakaopay"}},
		{"spacing does not matter", "티몬은 카카오로그인을 쓴다.", []string{"tmon>kakao_login"}},
		{"KakaoTalk login wording", "홈플러스 앱은 카카오톡으로 로그인할 수 있다.", []string{"homeplus>kakao_login"}},
		{"denial yields nothing", "쿠팡은 카카오 로그인을 지원하지 않는다.", nil},
		{"denial spoils the whole sentence", "11번가는 카카오페이를 쓰지만 쿠팡은 카카오페이를 도입하지 않았다.", nil},
		{"outage wording is not a denial", "카카오 로그인을 쓰는 티몬에서는 로그인이 되지 않았다.", []string{"tmon>kakao_login"}},
		{"KakaoPage is not KakaoPay", "티몬은 카카오페이지 웹툰을 판다.", nil},
		{"alias glued to a word is not the party", "브로컬리는 카카오페이로 살 수 있다.", nil},
		{"alias after a particle boundary", "G마켓·옥션은 네이버 아이디로 로그인을 쓴다.", []string{"gmarket_auction>naver_login"}},
		{"no party", "외부 사이트가 네이버 아이디로 로그인을 쓴다.", nil},
		{"no phrase", "안전신문고 앱은 카카오와 연동돼 있다.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range (Article{Sentences: []string{tt.sentence}}).Edges() {
				got = append(got, e.Party.ID+">"+e.Target.ID)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("edges = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	got := sentences("SSG.COM은 쓴다. 쿠팡은 안 쓴다!  끝?")
	want := []string{"SSG.COM은 쓴다.", "쿠팡은 안 쓴다!", "끝?"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sentences = %q, want %q", got, want)
	}
}

func TestPublishedDate(t *testing.T) {
	for name, tc := range map[string]struct {
		html string
		want time.Time
	}{
		"meta RFC 3339 in KST": {`<meta property="article:published_time" content="2022-10-16T01:30:00+09:00"><article><p>x.</p></article>`, date(2022, 10, 16)},
		"meta date":            {`<meta property="article:published_time" content="2022-10-17"><article><p>x.</p></article>`, date(2022, 10, 17)},
		"input line":           {`<li>입력 2022.10.15 19:59</li><article><p>x.</p></article>`, date(2022, 10, 15)},
		"none":                 {`<article><p>x.</p></article>`, time.Time{}},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := ParseArticle([]byte(tc.html))
			if err != nil {
				t.Fatal(err)
			}
			if !a.Published.Equal(tc.want) {
				t.Errorf("published = %v, want %v", a.Published, tc.want)
			}
		})
	}
}

func TestUndatedArticleIsObservedOnFetchDay(t *testing.T) {
	a := Article{Sentences: []string{sLaundrygo}}
	rows := a.Rows(schema.Provenance{SourceURL: "https://example.test/a", FetchedAt: testNow})
	if len(rows) != 2 {
		t.Fatalf("rows %d", len(rows))
	}
	if got := rows[1].(*schema.Service).ObservedAt; !got.Equal(date(2026, 11, 24)) {
		t.Fatalf("observed_at = %v, want the fetch day", got)
	}
}

func TestBadPages(t *testing.T) {
	rt := recordtest.Files{DefaultURLs[0]: "testdata/bad/no_body.html"}
	rows, s := collect(t, ingest.SourceConfig{Name: Name, URLs: DefaultURLs[:2]}, rt, testNow)
	errs := s.Errors()
	if len(rows) != 0 || len(errs) != 2 || !strings.Contains(errs[0], "no article body found") || !strings.Contains(errs[1], "HTTP 404") {
		t.Fatalf("rows %d, errors %q", len(rows), errs)
	}
	if _, err := ParseArticle([]byte("<html></html>")); !errors.Is(err, ErrNoBody) {
		t.Fatalf("ParseArticle = %v, want ErrNoBody", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, raw := range map[string]map[string]any{
		"relative url": {"url": "page/view/1"},
		"unknown key":  {"phrases": []any{"카카오"}},
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

func FuzzParseArticle(f *testing.F) {
	recordtest.Seeds(f, "testdata/pages/*.html", "testdata/bad/*.html")
	prov := schema.Provenance{SourceURL: "https://example.test/", FetchedAt: testNow}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ParseArticle(body)
		if err != nil {
			return
		}
		rows := a.Rows(prov)
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
	rows := bundled.Check(t, c, *update)
	fetched := recordtest.FetchTimes(t, rows)
	checkRows(t, rows, wantRows(func(u string) time.Time { return fetched[u] }))
}

// The default terms are terms.toml's, as the Go table had them.
func TestDefaultTerms(t *testing.T) {
	var targets, parties []string
	for _, g := range DefaultTerms.Targets {
		targets = append(targets, g.Gateway+"/"+g.ID+"/"+g.Kind)
	}
	for _, p := range DefaultTerms.Parties {
		parties = append(parties, p.ID+"="+p.category)
	}
	if got := strings.Join(targets, " "); got != "kakao/kakao_login/login kakao/kakaopay/payment kakao/kakaotalk_gift/payment "+
		"kakao/kakaomap/maps kakao/talk_channel/notification naver/naver_login/login naver/naver_pay/payment" {
		t.Errorf("targets %s", got)
	}
	if got := strings.Join(parties, " "); got != "starbucks_korea_app=commerce kurly=commerce catchtable=delivery laundrygo=delivery "+
		"11st=commerce ssg_com=commerce gmarket_auction=commerce homeplus=commerce tmon=commerce cj_olive_young=commerce "+
		"safety_report_app=public coupang=commerce baemin=delivery" {
		t.Errorf("parties %s", got)
	}
	if g := DefaultTerms.Targets[1]; len(g.Not) != 1 || g.Not[0] != "카카오페이지" {
		t.Errorf("kakaopay not %v", g.Not)
	}
}

const otherTerms = `
[[target]]
id = "line_login"
kind = "login"
gateway = "line"
phrases = ["라인 로그인"]   # matched with spaces removed

[[party]]
id = "catchtable"
name_ko = "캐치테이블"
name_en = "Catchtable"
aliases = ["캐치테이블"]
category = "restaurant booking"
provider = "Catchtable"
`

// A terms file of the user's own replaces the default: other gateways'
// building blocks are found, the default's are not.
func TestTermsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "terms.toml")
	if err := os.WriteFile(file, []byte(otherTerms), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := (ingest.Config{Sources: map[string]map[string]any{Name: {"terms": file, "urls": []any{DefaultURLs[0]}}}}).Source(Name)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := collect(t, cfg, recordtest.Files(pages), testNow)
	if len(rows) != 0 {
		t.Errorf("the default's building blocks found with another terms file: %v", rows)
	}
	terms, err := LoadTerms(file)
	if err != nil {
		t.Fatal(err)
	}
	a := Article{Sentences: []string{sCatchtable, "캐치테이블은 라인로그인을 지원한다."}}
	got := terms.Rows(a, schema.Provenance{SourceURL: "https://example.test/a", FetchedAt: testNow})
	if len(got) != 2 {
		t.Fatalf("rows %v", got)
	}
	if d := got[0].(*schema.Dependency); d.FromID != "catchtable" || d.ToID != "line_login" || d.Kind != "login" {
		t.Errorf("edge %+v", d)
	}
	if s := got[1].(*schema.Service); s.GatewayID != "line" || s.Category != "delivery" || !s.AccountLinked || s.AccountRaw != "uses line_login" {
		t.Errorf("service %+v", s)
	}
}

// A bad terms file is a config error naming the key, the file and line.
func TestBadTermsFile(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, want string }{
		"unknown key":  {strings.Replace(otherTerms, "phrases =", "phrase =", 1), `terms.toml:6:1: unknown key "target.phrase"`},
		"wrong type":   {strings.Replace(otherTerms, `kind = "login"`, `kind = 1`, 1), `key "target.kind"`},
		"unknown kind": {strings.Replace(otherTerms, `kind = "login"`, `kind = "logn"`, 1), `target line_login: kind "logn"`},
		"bad category": {strings.Replace(otherTerms, `"restaurant booking"`, `"restaurants"`, 1), `party catchtable: category "restaurants" is not in the taxonomy`},
		"no parties":   {otherTerms[:strings.Index(otherTerms, "[[party]]")], "want at least one [[target]] and one [[party]]"},
		"missing file": {"", "no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"), "terms.toml")
			if tc.body != "" {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(tc.body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := (ingest.Config{Sources: map[string]map[string]any{Name: {"terms": file}}}).Source(Name)
			if err != nil {
				t.Fatal(err)
			}
			_, err = New(cfg)
			var ce *ingest.ConfigError
			if !errors.As(err, &ce) || ce.Key != "terms" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want a config error on terms with %q", err, tc.want)
			}
		})
	}
}
