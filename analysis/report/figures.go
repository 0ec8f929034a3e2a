package report

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// FigureFormats are the static figure formats Figures can write.
var FigureFormats = []string{"svg", "png"}

// FigureOptions control static figure export.
type FigureOptions struct {
	Formats []string
	// Browser is the Chromium executable; empty looks up chromium,
	// chromium-browser and google-chrome on PATH.
	Browser string
	// Width in CSS pixels; a chart keeps its own height. Default 900.
	Width int
	// PixelRatio scales PNGs: 3 × 900 px is about 400 dpi across a
	// 6.5-inch column. Default 3.
	PixelRatio float64
	Timeout    time.Duration
}

// ErrNoBrowser means no Chromium was found for figure export.
var ErrNoBrowser = errors.New("no Chromium found for figure export: install Debian's chromium (make deps) or pass --browser")

// FindBrowser returns the Chromium to drive.
func FindBrowser(path string) (string, error) {
	if path != "" {
		return exec.LookPath(path)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// BrowserOptions start a headless Chromium that cannot reach the network:
// every host lookup fails, so a page that tried to load anything would
// show it as an error rather than fetch it.
func BrowserOptions(exe, userDataDir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.UserDataDir(userDataDir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	)
}

// Figures renders every chart of an HTML page written by WriteFile to
// dir/<chart id>.<format>: the same option drawn afresh in headless
// Chromium by ECharts' SVG renderer, or its canvas renderer at PixelRatio.
func Figures(ctx context.Context, page string, charts []Chart, dir string, o FigureOptions) ([]string, error) {
	if len(o.Formats) == 0 || len(charts) == 0 {
		return nil, nil
	}
	for _, f := range o.Formats {
		if f != "svg" && f != "png" {
			return nil, fmt.Errorf("figure format %q: want svg or png", f)
		}
	}
	if o.Width <= 0 {
		o.Width = 900
	}
	if o.PixelRatio <= 0 {
		o.PixelRatio = 3
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	exe, err := FindBrowser(o.Browser)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "gwanmun-chromium-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	actx, cancel := chromedp.NewExecAllocator(ctx, BrowserOptions(exe, profile)...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
		return nil, fmt.Errorf("start %s: %w", exe, err)
	}
	tctx, cancel := context.WithTimeout(bctx, o.Timeout)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate("file://"+abs)); err != nil {
		return nil, fmt.Errorf("open %s: %w", page, err)
	}
	// Web fonts are local (fonts-noto-cjk), but wait for them so Hangul is
	// measured with the real glyphs.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => !!window.gwanmun)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("page %s: %w", page, err)
	}
	var written []string
	for _, c := range charts {
		for _, f := range o.Formats {
			id, _ := json.Marshal(c.ID)
			expr := fmt.Sprintf("gwanmun.exportChart(%s, %q, %d, %d, %g)", id, f, o.Width, c.HeightPx(), o.PixelRatio)
			out, err := chromedp.Run(tctx, chromedp.Evaluate[string](expr))
			if err != nil {
				return written, fmt.Errorf("figure %s.%s: %w", c.ID, f, err)
			}
			var b []byte
			if f == "png" {
				data, ok := strings.CutPrefix(out, "data:image/png;base64,")
				if !ok {
					return written, fmt.Errorf("figure %s.png: not a PNG data URL", c.ID)
				}
				if b, err = base64.StdEncoding.DecodeString(data); err != nil {
					return written, fmt.Errorf("figure %s.png: %w", c.ID, err)
				}
			} else {
				b = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + out)
			}
			dst := filepath.Join(dir, c.ID+"."+f)
			if err := writeAtomic(dst, b); err != nil {
				return written, err
			}
			written = append(written, dst)
		}
	}
	return written, nil
}
