// Package appranking collects panel MAU estimates from the app-ranking
// tables news articles print ("모바일인덱스에 따르면 8월 ...", a panel's
// messenger ranking): one row per app in the table, with the panel and the
// month or half-year the article names. The app names and the panels are
// data (aliases.csv, panels.csv), replaceable from the sources file.
package appranking

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/krnum"
	"github.com/gwanmun/gwanmun/ingest/parse/newspage"
)

// Name is the collector's name in the registry and the sources file.
const Name = "appranking"

// Version changes when the parser's output changes.
const Version = "1.0.0"

// DefaultURLs are the pages read when the sources file names none: the
// `urls` of the embedded sample.toml, the articles the bundled recording
// holds.
var DefaultURLs = ingest.SampleURLs(files, Name)

// files are the collector's sample config and the recording `make demo`
// replays (see testdata/README.md).
//
//go:embed sample.toml testdata/recording.warc.gz
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// Config is the [sources.appranking] table's own keys; url/urls are read
// by ingest.
type Config struct {
	// Aliases is an alias table (CSV, as aliases.csv) replacing the
	// default one.
	Aliases string `toml:"aliases"`
	// Panels is a panel table (CSV, as panels.csv) replacing the default
	// one.
	Panels string `toml:"panels"`
}

// info describes the collector; NewPageCollector fills in the URL.
var info = ingest.Info{
	Name: Name, Version: Version, Kind: "web", Datasets: []string{"mau"},
	Estimator:   "panel",
	Description: "panel MAU from app-ranking tables in news articles",
}

// New validates the config and reads the tables it names; it fetches
// nothing.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	tb, err := Default.WithFiles(c.Aliases, "")
	if err != nil {
		return nil, &ingest.ConfigError{Table: "sources." + Name, Key: "aliases", Err: err}
	}
	if tb, err = tb.WithFiles("", c.Panels); err != nil {
		return nil, &ingest.ConfigError{Table: "sources." + Name, Key: "panels", Err: err}
	}
	return ingest.NewPageCollector(cfg, &Config{}, info, DefaultURLs, func(f *ingest.Fetched) (ingest.Page, error) {
		return readPage(tb, f)
	})
}

func readPage(tb *Tables, f *ingest.Fetched) (ingest.Page, error) {
	pg, err := tb.parse(f.Body)
	return ingest.Page{Title: pg.title, Rows: ingest.RowsOf(pg.rows), Problems: pg.problems}, err
}

// page is what one article yields: rows without provenance, and the
// table rows or tables it could not read, each with its reason.
type page struct {
	title     string
	published time.Time
	rows      []*schema.MAU
	problems  []error
}

// parse reads every app-ranking table of an article. It fails when there
// is none; a table without a period or panel, or a row with an unknown app
// or a malformed figure, is a problem and the other rows still count.
func (tb *Tables) parse(body []byte) (page, error) {
	var pg page
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return pg, fmt.Errorf("read HTML: %w", err)
	}
	pg.title = newspage.Title(doc)
	pg.published = newspage.Published(doc)
	article := newspage.Body(doc, "#textBody", ".article_txt")
	text := strings.Join(strings.Fields(article.Text()), " ")
	found := 0
	doc.Find("table").Each(func(ti int, table *goquery.Selection) {
		cols, ok := readHeader(table)
		if !ok {
			return
		}
		found++
		where := fmt.Sprintf("table %d", ti+1)
		caption := cellText(table.Find("caption").First())
		if caption != "" {
			where = fmt.Sprintf("table %d (%s)", ti+1, caption)
		}
		// The caption speaks for the table; failing that its header, then
		// the paragraph just before it.
		near := []string{caption, cols.headerText, cellText(table.PrevAll().Filter("p, div").First())}
		per, flags, err := tablePeriod(near, pg.published)
		if err != nil {
			pg.problems = append(pg.problems, fmt.Errorf("%s: %w", where, err))
			return
		}
		panel, ok := tb.panelOf(append(near, text, pg.title)...)
		if !ok {
			pg.problems = append(pg.problems, fmt.Errorf("%s: no panel of the panel table (panels.csv) named in the caption or the article", where))
			return
		}
		flags = append(flags, osFlag(text)...)
		table.Find("tr").Each(func(ri int, tr *goquery.Selection) {
			if ri <= cols.headerRow || tr.Children().Filter("td").Length() == 0 {
				return
			}
			cells := tr.Children().Filter("td, th")
			for _, pair := range cols.pairs {
				row, err := tb.readCell(cells, pair, cols.exp[pair.value], per, panel, flags, caption)
				if err != nil {
					pg.problems = append(pg.problems, fmt.Errorf("%s row %d: %w", where, ri, err))
					continue
				}
				pg.rows = append(pg.rows, row)
			}
		})
	})
	if found == 0 {
		return pg, errors.New("no app-ranking table (a header with an app column and an MAU column)")
	}
	return pg, nil
}

