package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// demoLake ingests the offline demo into a fresh lake.
func demoLake(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "lake")
	if code, stdout, stderr := runCLI(t, dir, "ingest", "--demo"); code != exitOK && code != exitPartial {
		t.Fatalf("ingest --demo exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	return dir
}

// addRows commits rows to the lake as one run, fetched now, so they win
// over the rows they share a natural key with.
func addRows(t *testing.T, lakeDir string, rows ...schema.Row) {
	t.Helper()
	runID := time.Now().UTC().Format("20060102T150405Z") + "-test01"
	l, err := lakestore.Open(lakeDir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	txn := l.Begin(runID)
	for _, r := range rows {
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		p := r.Prov()
		p.FetchedAt, p.RunID, p.Collector, p.CollectorVersion = time.Now().UTC(), runID, "test", "0"
		ds, err := schema.Lookup(r.Dataset())
		if err != nil {
			t.Fatal(err)
		}
		if err := txn.Write(ds, r.Partition(), []schema.Row{r}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}

// alwaysDrawn are the report's charts whose data the demo snapshot holds:
// one missing means a section fell back to "no data". (outage_impact has
// one service with daily users in the demo: one bar is shown as its table,
// not drawn.)
var alwaysDrawn = []string{"mau_trend", "hhi", "markets", "shares", "gateway_graph", "lockin",
	"outage_gantt", "blast_radius", "news_volume", "network_effects"}

func TestReportDrawsEveryChartIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("headless Chromium")
	}
	lakeDir := demoLake(t)
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			out := t.TempDir()
			code, stdout, stderr := runCLI(t, lakeDir, "report", "-o", out, "--lang", lang)
			if code != exitOK {
				t.Fatalf("report exited %d: %s %s", code, stdout, stderr)
			}
			pagePath := filepath.Join(out, "index.html")
			html, err := os.ReadFile(pagePath)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`id="methods"`, `id="references"`, `id="ref-1"`, "Data vintage", "데이터 버전"} {
				if lang == "en" && want == "데이터 버전" || lang == "ko" && want == "Data vintage" {
					continue
				}
				if !bytes.Contains(html, []byte(want)) {
					t.Errorf("report lacks %q", want)
				}
			}
			p := openPage(t, pagePath)
			ids := p.assertEveryChartDrawn(len(alwaysDrawn))
			for _, want := range alwaysDrawn {
				if !strings.Contains(" "+strings.Join(ids, " ")+" ", " "+want+" ") {
					t.Errorf("chart %s is missing (charts: %v)", want, ids)
				}
			}
			// Every drawn chart cites its sources with retrieval dates.
			uncited := evalJS[[]string](p, `[...document.querySelectorAll('section.block')]
				.filter(s => s.querySelector('.chart') && !/\d{4}-\d{2}-\d{2}/.test((s.querySelector('.sources') || {}).textContent || ''))
				.map(s => s.id)`)
			if len(uncited) > 0 {
				t.Errorf("charts without sources and retrieval dates: %v", uncited)
			}
			if lang == "ko" {
				p.assertHangul()
			}
			p.assertClean()
		})
	}
}

func TestReportFiguresIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("headless Chromium")
	}
	lakeDir := demoLake(t)
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, lakeDir, "report", "-o", out, "--lang", "ko", "--figures", "svg,png")
	if code != exitOK {
		t.Fatalf("report --figures exited %d: %s %s", code, stdout, stderr)
	}
	for _, id := range alwaysDrawn {
		svg, err := os.ReadFile(filepath.Join(out, "figures", id+".svg"))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("</svg>")) || len(svg) < 1000 {
			t.Errorf("%s.svg is not a drawn SVG (%d bytes)", id, len(svg))
		}
		png, err := os.ReadFile(filepath.Join(out, "figures", id+".png"))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10000 {
			t.Errorf("%s.png is not a drawn PNG (%d bytes)", id, len(png))
		}
	}
	// Hangul labels reach the SVG as text, for the reader's CJK font.
	svg, _ := os.ReadFile(filepath.Join(out, "figures", "outage_gantt.svg"))
	if !bytes.Contains(svg, []byte("첫 부분 복구까지")) {
		t.Error("outage_gantt.svg lacks its Korean legend")
	}
	if code, _, stderr := runCLI(t, lakeDir, "report", "-o", out, "--figures", "eps"); code != exitUsage {
		t.Errorf("--figures eps exited %d, want usage error; stderr %s", code, stderr)
	}
}

