package report

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
)

func TestFigureSizes(t *testing.T) {
	tests := []struct {
		name          string
		maxMM, minDPI float64
		wantPx        int
	}{
		// 85 mm at 300 dpi is 1003.9 px: never rounded up past the column.
		{"single", 85, 300, 1003},
		{"double", 180, 300, 2125},
		{"slide", 254, 150, 1500},
	}
	for _, tc := range tests {
		s, err := LookupFigureSize(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.PixelWidth(); got != tc.wantPx {
			t.Errorf("%s: %d px wide, want %d", tc.name, got, tc.wantPx)
		}
		if mm := float64(s.PixelWidth()) / s.DPI * 25.4; mm > tc.maxMM {
			t.Errorf("%s: %.2f mm wide at %g dpi, want at most %g", tc.name, mm, s.DPI, tc.maxMM)
		}
		if s.BasePt < MinFontPt {
			t.Errorf("%s: base type %g pt is under %g pt", tc.name, s.BasePt, MinFontPt)
		}
	}
	if _, err := LookupFigureSize("a4"); err == nil {
		t.Error("an unknown size is accepted")
	}
}

// Every text of every static figure of the report prints at 7 pt or more,
// and the texts ECharts would otherwise size itself (12 px, under 7 pt at
// a single column's print size) are set explicitly.
func TestStaticFiguresHaveNoTypeUnder7pt(t *testing.T) {
	r := seedReport(t, "ko")
	charts := r.Charts()
	if len(charts) < 8 {
		t.Fatalf("%d charts from the seed, want the report's", len(charts))
	}
	for _, size := range FigureSizes {
		for _, c := range charts {
			f := c.Static(size)
			sizes := map[string]float64{}
			fontSizes(f.Option, c.ID, sizes)
			for path, px := range sizes {
				if pt := px / pxPerPt; pt < MinFontPt-1e-9 {
					t.Errorf("%s at %s: %s is %.2f pt at print size", c.ID, size.Name, path, pt)
				}
			}
			if _, ok := sizes[c.ID+".textStyle.fontSize"]; !ok {
				t.Errorf("%s at %s: no base text size", c.ID, size.Name)
			}
			for _, a := range append(list(f.Option, "xAxis"), list(f.Option, "yAxis")...) {
				if _, ok := sub(a, "axisLabel")["fontSize"]; !ok {
					t.Errorf("%s at %s: an axis label keeps ECharts' default size", c.ID, size.Name)
				}
			}
		}
	}
}

// No static figure's legend overlaps its plot: the legend is drawn in
// full (plain, never paged) in a band at the bottom, and the grid, with
// its tick labels (containLabel) and axis name, ends above that band.
func TestStaticLegendsSitOutsideThePlot(t *testing.T) {
	r := seedReport(t, "en")
	for _, size := range FigureSizes {
		for _, c := range r.Charts() {
			f := c.Static(size)
			lg := visibleLegend(f.Option)
			if lg == nil || lg["show"] == false {
				continue
			}
			if lg["type"] != "plain" {
				t.Errorf("%s at %s: legend type %v, want plain", c.ID, size.Name, lg["type"])
			}
			items := legendItems(f.Option)
			font := size.fontPx()
			rows := legendRows(items, font, float64(f.Width)-2*legendPad)
			legendTop := float64(f.Height) - legendPad - legendHeight(rows, font)
			if legendTop < 0 || f.LegendHeight < legendHeight(rows, font) {
				t.Errorf("%s at %s: legend of %d rows does not fit (%.0f px reserved)", c.ID, size.Name, rows, f.LegendHeight)
			}
			for _, g := range list(f.Option, "grid") {
				bottom, _ := analysis.ToFloat(g["bottom"])
				plotBottom := float64(f.Height) - bottom
				if plotBottom > legendTop {
					t.Errorf("%s at %s: plot ends at %.0f px, legend starts at %.0f px", c.ID, size.Name, plotBottom, legendTop)
				}
				if g["containLabel"] != true {
					t.Errorf("%s at %s: grid does not contain its labels", c.ID, size.Name)
				}
			}
			for _, s := range list(f.Option, "series") {
				if s["type"] == "graph" || s["type"] == "treemap" || s["type"] == "sankey" || s["type"] == "pie" {
					if b, _ := analysis.ToFloat(s["bottom"]); float64(f.Height)-b > legendTop {
						t.Errorf("%s at %s: %s series reaches into the legend", c.ID, size.Name, s["type"])
					}
				}
			}
		}
	}
	// The MAU trend has more lines than colours: the rest fold into one
	// "others" entry, so the legend has at most topSeries+1 entries.
	for _, c := range r.Charts() {
		if c.ID == "mau_trend" {
			items := legendItems(c.Static(FigureSizes[0]).Option)
			if len(items) > topSeries+1 || items[len(items)-1][:6] != "others" {
				t.Errorf("mau_trend legend: %q", items)
			}
		}
	}
}

func TestSetPNGDensity(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	out, err := setPNGDensity(buf.Bytes(), 300)
	if err != nil {
		t.Fatal(err)
	}
	// Twice replaces the chunk rather than adding one.
	if out, err = setPNGDensity(out, 300); err != nil {
		t.Fatal(err)
	}
	dec, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("PNG with pHYs does not decode: %v", err)
	}
	if dec.Bounds().Dx() != 4 {
		t.Errorf("width %d", dec.Bounds().Dx())
	}
	x, y, unit, n := readPHYs(t, out)
	if n != 1 || unit != 1 || x != 11811 || y != 11811 {
		t.Errorf("pHYs ×%d = %d×%d per unit %d, want one chunk of 11811 per metre (300 dpi)", n, x, y, unit)
	}
	if dpi := float64(x) * 0.0254; math.Abs(dpi-300) > 0.01 {
		t.Errorf("%.3f dpi", dpi)
	}
}

// readPHYs returns the pHYs chunk of a PNG and how many there are.
func readPHYs(t *testing.T, b []byte) (x, y uint32, unit byte, n int) {
	t.Helper()
	for p := 8; p+8 <= len(b); {
		l := int(binary.BigEndian.Uint32(b[p:]))
		if string(b[p+4:p+8]) == "pHYs" {
			n++
			x, y, unit = binary.BigEndian.Uint32(b[p+8:]), binary.BigEndian.Uint32(b[p+12:]), b[p+16]
		}
		p += 12 + l
	}
	return
}