// columns says where a table keeps app names and their figures. A table
// may pair several (app, MAU) columns side by side, "A사 앱 | MAU |
// B사 앱 | MAU"; each value column belongs to the name column before it.
type columns struct {
	headerRow  int
	headerText string
	pairs      []pair
	exp        map[int]int // value column → power of ten its plain figures are in
}

type pair struct{ name, value int }

var (
	valueHeader = regexp.MustCompile(`(?i)MAU|이용자|사용자|users`)
	nameHeader  = regexp.MustCompile(`(?i)앱|어플|애플리케이션|서비스|app|이름`)
	rankHeader  = regexp.MustCompile(`순위|(?i)rank`)
)

func readHeader(table *goquery.Selection) (columns, bool) {
	cols := columns{headerRow: -1, exp: map[int]int{}}
	table.Find("tr").EachWithBreak(func(ri int, tr *goquery.Selection) bool {
		ths := tr.Children().Filter("th")
		if ths.Length() == 0 {
			return ri < 2
		}
		cols.headerRow = ri
		name := -1
		var texts []string
		tr.Children().Each(func(i int, th *goquery.Selection) {
			h := cellText(th)
			texts = append(texts, h)
			switch {
			case rankHeader.MatchString(h):
			case valueHeader.MatchString(h):
				if name >= 0 {
					cols.pairs = append(cols.pairs, pair{name, i})
					cols.exp[i] = headerExp(h)
				}
			case nameHeader.MatchString(h):
				name = i
			}
		})
		cols.headerText = strings.Join(texts, " ")
		return false
	})
	return cols, len(cols.pairs) > 0
}

// headerExp reads a unit in a header: "MAU (만 명)" holds figures in
// 10,000s, "(천 명)" in 1,000s.
func headerExp(h string) int {
	h = strings.ReplaceAll(h, " ", "")
	switch {
	case strings.Contains(h, "(만명)") || strings.Contains(h, "단위:만명"):
		return 4
	case strings.Contains(h, "(천명)") || strings.Contains(h, "단위:천명"):
		return 3
	}
	return 0
}

func (tb *Tables) readCell(cells *goquery.Selection, p pair, exp int, per period, panel panel, flags []string, caption string) (*schema.MAU, error) {
	if cells.Length() <= max(p.name, p.value) {
		return nil, fmt.Errorf("%d cells, need %d (merged cells are not supported)", cells.Length(), max(p.name, p.value)+1)
	}
	name := cellText(cells.Eq(p.name))
	id, ok := tb.PlatformID(name)
	if !ok {
		return nil, fmt.Errorf("unknown app %q (add it to the alias table, aliases.csv or your own)", name)
	}
	raw := cellText(cells.Eq(p.value))
	n, err := krnum.ParseIn(raw, exp)
	if err != nil {
		return nil, fmt.Errorf("%s: MAU %q: %w", name, raw, err)
	}
	if n.Unit != "" && n.Unit != krnum.Persons {
		return nil, fmt.Errorf("%s: MAU %q is in %s, not persons", name, raw, n.Unit)
	}
	fl := append([]string(nil), flags...)
	if n.Approx {
		fl = append(fl, "approximate")
	}
	if n.AtLeast {
		fl = append(fl, "lower_bound")
	}
	note := fmt.Sprintf("%s: %s", name, raw)
	if caption != "" {
		note = caption + " — " + note
	}
	return &schema.MAU{
		PlatformID: id, Country: panel.country, Metric: "mau",
		PeriodStart: per.start, PeriodGrain: per.grain, PeriodLabel: per.label,
		Value: n.Value, Unit: krnum.Persons, Estimator: "panel", Source: panel.name,
		Flags: fl, Note: note,
	}, nil
}