// TestReportPrintsWithoutCutChartsIntegration lays the report out at the
// printable width of an A4 page with print media and checks that every
// chart fits, then prints it to PDF.
func TestReportPrintsWithoutCutChartsIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("headless Chromium")
	}
	lakeDir := demoLake(t)
	out := t.TempDir()
	if code, stdout, stderr := runCLI(t, lakeDir, "report", "-o", out); code != exitOK {
		t.Fatalf("report exited %d: %s %s", code, stdout, stderr)
	}
	p := openPage(t, filepath.Join(out, "index.html"))
	p.assertEveryChartDrawn(len(alwaysDrawn))
	// A4 less 14 mm margins each side is 182 mm, about 688 CSS pixels.
	err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return err
		}
		return nil
	}), chromedp.EmulateViewport(688, 1000))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	type fit struct {
		ID        string  `json:"id"`
		Right     float64 `json:"right"`
		Width     float64 `json:"width"`
		Container float64 `json:"container"`
	}
	fits := evalJS[[]fit](p, `[...document.querySelectorAll('.chart')].map(el => {
		const d = el.querySelector('canvas, svg').getBoundingClientRect();
		return {id: el.id, right: d.right, width: d.width, container: el.getBoundingClientRect().width};
	})`)
	vw := evalJS[float64](p, `document.documentElement.clientWidth`)
	for _, f := range fits {
		if f.Right > vw+1 || f.Width > f.Container+1 {
			t.Errorf("chart %s is cut in print: drawing %.0f px wide ending at %.0f, container %.0f, page %.0f", f.ID, f.Width, f.Right, f.Container, vw)
		}
	}
	// Should a printer lay the page out without telling the page, the
	// drawings still shrink to their boxes: narrow every chart box without
	// any resize event and measure again.
	squeezed := evalJS[[]fit](p, `[...document.querySelectorAll('.chart')].map(el => {
		el.style.maxWidth = '400px';
		const d = el.querySelector('canvas, svg').getBoundingClientRect();
		return {id: el.id, right: d.right, width: d.width, container: el.getBoundingClientRect().width};
	})`)
	for _, f := range squeezed {
		if f.Width > f.Container+1 {
			t.Errorf("chart %s overflows a narrowed print box: drawing %.0f px in a %.0f px box", f.ID, f.Width, f.Container)
		}
	}
	evalJS[bool](p, `[...document.querySelectorAll('.chart')].forEach(el => el.style.maxWidth = ''), true`)
	pdf, err := chromedp.Run(p.ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		yes := true
		r, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
		return r.Data, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		if dec, err := base64.StdEncoding.DecodeString(string(pdf)); err == nil {
			pdf = dec
		}
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 50000 {
		t.Errorf("printed PDF is %d bytes and starts %q", len(pdf), pdf[:min(8, len(pdf))])
	}
	if dir := os.Getenv("GWANMUN_KEEP_PDF"); dir != "" {
		os.WriteFile(filepath.Join(dir, "report.pdf"), pdf, 0o644)
	}
	p.assertClean()
}

func TestReportCheckIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a lake")
	}
	lakeDir := demoLake(t)
	code, stdout, stderr := runCLI(t, lakeDir, "report", "--check")
	if code != exitOK {
		t.Fatalf("--check on the snapshot exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "KakaoTalk 2022Q3 domestic MAU") || strings.Contains(stdout, "MOVED") {
		t.Fatalf("--check output:\n%s", stdout)
	}

	// A restatement changes the headline figure: the check names it.
	addRows(t, lakeDir, &schema.MAU{
		PlatformID: "kakaotalk", Country: "KR", Metric: "mau", PeriodStart: time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC),
		PeriodGrain: "quarter", PeriodLabel: "2022Q3", Value: 47_000_000, Unit: "persons", Estimator: "company-reported",
		Source: "Kakao IR", Provenance: schema.Provenance{SourceURL: "https://example.org/restated"},
	})
	code, stdout, stderr = runCLI(t, lakeDir, "report", "--check")
	if code != exitFailure {
		t.Fatalf("--check after a changed number exited %d, want %d\nstdout: %s", code, exitFailure, stdout)
	}
	if !strings.Contains(stderr, "KakaoTalk 2022Q3 domestic MAU (company-reported): moved from 47,637,000 to 47,000,000") {
		t.Errorf("stderr does not name the moved number:\n%s", stderr)
	}
	if strings.Contains(stderr, "Hours to full restore") {
		t.Errorf("stderr names a number that did not move:\n%s", stderr)
	}

	// An expectations file of one's own, with a bad number, fails too.
	own := filepath.Join(t.TempDir(), "numbers.toml")
	os.WriteFile(own, []byte("[[number]]\nname = \"restore hours\"\nanalysis = \"outage_durations\"\ncolumn = \"hours_to_full_restore\"\nwhere = { service_id = \"kakao_all\" }\nwant = 100\ntolerance = 1\n"), 0o644)
	code, stdout, stderr = runCLI(t, lakeDir, "report", "--check", "--expectations", own, "--json")
	if code != exitFailure || !strings.Contains(stderr, "restore hours: moved from 100 to 127.6833") || !strings.Contains(stdout, `"ok": false`) {
		t.Errorf("own expectations: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// TestScrapedScriptTitleStaysInertIntegration puts a news article whose
// title is markup into the lake and checks, in Chromium, that the report
// shows it as text and runs none of it.
func TestScrapedScriptTitleStaysInertIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("headless Chromium")
	}
	lakeDir := demoLake(t)
	const title = `Kakao down </script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`
	// The busiest day, so its headlines are listed; the markup title first.
	var rows []schema.Row
	for i := range 25 {
		at := time.Date(2022, 10, 14, 15, 10+i, 0, 0, time.UTC)
		tt := title
		if i > 0 {
			tt = fmt.Sprintf("카카오 먹통 %d <b>복구</b>", i)
		}
		rows = append(rows, &schema.News{
			ArticleID: fmt.Sprintf("test-%d", i), URL: fmt.Sprintf("https://news.example/a/%d", i), Outlet: `Outlet "<x>"`,
			Title: tt, Lang: "ko", PublishedAt: &at, IncidentID: "2022-10-15-pangyo-fire",
			Provenance: schema.Provenance{SourceURL: fmt.Sprintf("https://news.example/a/%d", i), SourceTitle: tt},
		})
	}
	addRows(t, lakeDir, rows...)
	out := t.TempDir()
	if code, stdout, stderr := runCLI(t, lakeDir, "report", "-o", out); code != exitOK {
		t.Fatalf("report exited %d: %s %s", code, stdout, stderr)
	}
	p := openPage(t, filepath.Join(out, "index.html"))
	ids := p.assertEveryChartDrawn(len(alwaysDrawn))
	if !strings.Contains(strings.Join(ids, " "), "news_volume") {
		t.Errorf("the news chart is missing: %v", ids)
	}
	for _, where := range []string{"#sec-news_headlines table", "#references"} {
		if !evalJS[bool](p, fmt.Sprintf(`document.querySelector(%q).innerText.includes(%q)`, where, title)) {
			t.Errorf("the scraped title is not shown as text in %s", where)
		}
	}
	if pwned := evalJS[string](p, `typeof window.__pwned`); pwned != "undefined" {
		t.Errorf("scraped markup ran: window.__pwned is %s", pwned)
	}
	if n := evalJS[int](p, `document.querySelectorAll('main img, main b').length`); n != 0 {
		t.Errorf("scraped markup became %d elements", n)
	}
	p.assertClean()
}
