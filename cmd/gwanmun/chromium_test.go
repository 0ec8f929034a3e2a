package main

import (
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/gwanmun/gwanmun/analysis/report"
)

// browserPage is a page open in headless Debian Chromium with the network
// off (every host lookup fails), recording console errors, exceptions and
// every request the page makes.
type browserPage struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string
	requests []string
}

// openPage starts Chromium, opens the file and waits for it to load.
func openPage(t *testing.T, page string) *browserPage {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run `make deps`")
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), report.BrowserOptions(exe, t.TempDir())...)
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	p := &browserPage{t: t}
	chromedp.Listen(bctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				p.problems = append(p.problems, "console "+string(e.Type)+": "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			p.problems = append(p.problems, "exception: "+e.ExceptionDetails.Text)
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, e.Request.URL)
		}
	})
	tctx, tcancel := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(tcancel)
	p.ctx = tctx
	if err := chromedp.Do(tctx, chromedp.Navigate("file://"+page)); err != nil {
		t.Fatal(err)
	}
	return p
}

func evalJS[T any](p *browserPage, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

type chartState struct {
	ID    string `json:"id"`
	Drawn bool   `json:"drawn"`
}

// chartsDrawn returns every .chart container and whether ECharts drew into it.
func (p *browserPage) chartsDrawn() []chartState {
	return evalJS[[]chartState](p, `
		[...document.querySelectorAll('.chart')].map(el => ({
			id: el.id,
			drawn: !!el.querySelector('canvas, svg') && !!echarts.getInstanceByDom(el),
		}))`)
}

// assertEveryChartDrawn fails for each chart that did not draw and when
// fewer than min charts are on the page.
func (p *browserPage) assertEveryChartDrawn(min int) []string {
	p.t.Helper()
	charts := p.chartsDrawn()
	if len(charts) < min {
		p.t.Errorf("%d charts on the page, want at least %d", len(charts), min)
	}
	var ids []string
	for _, c := range charts {
		ids = append(ids, c.ID)
		if !c.Drawn {
			p.t.Errorf("chart %s did not draw", c.ID)
		}
	}
	return ids
}

// assertClean fails on console errors, exceptions and any request that
// left the page.
func (p *browserPage) assertClean() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.problems {
		p.t.Error(pr)
	}
	for _, u := range p.requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			p.t.Errorf("the page requested %s", u)
		}
	}
}

// assertHangul checks that a Hangul glyph differs from the missing-glyph
// box the browser draws for a code point no font has.
func (p *browserPage) assertHangul() {
	p.t.Helper()
	ok := evalJS[bool](p, `(() => {
		const draw = (s) => { const c = document.createElement('canvas'); c.width = 40; c.height = 40;
			const g = c.getContext('2d'); g.font = '28px "Noto Sans CJK KR", sans-serif'; g.fillText(s, 4, 32);
			return g.getImageData(0, 0, 40, 40).data.join(','); };
		const ga = draw('가'), na = draw('나'), tofu = draw('\u{10FFFD}');
		return ga !== tofu && na !== tofu && ga !== na;
	})()`)
	if !ok {
		p.t.Error("Hangul draws as missing glyphs: install fonts-noto-cjk (make deps)")
	}
}

// checkInChromium opens the page in headless Debian Chromium with the
// network off and asserts every chart drew, the console stayed clean, no
// request left the page and Hangul renders with a real font.
func checkInChromium(t *testing.T, page string) {
	t.Helper()
	p := openPage(t, page)
	p.assertEveryChartDrawn(3)
	p.assertHangul()
	p.assertClean()
}