type period struct {
	start        time.Time
	grain, label string
}

var (
	reYearMonth = regexp.MustCompile(`(\d{4})\s*년\s*(\d{1,2})\s*월`)
	reYearHalf  = regexp.MustCompile(`(\d{4})\s*년\s*(상|하)반기`)
	reMonth     = regexp.MustCompile(`(?:^|[^\d])(\d{1,2})\s*월`)
	reHalf      = regexp.MustCompile(`(올해|지난해)?\s*(상|하)반기`)
	reLastMonth = regexp.MustCompile(`지난달|전월`)
)

// tablePeriod finds the month or half-year a table is for in the first
// text (caption, header, paragraph before it) that names one. A month or
// half given without a year, or as 지난달, is placed by the article's date;
// 지난달 is flagged period_inferred because the figure's month is read off
// the publication date, not printed.
func tablePeriod(texts []string, published time.Time) (period, []string, error) {
	month := func(y, m int) period {
		return period{time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), "month", fmt.Sprintf("%d-%02d", y, m)}
	}
	half := func(y int, h string) period {
		n := 1
		if h == "하" {
			n = 2
		}
		return period{time.Date(y, time.Month(6*n-5), 1, 0, 0, 0, 0, time.UTC), "half", fmt.Sprintf("%dH%d", y, n)}
	}
	noDate := errors.New("the period has no year and the article has no date")
	for _, t := range texts {
		if m := reYearMonth.FindStringSubmatch(t); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			if mo >= 1 && mo <= 12 {
				return month(y, mo), nil, nil
			}
		}
		if m := reYearHalf.FindStringSubmatch(t); m != nil {
			y, _ := strconv.Atoi(m[1])
			return half(y, m[2]), nil, nil
		}
		if reLastMonth.MatchString(t) {
			if published.IsZero() {
				return period{}, nil, noDate
			}
			prev := published.AddDate(0, 0, 1-published.Day()).AddDate(0, -1, 0)
			return month(prev.Year(), int(prev.Month())), []string{"period_inferred"}, nil
		}
		if m := reMonth.FindStringSubmatch(t); m != nil {
			mo, _ := strconv.Atoi(m[1])
			if mo >= 1 && mo <= 12 {
				if published.IsZero() {
					return period{}, nil, noDate
				}
				y := published.Year()
				if mo > int(published.Month()) {
					y-- // "12월" in a January article
				}
				return month(y, mo), nil, nil
			}
		}
		if m := reHalf.FindStringSubmatch(t); m != nil {
			if published.IsZero() {
				return period{}, nil, noDate
			}
			y := published.Year()
			if m[1] == "지난해" || (m[2] == "하" && published.Month() < 7) {
				y--
			}
			return half(y, m[2]), nil, nil
		}
	}
	return period{}, nil, errors.New("no month or half-year named in the caption, the header or the paragraph before the table")
}

// osFlag says what the article tells of the panel's devices.
func osFlag(text string) []string {
	android := strings.Contains(text, "안드로이드") || strings.Contains(strings.ToLower(text), "android")
	ios := strings.Contains(text, "iOS") || strings.Contains(text, "아이폰")
	switch {
	case android && !ios:
		return []string{"android_only"}
	case !android && !ios:
		return []string{"os_coverage_unstated"}
	}
	return nil
}

// cellText is an element's visible text without footnote markers.
func cellText(sel *goquery.Selection) string {
	c := sel.Clone()
	c.Find("sup, style, script").Remove()
	c.Find("br").ReplaceWithHtml(" ")
	return strings.Join(strings.Fields(c.Text()), " ")
}
