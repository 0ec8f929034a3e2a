package appstore

import (
	"errors"
	"flag"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

// pages maps the real developer-page URLs to the hand-made pages standing
// in for them (see testdata/README.md).
var pages = map[string]string{
	"https://play.google.com/store/apps/developer?id=Kakao+Corp.": "testdata/pages/play_kakao_corp.html",
	"https://play.google.com/store/apps/developer?id=NAVER+Corp.": "testdata/pages/play_naver_corp.html",
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

// wantRows are the rows of the recording, each page fetched at
// fetched(url) and its rows observed on that day.
func wantRows(fetched func(url string) time.Time) []schema.Service {
	kakao := schema.Provenance{SourceURL: DefaultURLs[0], SourceTitle: "Android Apps by Kakao Corp. on Google Play", FetchedAt: fetched(DefaultURLs[0])}
	naver := schema.Provenance{SourceURL: DefaultURLs[1], SourceTitle: "Android Apps by NAVER Corp. on Google Play", FetchedAt: fetched(DefaultURLs[1])}
	kday, nday := kakao.FetchedAt.UTC().Truncate(24*time.Hour), naver.FetchedAt.UTC().Truncate(24*time.Hour)
	return []schema.Service{
		{GatewayID: "kakao", ServiceID: "kakaotalk", ObservedAt: kday, NameKo: "카카오톡", NameEn: "KakaoTalk",
			Category: "messaging", CategoryRaw: "messenger", Provider: "Kakao", EntryPoint: "app",
			AccountLinked: true, AccountRaw: "the gateway app itself (Kakao account)", PlatformID: "kakaotalk", Provenance: kakao},
		{GatewayID: "kakao", ServiceID: "kakaomap", ObservedAt: kday, NameKo: "카카오맵", NameEn: "Kakao Map",
			Category: "maps", CategoryRaw: "maps", Provider: "Kakao", EntryPoint: "app",
			AccountLinked: true, AccountRaw: "seed: yes (Kakao Account)", PlatformID: "kakaomap", Provenance: kakao},
		{GatewayID: "naver", ServiceID: "naver", ObservedAt: nday, NameKo: "네이버", NameEn: "NAVER",
			Category: "search", CategoryRaw: "portal/search", Provider: "Naver", EntryPoint: "app",
			AccountRaw: "seed: Naver portal/app; listed as partially impaired by the 2022-10-15 Pangyo fire", PlatformID: "naver", Provenance: naver},
		{GatewayID: "naver", ServiceID: "naver_map", ObservedAt: nday, NameKo: "네이버 지도", NameEn: "Naver Map",
			Category: "maps", CategoryRaw: "maps/local", Provider: "Naver", EntryPoint: "app",
			AccountRaw: "seed: integrates booking/reviews/payment (booking needs NAVER login per Naver Help); 68.3% usage rate among map apps (Sep 2024 Embrain panel)",
			PlatformID: "naver_map", Provenance: naver},
	}
}

func at(t time.Time) func(string) time.Time { return func(string) time.Time { return t } }

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

func TestCollectDeveloperPages(t *testing.T) {
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, recordtest.Files(pages), testNow)
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	checkRows(t, rows, wantRows(at(testNow)))
}

func TestUnknownDeveloperAndMixedCards(t *testing.T) {
	const u = "https://play.google.com/store/apps/developer?id=Example+Dev"
	rt := recordtest.Files{u: "testdata/pages/mixed.html"}
	cfg := func(raw map[string]any) ingest.SourceConfig {
		c, err := (ingest.Config{Sources: map[string]map[string]any{Name: raw}}).Source(Name)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rows, s := collect(t, cfg(map[string]any{"url": u}), rt, testNow)
	if len(rows) != 0 || len(s.Errors()) != 1 || !strings.Contains(s.Errors()[0], `developer "Example Dev" has no gateway`) {
		t.Fatalf("rows %d, errors %q", len(rows), s.Errors())
	}

	rows, s = collect(t, cfg(map[string]any{"url": u, "gateways": map[string]any{"Example Dev": "example"}}), rt, testNow)
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	prov := schema.Provenance{SourceURL: u, SourceTitle: "Android Apps by Example Dev on Google Play", FetchedAt: testNow}
	checkRows(t, rows, []schema.Service{
		// Unknown package: id from the package, category from its genre.
		{GatewayID: "example", ServiceID: "org_example_shop", ObservedAt: day, NameKo: "예시 쇼핑",
			Category: "commerce", CategoryRaw: "Shopping", Provider: "Example Dev", EntryPoint: "app", Provenance: prov},
		// Known package under a broad genre: the table's category, the page's label.
		{GatewayID: "example", ServiceID: "kakaotalk", ObservedAt: day, NameKo: "카카오톡", NameEn: "KakaoTalk",
			Category: "messaging", CategoryRaw: "Communication", Provider: "Kakao", EntryPoint: "app",
			AccountLinked: true, AccountRaw: "the gateway app itself (Kakao account)", PlatformID: "kakaotalk", Provenance: prov},
	})
	want := []string{
		`app org.example.chat ("Example Chat"): category "Communication" is not in the taxonomy`,
		`app org.example.nogenre ("No Genre"): category "" is not in the taxonomy`,
	}
	errs := s.Errors()
	if len(errs) != len(want) {
		t.Fatalf("errors = %q, want %q", errs, want)
	}
	for i := range want {
		if !strings.HasSuffix(errs[i], want[i]) {
			t.Errorf("error %d = %q, want suffix %q", i, errs[i], want[i])
		}
	}
}

func TestBadPages(t *testing.T) {
	rt := recordtest.Files{DefaultURLs[0]: "testdata/bad/no_apps.html"}
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, rt, testNow)
	errs := s.Errors()
	if len(rows) != 0 || len(errs) != 2 || !strings.Contains(errs[0], "no app cards found") || !strings.Contains(errs[1], "HTTP 404") {
		t.Fatalf("rows %d, errors %q", len(rows), errs)
	}
	if _, err := ParsePage([]byte("<p>")); !errors.Is(err, ErrNoApps) {
		t.Fatalf("ParsePage = %v, want ErrNoApps", err)
	}
	if _, err := ParsePage([]byte(`<a href="/store/apps/details?id=a.b">x</a>`)); err == nil || !strings.Contains(err.Error(), "no developer name") {
		t.Fatalf("ParsePage without developer = %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, raw := range map[string]map[string]any{
		"relative url":    {"url": "/store/apps/developer?id=Kakao+Corp."},
		"gateway no slug": {"gateways": map[string]any{"Kakao Corp.": "Kakao Talk"}},
		"empty developer": {"gateways": map[string]any{" ": "kakaotalk"}},
		"unknown key":     {"developer": "Kakao Corp."},
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

func FuzzParsePage(f *testing.F) {
	recordtest.Seeds(f, "testdata/pages/*.html", "testdata/bad/*.html")
	prov := schema.Provenance{SourceURL: "https://example.test/", FetchedAt: testNow}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParsePage(body)
		if err != nil {
			return
		}
		rows, _ := p.Rows("kakaotalk", prov)
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
	checkRows(t, rows, wantRows(func(u string) time.Time { return fetched[u] }))
}
