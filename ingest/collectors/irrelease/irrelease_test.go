package irrelease

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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
	DefaultURLs[0]: "testdata/pages/sisajournal_e_253895.html",
	DefaultURLs[1]: "testdata/pages/hankyung_202211033722i.html",
	DefaultURLs[2]: "testdata/pages/wowtv_202404090607i.html",
	DefaultURLs[3]: "testdata/pages/newspim_20240808000335.html",
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

func quarter(label string) time.Time {
	var y, q int
	fmt.Sscanf(label, "%dQ%d", &y, &q)
	return time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
}

func TestCollect(t *testing.T) {
	rows, s := collect(t, newCollector(t), recordtest.Files(pages))
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %q", errs)
	}
	sisa := provOf(t, DefaultURLs[0], "카카오 2021 실적")
	hk := provOf(t, DefaultURLs[1], "카카오톡 3분기 4763만명이 썼다…1년간 83만명 증가")
	wow := provOf(t, DefaultURLs[2], "카카오톡 MAU 4500만 밑돌아")
	pim := provOf(t, DefaultURLs[3], "정신아 대표 2Q 컨퍼런스콜")

	fin := func(p schema.Provenance, label, metric string, v float64, note string) schema.Row {
		start, grain := quarter(label), "quarter"
		if y, err := strconv.Atoi(label); err == nil {
			start, grain = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), "year"
		}
		return &schema.Financial{
			Company: "Kakao Corp", PeriodStart: start, PeriodGrain: grain, PeriodLabel: label,
			Metric: metric, Value: v, Currency: "KRW", Basis: "consolidated", Note: note, Provenance: p,
		}
	}
	mau := func(p schema.Provenance, country, label string, v float64, note string) schema.Row {
		return &schema.MAU{
			PlatformID: "kakaotalk", Country: country, Metric: "mau", PeriodStart: quarter(label),
			PeriodGrain: "quarter", PeriodLabel: label, Value: v, Unit: "persons",
			Estimator: "company-reported", Source: "Kakao IR", Note: note, Provenance: p,
		}
	}
	const (
		sisa1 = "카카오가 2021년 연결 기준 매출 6조1361억원, 영업이익 5969억원을 기록했다."
		sisa2 = "카카오의 연간 매출은 2019년 3조701억원, 2020년 4조1568억원이었다."
		sisa3 = "4분기 매출은 1조7852억원, 영업이익은 1085억원이었다."
		hk1   = "카카오가 발표한 2022년 3분기 실적에 따르면 카카오톡 국내 MAU는 4,763만 7,000명으로 집계됐다."
		hk2   = "카카오의 3분기 연결 기준 매출은 1조8587억원, 영업이익은 1503억원이다."
		wowKR = "카카오 IR 자료에 따르면 카카오톡 국내 MAU는 2023년 1분기 4803만1000명, 2분기 4820만6000명, 3분기 4833만6000명, 4분기 4845만6000명이었다."
		wowWW = "해외 이용자를 포함한 카카오톡 글로벌 MAU는 2023년 1분기 5339만명, 2분기 5345만3000명, 3분기 5355만6000명, 4분기 5357만1000명이다."
		pim1  = "정신아 카카오 대표는 2분기 실적 컨퍼런스콜에서 카카오톡 국내 MAU가 4893만명으로 인구의 약 95% 수준이라고 밝혔다."
	)
	// Figures: data/seed/kakao_revenue.csv and mau_quarterly.csv, same URLs.
	want := []schema.Row{
		fin(sisa, "2021", "revenue", 6_136_100_000_000, sisa1),
		fin(sisa, "2021", "operating_profit", 596_900_000_000, sisa1),
		fin(sisa, "2019", "revenue", 3_070_100_000_000, sisa2),
		fin(sisa, "2020", "revenue", 4_156_800_000_000, sisa2),
		fin(sisa, "2021Q4", "revenue", 1_785_200_000_000, sisa3),
		fin(sisa, "2021Q4", "operating_profit", 108_500_000_000, sisa3),
		mau(hk, "KR", "2022Q3", 47_637_000, hk1),
		fin(hk, "2022Q3", "revenue", 1_858_700_000_000, hk2),
		fin(hk, "2022Q3", "operating_profit", 150_300_000_000, hk2),
		mau(wow, "KR", "2023Q1", 48_031_000, wowKR),
		mau(wow, "KR", "2023Q2", 48_206_000, wowKR),
		mau(wow, "KR", "2023Q3", 48_336_000, wowKR),
		mau(wow, "KR", "2023Q4", 48_456_000, wowKR),
		mau(wow, "WORLD", "2023Q1", 53_390_000, wowWW),
		mau(wow, "WORLD", "2023Q2", 53_453_000, wowWW),
		mau(wow, "WORLD", "2023Q3", 53_556_000, wowWW),
		mau(wow, "WORLD", "2023Q4", 53_571_000, wowWW),
		mau(pim, "KR", "2024Q2", 48_930_000, pim1),
	}
	recordtest.EqualRows(t, rows, want)
}

