package report

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func needBrowser(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("headless Chromium")
	}
	if _, err := FindBrowser(""); err != nil {
		t.Skip(err)
	}
}

// TestFiguresIntegration exports every chart of the report over the seed
// at a single column and checks the files a paper takes: each SVG is
// well-formed XML and opens in Chromium as an image; each PNG is at most
// 85 mm wide at 300 dpi and says so in its pHYs chunk; each figure has its
// sidecars.
func TestFiguresIntegration(t *testing.T) {
	needBrowser(t)
	r := seedReport(t, "ko")
	dir := t.TempDir()
	page, err := r.WriteFile(dir, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	size, _ := LookupFigureSize("single")
	figs := filepath.Join(dir, "figures")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	charts := r.Charts()
	if _, err := Figures(ctx, page, charts, figs, FigureOptions{Formats: FigureFormats, Size: size, TZ: "Asia/Seoul"}); err != nil {
		t.Fatal(err)
	}
	var imgs []string
	for _, c := range charts {
		svg, err := os.ReadFile(filepath.Join(figs, c.ID+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		var root struct {
			XMLName xml.Name
			Width   string `xml:"width,attr"`
		}
		if err := xml.Unmarshal(svg, &root); err != nil || root.XMLName.Local != "svg" {
			t.Errorf("%s.svg does not parse as SVG: %v", c.ID, err)
		}
		if err := checkXML(svg); err != nil {
			t.Errorf("%s.svg: %v", c.ID, err)
		}
		if root.Width != strconv.Itoa(size.CSSWidth()) {
			t.Errorf("%s.svg is %s wide, want %d", c.ID, root.Width, size.CSSWidth())
		}
		imgs = append(imgs, c.ID+".svg")

		b, err := os.ReadFile(filepath.Join(figs, c.ID+".png"))
		if err != nil {
			t.Fatal(err)
		}
		w := binary.BigEndian.Uint32(b[16:20])
		x, _, unit, n := readPHYs(t, b)
		if n != 1 || unit != 1 || x != 11811 {
			t.Errorf("%s.png: pHYs %d per unit %d (×%d), want 11811 per metre", c.ID, x, unit, n)
		}
		if mm := float64(w) / 300 * 25.4; mm > 85 || w < 900 {
			t.Errorf("%s.png is %d px: %.1f mm at 300 dpi, want 76–85 mm", c.ID, w, mm)
		}

		var meta figureMeta
		jb, err := os.ReadFile(filepath.Join(figs, c.ID+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(jb, &meta); err != nil {
			t.Fatal(err)
		}
		if meta.Title == "" || meta.Caption == "" || meta.Number != c.Number || meta.DataVintage == "" || meta.Size.DPI != 300 {
			t.Errorf("%s.json: %+v", c.ID, meta)
		}
		// The seed's pages were compiled, not fetched: dated by the compile.
		if len(meta.Sources) == 0 || meta.Sources[0].URL == "" || meta.Sources[0].Accessed == "" && meta.Sources[0].Compiled == "" {
			t.Errorf("%s.json cites no dated source: %+v", c.ID, meta.Sources)
		}
		txt, _ := os.ReadFile(filepath.Join(figs, c.ID+".txt"))
		if want := fmt.Sprintf("그림 %d. %s", c.Number, c.Title); !bytes.HasPrefix(txt, []byte(want)) {
			t.Errorf("%s.txt starts %q, want %q", c.ID, txt[:min(len(txt), 60)], want)
		}
		rows, err := csv.NewReader(bytes.NewReader(mustRead(t, filepath.Join(figs, c.ID+".csv")))).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Errorf("%s.csv: %d rows, %v", c.ID, len(rows), err)
		}
	}
	// The SVGs open in Chromium as images.
	var html strings.Builder
	for _, f := range imgs {
		fmt.Fprintf(&html, "<img src=%q>\n", f)
	}
	viewer := filepath.Join(figs, "view.html")
	if err := os.WriteFile(viewer, []byte(html.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := inBrowser(t, viewer, `Promise.all([...document.images].map(i => i.decode().then(() => "", () => i.src)))
		.then(r => r.filter(Boolean).concat([...document.images].filter(i => !i.naturalWidth).map(i => i.src)))`)
	if len(broken) > 0 {
		t.Errorf("Chromium cannot show these SVGs as images: %v", broken)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// inBrowser opens a file in headless Chromium and evaluates a promise of
// a list of strings.
func inBrowser(t *testing.T, path, expr string) []string {
	t.Helper()
	exe, _ := FindBrowser("")
	actx, cancel := chromedp.NewExecAllocator(context.Background(), BrowserOptions(exe, t.TempDir())...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	tctx, cancel := context.WithTimeout(bctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPDFIntegration prints the report over the seed to PDF and checks,
// from the PDF itself, that every chart is on the same page as its
// caption: the k-th image Chromium embedded (the charts are the page's
// only images) must sit on the page whose text holds "Figure k.".
func TestPDFIntegration(t *testing.T) {
	needBrowser(t)
	for _, tool := range []string{"pdftotext", "pdfimages", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: apt-get install poppler-utils", tool)
		}
	}
	r := seedReport(t, "en")
	dir := t.TempDir()
	pagePath, err := r.WriteFile(dir, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := PDF(ctx, pagePath, dst, PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("GWANMUN_KEEP_PDF"); d != "" {
		os.WriteFile(filepath.Join(d, "report.pdf"), mustRead(t, dst), 0o644)
	}
	info := run(t, "pdfinfo", dst)
	if !strings.Contains(info, "(A4)") {
		t.Errorf("not A4 (595 × 842 pt):\n%s", info)
	}
	pages, _ := strconv.Atoi(regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)[1])

	// The page of each image, in document order.
	var imagePages []int
	for _, line := range strings.Split(run(t, "pdfimages", "-list", dst), "\n")[2:] {
		f := strings.Fields(line)
		if len(f) > 2 && f[2] == "image" {
			p, _ := strconv.Atoi(f[0])
			imagePages = append(imagePages, p)
		}
	}
	// The page of each "Figure k." caption.
	captionPage := map[int]int{}
	re := regexp.MustCompile(`Figure (\d+)\.`)
	for p := 1; p <= pages; p++ {
		text := run(t, "pdftotext", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), "-layout", dst, "-")
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			k, _ := strconv.Atoi(m[1])
			if _, ok := captionPage[k]; !ok {
				captionPage[k] = p
			}
		}
	}
	charts := r.Charts()
	if len(imagePages) != len(charts) {
		t.Fatalf("%d images in the PDF, want one per chart (%d)", len(imagePages), len(charts))
	}
	for i, c := range charts {
		cp, ok := captionPage[c.Number]
		if !ok {
			t.Errorf("no caption \"Figure %d.\" (%s) in the PDF", c.Number, c.ID)
			continue
		}
		if imagePages[i] != cp {
			t.Errorf("figure %d (%s) is drawn on page %d, its caption is on page %d", c.Number, c.ID, imagePages[i], cp)
		}
	}
	// Paged legends would print their arrows and page counter.
	all := run(t, "pdftotext", dst, "-")
	if regexp.MustCompile(`\d+/\d+\s*[▶►]`).MatchString(all) {
		t.Error("a legend is paged in print")
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, io.Discard
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out.String()
}
