package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// runCLI runs gwanmun in-process against a temporary lake.
func runCLI(t *testing.T, lakeDir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := execute(context.Background(), append([]string{"--lake", lakeDir}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunBuildsLakeAndReportIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	lakeDir, outDir := filepath.Join(dir, "lake"), filepath.Join(dir, "report")
	code, stdout, stderr := runCLI(t, lakeDir, "run", "-o", outDir, "--results", filepath.Join(dir, "results"))
	if code != exitOK {
		t.Fatalf("run exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	page := filepath.Join(outDir, "index.html")
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(html, []byte(`<script src=`)) || bytes.Contains(html, []byte(`<link rel="stylesheet" href="http`)) {
		t.Fatal("report loads an external script or stylesheet")
	}

	// The lake answers the seed's known figure through the CLI.
	code, stdout, _ = runCLI(t, lakeDir, "sql", "--format", "csv",
		"SELECT value FROM mau WHERE platform_id = 'kakaotalk' AND country = 'KR' AND period_label = '2022Q3' AND estimator = 'company-reported'")
	if code != exitOK || strings.TrimSpace(stdout) != "value\n47637000" {
		t.Fatalf("sql exit %d, output %q", code, stdout)
	}

	// Rerunning on the same input writes no new data files.
	code, stdout, _ = runCLI(t, lakeDir, "ingest", "--demo")
	if code != exitOK || !strings.Contains(stdout, `"files_written":0`) {
		t.Fatalf("second ingest exit %d, summary %s", code, stdout)
	}

	checkInChromium(t, page)
}

// checkInChromium opens the page in headless Debian Chromium with the
// network off and asserts every chart drew, the console stayed clean, no
// request left the page and Hangul renders with a real font.
func checkInChromium(t *testing.T, page string) {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run `make deps`")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		// The network is off: any host lookup fails.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var problems, requests []string
	chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				problems = append(problems, "console "+string(e.Type)+": "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		}
	})
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	defer tcancel()
	if err := chromedp.Do(tctx, chromedp.Navigate("file://"+page)); err != nil {
		t.Fatal(err)
	}
	type chartState struct {
		ID    string `json:"id"`
		Drawn bool   `json:"drawn"`
	}
	charts, err := chromedp.Run(tctx, chromedp.Evaluate[[]chartState](`
		[...document.querySelectorAll('.chart')].map(el => ({
			id: el.id,
			drawn: !!el.querySelector('canvas, svg') && !!echarts.getInstanceByDom(el),
		}))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) < 3 {
		t.Fatalf("%d charts in the report, want at least 3", len(charts))
	}
	for _, c := range charts {
		if !c.Drawn {
			t.Errorf("chart %s did not draw", c.ID)
		}
	}
	// A Hangul glyph must differ from the missing-glyph box the browser
	// draws for a code point no font has.
	hangul, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`(() => {
		const draw = (s) => { const c = document.createElement('canvas'); c.width = 40; c.height = 40;
			const g = c.getContext('2d'); g.font = '28px "Noto Sans CJK KR", sans-serif'; g.fillText(s, 4, 32);
			return g.getImageData(0, 0, 40, 40).data.join(','); };
		const ga = draw('가'), na = draw('나'), tofu = draw('\u{10FFFD}');
		return ga !== tofu && na !== tofu && ga !== na;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !hangul {
		t.Error("Hangul draws as missing glyphs: install fonts-noto-cjk (make deps)")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the report requested %s", u)
		}
	}
}