// article wraps sentences in a minimal news page published on date.
func article(date string, paras ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<html><head><meta property="og:title" content="t"><meta property="article:published_time" content="%s"></head><body><div itemprop="articleBody">`, date)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>", p)
	}
	b.WriteString("</div></body></html>")
	return []byte(b.String())
}

func TestReadSentences(t *testing.T) {
	tests := []struct {
		name  string
		date  string
		paras []string
		rows  []string // "mau KR 2022Q3 47000000 [flags]" or "revenue 2022Q3 1858700000000"
		probs []string // substrings of the problems, in order
	}{
		{name: "place words and approx", date: "2022-11-03",
			paras: []string{"카카오톡 국내 MAU는 2022년 3분기 약 4천7백만 명이다."},
			rows:  []string{"mau KR 2022Q3 47000000 [approximate]"}},
		{name: "lower bound", date: "2020-08-06",
			paras: []string{"카카오톡 국내 MAU는 2분기 4550만명 이상이다."},
			rows:  []string{"mau KR 2020Q2 45500000 [lower_bound]"}},
		{name: "bare quarter soon after it ended is last year's", date: "2024-04-09",
			paras: []string{"카카오톡 국내 MAU는 1분기 4803만1000명이다."},
			rows:  []string{"mau KR 2023Q1 48031000 []"}},
		{name: "last year", date: "2022-02-11",
			paras: []string{"카카오는 지난해 매출 6조1361억원을 기록했다."},
			rows:  []string{"revenue 2021 6136100000000"}},
		{name: "half", date: "2023-07-26",
			paras: []string{"카카오톡 국내 MAU는 2023년 상반기 4800만명이다."},
			rows:  []string{"mau KR 2023H1 48000000 []"}},
		{name: "delta and comparison skipped", date: "2022-11-03",
			paras: []string{"카카오톡 국내 MAU는 2022년 3분기 전년 동기(4680만명) 대비 83만명 늘어난 4,763만 7,000명(+13만명)이다."},
			rows:  []string{"mau KR 2022Q3 47637000 []"}},
		{name: "panel paragraph skipped until IR", date: "2024-04-09",
			paras: []string{
				"모바일인덱스에 따르면 카카오톡 국내 MAU는 2023년 1분기 4586만1057명이다. 카카오톡 국내 MAU는 2분기 4621만7451명이다.",
				"카카오톡 국내 MAU는 2023년 3분기 4637만4174명이었다.",
			},
			rows: []string{"mau KR 2023Q3 46374174 []"}},
		{name: "segment revenue and other company skipped", date: "2022-11-03",
			paras: []string{"카카오의 2022년 3분기 톡비즈 매출은 1조원이다. 네이버는 3분기 매출 2조원을 기록했다. 카카오뱅크 매출은 1조원이다."}},
		{name: "no scope", date: "2022-11-03",
			paras: []string{"카카오톡 MAU는 2022년 3분기 4,763만 7,000명이다."},
			probs: []string{`figure "4,763만 7,000명": MAU figure says neither 국내 nor 글로벌`}},
		{name: "no period", date: "2022-11-03",
			paras: []string{"카카오톡 국내 MAU는 4,763만 7,000명이다."},
			probs: []string{"no period named before it"}},
		{name: "no date for a bare quarter", date: "",
			paras: []string{"카카오톡 국내 MAU는 3분기 4,763만 7,000명이다."},
			probs: []string{`"3분기" names no year and the article has no date`}},
		{name: "malformed figure", date: "2022-11-03",
			paras: []string{"카카오톡 국내 MAU는 2022년 3분기 4,76,3만명이다."},
			probs: []string{`figure "4,76,3만": "4,76,3만": digit grouping`}},
		{name: "repeat that disagrees", date: "2022-11-03",
			paras: []string{"카카오톡 국내 MAU는 2022년 3분기 4,763만 7,000명이다.", "카카오톡 국내 MAU는 2022년 3분기 4,763만명이다."},
			rows:  []string{"mau KR 2022Q3 47637000 []"},
			probs: []string{"mau|KR|2022Q3: 47630000 disagrees with 47637000 given earlier"}},
		{name: "relative year carries within the sentence", date: "2024-04-09",
			paras: []string{"카카오톡 국내 MAU는 지난해 3분기 4833만6000명, 4분기 4845만6000명이었다."},
			rows:  []string{"mau KR 2023Q3 48336000 []", "mau KR 2023Q4 48456000 []"}},
		{name: "dates are not years", date: "2024-08-08",
			paras: []string{"카카오는 2024년 8월 8일 실적을 발표했다. 카카오톡 국내 MAU는 2분기 4893만명이다."},
			rows:  []string{"mau KR 2024Q2 48930000 []"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pg, err := DefaultIssuer.parse(article(tt.date, tt.paras...))
			if err != nil && len(tt.rows)+len(tt.probs) > 0 {
				t.Fatal(err)
			}
			var rows []string
			for _, r := range pg.rows {
				switch r := r.(type) {
				case *schema.MAU:
					rows = append(rows, fmt.Sprintf("mau %s %s %.0f %v", r.Country, r.PeriodLabel, r.Value, r.Flags))
				case *schema.Financial:
					rows = append(rows, fmt.Sprintf("%s %s %.0f", r.Metric, r.PeriodLabel, r.Value))
				}
			}
			if strings.Join(rows, "|") != strings.Join(tt.rows, "|") {
				t.Errorf("rows\n got %q\nwant %q", rows, tt.rows)
			}
			if len(pg.problems) != len(tt.probs) {
				t.Errorf("problems %v, want %d", pg.problems, len(tt.probs))
			}
			for i := range min(len(pg.problems), len(tt.probs)) {
				if !strings.Contains(pg.problems[i].Error(), tt.probs[i]) {
					t.Errorf("problem %d = %v, want it to contain %q", i, pg.problems[i], tt.probs[i])
				}
			}
		})
	}
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
	if len(replayed) != 18 {
		t.Errorf("replay gave %d rows, want 18", len(replayed))
	}
	for _, r := range replayed {
		p := r.Prov()
		if pages[p.SourceURL] == "" || p.ContentSHA256 == "" || p.FetchedAt.IsZero() {
			t.Errorf("row provenance incomplete: %+v", p)
		}
	}
}

func TestBadPages(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, body []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fs := recordtest.Files{
		"https://news.example.kr/empty":    write("empty.html", []byte("<html><body></body></html>")),
		"https://news.example.kr/nofigure": write("nofigure.html", article("2022-11-03", "카카오톡은 국민 메신저다.")),
		"https://news.example.kr/negative": write("negative.html", article("2022-11-03",
			"카카오톡 국내 MAU는 2022년 3분기 -4,763만 7,000명이다. 카카오의 3분기 매출은 -1조8587억원, 영업이익은 1503억원이다.")),
	}
	urls := []string{"https://news.example.kr/empty", "https://news.example.kr/nofigure", "https://news.example.kr/negative", "https://news.example.kr/missing"}
	rows, s := collect(t, newCollector(t, urls...), fs)
	// The negative MAU and revenue parse and are rejected by validation;
	// the operating profit (which may be negative) is kept.
	if len(rows) != 1 || rows[0].(*schema.Financial).Metric != "operating_profit" {
		t.Errorf("rows %v, want only the operating profit", rows)
	}
	if got := s.Rejected(); got != 2 {
		t.Errorf("rejected %d rows, want 2", got)
	}
	errs := strings.Join(s.Errors(), "\n")
	for _, want := range []string{
		"no article text on the page",
		"no kakaotalk MAU and no Kakao Corp revenue or operating profit figure in the article",
		"negative mau -4.7637e+07 for kakaotalk 2022Q3",
		"negative revenue -1.8587e+12 for Kakao Corp 2022Q3",
		"https://news.example.kr/missing: HTTP 404",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
}

func TestNew(t *testing.T) {
	recordtest.Rejects(t, New, Name,
		"[sources.irrelease]\nurl = \"ftp://example.org/x\"\n",
		"[sources.irrelease]\nurl = \"not a url\"\n",
		"[sources.irrelease]\nurl = \"/relative\"\n",
		"[sources.irrelease]\ncompany = \"Naver\"\n", // an unknown key
	)
	if info := newCollector(t).Info(); info.Kind != "web" || info.URL != DefaultURLs[0]+" (+3 more)" || info.Estimator != "company-reported" {
		t.Errorf("info %+v", info)
	}
}

// FuzzParse feeds article bytes to the parser: it must never panic, and
// every row must carry a period (validation judges the rest).
func FuzzParse(f *testing.F) {
	recordtest.Seeds(f, "testdata/pages/*.html")
	f.Add(article("2022-11-03", "카카오톡 국내 MAU는 2022년 3분기 4,76,3만명이다."))
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := DefaultIssuer.parse(body)
		if err != nil {
			return
		}
		for _, r := range pg.rows {
			switch r := r.(type) {
			case *schema.MAU:
				if r.PeriodStart.IsZero() || r.PeriodLabel == "" || r.Country == "" {
					t.Fatalf("incomplete row %+v", r)
				}
			case *schema.Financial:
				if r.PeriodStart.IsZero() || r.PeriodLabel == "" || r.Metric == "" {
					t.Fatalf("incomplete row %+v", r)
				}
			}
		}
	})
}
