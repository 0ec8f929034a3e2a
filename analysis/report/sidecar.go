package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
)

// figureMeta is <id>.json beside a figure: enough to cite the figure and
// to rebuild it from <id>.csv. It holds no build time, so the same inputs
// give the same bytes.
type figureMeta struct {
	ID          string       `json:"id"`
	Number      int          `json:"number,omitempty"`
	Title       string       `json:"title"`
	Caption     string       `json:"caption"`
	Lang        string       `json:"lang,omitempty"`
	Sources     []sourceMeta `json:"sources"`
	DataVintage string       `json:"data_vintage,omitempty"`
	Data        string       `json:"data,omitempty"`
	TimeZone    string       `json:"time_zone,omitempty"`
	Size        sizeMeta     `json:"size"`
}

type sourceMeta struct {
	Ref   int    `json:"ref"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
	// Accessed is the day the page was really read (live or the user's
	// archive); Compiled the seed's compile date; Fixture a bundled demo
	// recording that nobody fetched.
	Accessed string   `json:"accessed,omitempty"`
	Compiled string   `json:"compiled,omitempty"`
	Fixture  bool     `json:"fixture,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

type sizeMeta struct {
	Name     string  `json:"name"`
	WidthMM  float64 `json:"width_mm"`
	DPI      float64 `json:"dpi"`
	WidthPx  int     `json:"png_width_px"`
	HeightPx int     `json:"png_height_px"`
	CSSWidth int     `json:"css_width"`
	CSSHigh  int     `json:"css_height"`
}

func writeSidecars(dir string, c Chart, fig StaticFigure, o FigureOptions) ([]string, error) {
	meta := figureMeta{ID: c.ID, Number: c.Number, Title: c.Title, Caption: c.Caption, Lang: c.Lang,
		DataVintage: c.Vintage, TimeZone: o.TZ, Sources: []sourceMeta{},
		Size: sizeMeta{Name: o.Size.Name, WidthMM: o.Size.WidthMM, DPI: o.Size.DPI,
			WidthPx: int(math.Floor(float64(fig.Width) * fig.PixelRatio)), HeightPx: int(math.Floor(float64(fig.Height) * fig.PixelRatio)),
			CSSWidth: fig.Width, CSSHigh: fig.Height}}
	for _, s := range c.Sources {
		meta.Sources = append(meta.Sources, sourceMeta{Ref: s.Ref, Title: s.Title, URL: s.URL, Accessed: s.Retrieved, Compiled: s.Compiled, Fixture: s.Fixture, Evidence: s.Evidence})
	}
	var written []string
	if c.Data != nil {
		meta.Data = c.ID + ".csv"
		b, err := tableCSV(c.Data, nil)
		if err != nil {
			return nil, fmt.Errorf("figure %s data: %w", c.ID, err)
		}
		dst := filepath.Join(dir, c.ID+".csv")
		if err := writeAtomic(dst, b); err != nil {
			return nil, err
		}
		written = append(written, dst)
	}
	jb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return nil, err
	}
	dst := filepath.Join(dir, c.ID+".json")
	if err := writeAtomic(dst, append(jb, '\n')); err != nil {
		return nil, err
	}
	written = append(written, dst)
	dst = filepath.Join(dir, c.ID+".txt")
	if err := writeAtomic(dst, []byte(captionText(c))); err != nil {
		return nil, err
	}
	return append(written, dst), nil
}

// captionText is a figure's caption as plain text, ready to paste under
// the figure: number and title, caption, each source with its access
// date and evidence class, the data vintage.
func captionText(c Chart) string {
	var b strings.Builder
	if c.Number > 0 {
		fmt.Fprintf(&b, "%s %d. ", tr(c.Lang, "figure"), c.Number)
	}
	b.WriteString(c.Title)
	if c.Title != "" && !strings.HasSuffix(c.Title, ".") {
		b.WriteString(".")
	}
	if c.Caption != "" {
		b.WriteString(" " + c.Caption)
	}
	b.WriteString("\n")
	if len(c.Sources) > 0 {
		fmt.Fprintf(&b, "%s:\n", tr(c.Lang, "sources"))
		for _, s := range c.Sources {
			fmt.Fprintf(&b, "[%d] ", s.Ref)
			if s.Title != "" {
				b.WriteString(s.Title + ". ")
			}
			b.WriteString(s.URL)
			if n := evidenceNote(c.Lang, s); n != "" {
				b.WriteString(" (" + n + ")")
			}
			b.WriteString("\n")
		}
	}
	if c.Vintage != "" {
		fmt.Fprintf(&b, "%s: %s\n", tr(c.Lang, "vintage"), c.Vintage)
	}
	return b.String()
}

// tableCSV writes a table as RFC 4180 CSV with full-precision numbers;
// instants are written in loc (UTC when nil) with their offset.
func tableCSV(t *analysis.Table, loc *time.Location) ([]byte, error) {
	if loc == nil {
		loc = time.UTC
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(t.Columns); err != nil {
		return nil, err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = csvValue(v, loc)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func csvValue(v any, loc *time.Location) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if isDate(x) {
			return x.UTC().Format("2006-01-02")
		}
		return x.In(loc).Format(time.RFC3339)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = csvValue(e, loc)
		}
		return strings.Join(parts, "; ")
	}
	if f, ok := analysis.ToFloat(v); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// isDate tells a DATE (midnight UTC, as the driver returns it) from an
// instant.
func isDate(t time.Time) bool {
	u := t.UTC()
	return u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}
