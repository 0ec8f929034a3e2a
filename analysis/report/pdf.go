package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// PDFOptions control PDF printing.
type PDFOptions struct {
	// Browser is the Chromium executable; empty looks one up on PATH.
	Browser string
	Timeout time.Duration
}

// PDF prints an HTML page written by WriteFile to an A4 PDF at dst with
// headless Chromium: charts redrawn as double-column print figures (see
// Chart.Static) and each kept on one page with its caption, wide tables in
// a landscape appendix, page numbers in the footer.
func PDF(ctx context.Context, pagePath, dst string, o PDFOptions) error {
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	return withPage(ctx, o.Browser, pagePath, o.Timeout, func(tctx context.Context) error {
		// Redraw every chart at its print size before Chromium paginates.
		if _, err := chromedp.Run(tctx, chromedp.Evaluate[int](`gwanmun.print()`)); err != nil {
			return fmt.Errorf("print layout: %w", err)
		}
		if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
			return err
		}
		pdf, err := chromedp.Run(tctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
			yes := true
			r, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{
				PreferCSSPageSize: &yes, PrintBackground: &yes, DisplayHeaderFooter: &yes,
				GenerateDocumentOutline: &yes,
				HeaderTemplate:          `<span></span>`,
				FooterTemplate:          `<div style="font-size:8px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
			})
			return r.Data, err
		}))
		if err != nil {
			return fmt.Errorf("print %s: %w", pagePath, err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			if dec, err := base64.StdEncoding.DecodeString(string(pdf)); err == nil {
				pdf = dec
			}
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			return fmt.Errorf("print %s: Chromium returned no PDF", pagePath)
		}
		return writeAtomic(dst, pdf)
	})
}
