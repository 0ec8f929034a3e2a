package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
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
	// Size is the printed size; the zero value is the double column.
	Size    FigureSize
	Timeout time.Duration
	// TZ names the time zone the figures' time axes are drawn in, for the
	// sidecar.
	TZ string
	// OnFigure, when set, hears of each chart once its files are written
	// (the command line's progress display).
	OnFigure func(id string)
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
// dir/<chart id>.<format>, laid out for print at o.Size (see Chart.Static)
// and drawn afresh in headless Chromium by ECharts' SVG renderer, or its
// canvas renderer at the size's DPI. Beside each figure it writes
// <id>.json (title, caption, sources, data vintage, size), <id>.txt (the
// caption as text) and <id>.csv (the data drawn), so a figure can be cited
// and rebuilt on its own.
func Figures(ctx context.Context, page string, charts []Chart, dir string, o FigureOptions) ([]string, error) {
	if len(o.Formats) == 0 || len(charts) == 0 {
		return nil, nil
	}
	for _, f := range o.Formats {
		if f != "svg" && f != "png" {
			return nil, fmt.Errorf("figure format %q: want svg or png", f)
		}
	}
	if o.Size.Name == "" {
		o.Size, _ = LookupFigureSize("double")
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	err := withPage(ctx, o.Browser, page, o.Timeout, func(tctx context.Context) error {
		for _, c := range charts {
			fig := c.Static(o.Size)
			optJSON, err := json.Marshal(fig.Option)
			if err != nil {
				return fmt.Errorf("figure %s: %w", c.ID, err)
			}
			for _, f := range o.Formats {
				expr := fmt.Sprintf("gwanmun.exportOption(%s, %q, %d, %d, %g)", optJSON, f, fig.Width, fig.Height, fig.PixelRatio)
				out, err := chromedp.Run(tctx, chromedp.Evaluate[string](expr))
				if err != nil {
					return fmt.Errorf("figure %s.%s: %w", c.ID, f, err)
				}
				var b []byte
				if f == "png" {
					data, ok := strings.CutPrefix(out, "data:image/png;base64,")
					if !ok {
						return fmt.Errorf("figure %s.png: not a PNG data URL", c.ID)
					}
					if b, err = base64.StdEncoding.DecodeString(data); err != nil {
						return fmt.Errorf("figure %s.png: %w", c.ID, err)
					}
					if b, err = setPNGDensity(b, o.Size.DPI); err != nil {
						return fmt.Errorf("figure %s.png: %w", c.ID, err)
					}
				} else {
					b = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + out)
					if err := checkXML(b); err != nil {
						return fmt.Errorf("figure %s.svg is not well-formed XML: %w", c.ID, err)
					}
				}
				dst := filepath.Join(dir, c.ID+"."+f)
				if err := writeAtomic(dst, b); err != nil {
					return err
				}
				written = append(written, dst)
			}
			side, err := writeSidecars(dir, c, fig, o)
			if err != nil {
				return err
			}
			written = append(written, side...)
			if o.OnFigure != nil {
				o.OnFigure(c.ID)
			}
		}
		return nil
	})
	return written, err
}

// withPage opens page in a headless Chromium that cannot reach the
// network, waits for its fonts and charts, and runs f in that tab.
func withPage(ctx context.Context, browser, page string, timeout time.Duration, f func(context.Context) error) error {
	exe, err := FindBrowser(browser)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "gwanmun-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	actx, cancel := chromedp.NewExecAllocator(ctx, BrowserOptions(exe, profile)...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
		return fmt.Errorf("start %s: %w", exe, err)
	}
	tctx, cancel := context.WithTimeout(bctx, timeout)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate("file://"+abs)); err != nil {
		return fmt.Errorf("open %s: %w", page, err)
	}
	// Fonts are local (fonts-noto-cjk), but wait for them so Hangul is
	// measured with the real glyphs.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => !!window.gwanmun)`, chromedp.EvalAwaitPromise)); err != nil {
		return fmt.Errorf("page %s: %w", page, err)
	}
	return f(tctx)
}

// checkXML reads a document through encoding/xml to its end.
func checkXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// setPNGDensity writes the resolution into a PNG's pHYs chunk (pixels per
// metre), replacing any, so a figure opens at its printed size.
func setPNGDensity(png []byte, dpi float64) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(png, []byte(sig)) {
		return nil, errors.New("not a PNG")
	}
	ppm := uint32(math.Round(dpi / 0.0254))
	body := make([]byte, 9)
	binary.BigEndian.PutUint32(body[0:], ppm)
	binary.BigEndian.PutUint32(body[4:], ppm)
	body[8] = 1 // unit: metre
	var out bytes.Buffer
	out.WriteString(sig)
	for p := len(sig); p < len(png); {
		if p+8 > len(png) {
			return nil, errors.New("truncated chunk")
		}
		n := int(binary.BigEndian.Uint32(png[p:]))
		typ := string(png[p+4 : p+8])
		end := p + 12 + n
		if end > len(png) || n < 0 {
			return nil, fmt.Errorf("truncated %s chunk", typ)
		}
		if typ != "pHYs" {
			out.Write(png[p:end])
		}
		if typ == "IHDR" {
			writeChunk(&out, "pHYs", body)
		}
		p = end
	}
	return out.Bytes(), nil
}

func writeChunk(w *bytes.Buffer, typ string, body []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(body)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(body)
	w.WriteString(typ)
	w.Write(body)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}
