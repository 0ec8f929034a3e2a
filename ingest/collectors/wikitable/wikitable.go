// Package wikitable collects platform user counts from a Wikipedia
// `table.wikitable`, such as the English Wikipedia's "List of social
// platforms with at least 100 million active users": one MAU row per
// platform, worldwide, at the date the table gives.
package wikitable

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/krnum"
)

// Name is the collector's name in the registry and the sources file.
const Name = "wikitable"

// Version changes when the parser's output changes.
const Version = "1.1.0"

// DefaultURL is the page read when the config names none.
const DefaultURL = "https://en.wikipedia.org/wiki/List_of_social_platforms_with_at_least_100_million_active_users"

// Source names who compiled the figures when the table's caption does not.
const defaultSource = "Wikipedia table"

// files are the collector's sample config and the recording `make demo`
// replays (see testdata/README.md).
//
//go:embed sample.toml testdata/recording.warc.gz
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// Config is the [sources.wikitable] table; url/urls are read by ingest.
type Config struct{}

// info describes the collector; NewPageCollector fills in the URL.
var info = ingest.Info{
	Name: Name, Version: Version, Kind: "web", Datasets: []string{"mau"},
	Estimator:   "company-reported",
	Description: "platform user counts from a Wikipedia table.wikitable",
}

// New validates the config; it does no I/O.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	return ingest.NewPageCollector(cfg, &Config{}, info, []string{DefaultURL}, readPage)
}

func readPage(f *ingest.Fetched) (ingest.Page, error) {
	pg, err := parse(f.Body)
	return ingest.Page{Title: pg.title, Rows: ingest.RowsOf(pg.rows), Problems: pg.problems.List(), MoreProblems: pg.problems.More()}, err
}

// page is what one page yields: its title, the rows (without provenance)
// and the rows it could not read, each with its reason (the first
// ingest.MaxPageProblems; the rest are counted).
type page struct {
	title    string
	rows     []*schema.MAU
	problems ingest.Problems
}

// parse reads every table.wikitable that has a name and a users column.
// It fails only when the page has no such table; a bad row is a problem
// and the other rows are still returned.
func parse(body []byte) (page, error) {
	var pg page
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return pg, fmt.Errorf("read HTML: %w", err)
	}
	pg.title = pageTitle(doc)
	tables := doc.Find("table.wikitable")
	if tables.Length() == 0 {
		return pg, errors.New("no table.wikitable on the page")
	}
	used := 0
	refs := citedWorks(doc)
	tables.Each(func(ti int, table *goquery.Selection) {
		trs := rowsOf(table)
		cols, ok := readHeader(table, trs)
		if !ok {
			return
		}
		used++
		source := captionSource(table)
		tableOrigin := refs.origin(table.Find("caption").First())
		for ri, n := range trs {
			if ri <= cols.headerRow {
				continue
			}
			tr := table.FindNodes(n)
			row, err := readRow(tr, cols, source)
			if row != nil {
				o := refs.origin(tr.Children().Filter("td, th").Eq(cols.users))
				if o == nil {
					o = tableOrigin
				}
				if o != nil {
					row.OriginSource, row.OriginURL = &o.source, &o.url
				}
			}
			if err != nil {
				pg.problems.Addf("table %d row %d: %w", ti+1, ri, err)
				continue
			}
			if row != nil {
				pg.rows = append(pg.rows, row)
			}
		}
	})
	if used == 0 {
		return pg, fmt.Errorf("none of the %d wikitables has a name and a users column", tables.Length())
	}
	return pg, nil
}

func pageTitle(doc *goquery.Document) string {
	if t := cellText(doc.Find("h1#firstHeading").First()); t != "" {
		return t
	}
	return strings.TrimSuffix(strings.TrimSpace(doc.Find("title").First().Text()), " - Wikipedia")
}

// columns says where a table keeps what, and the scale of its users column.
type columns struct {
	headerRow         int
	name, users, date int
	usersHeader       string
	exp               int
}

// rowsOf is a table's <tr> elements in document order, as Find("tr")
// gives them, without the de-duplicating map Find builds: on a page of
// 240,000 rows that map was a tenth of the garbage.
func rowsOf(table *goquery.Selection) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Tr {
				out = append(out, c)
			}
			walk(c)
		}
	}
	for _, n := range table.Nodes {
		walk(n)
	}
	return out
}

func readHeader(table *goquery.Selection, trs []*html.Node) (columns, bool) {
	cols := columns{headerRow: -1, name: -1, users: -1, date: -1}
	for ri, n := range trs {
		if ri > 2 {
			break
		}
		tr := table.FindNodes(n)
		ths := tr.Children().Filter("th")
		if ths.Length() == 0 || ths.Length() != tr.Children().Length() {
			continue // the header is the first all-<th> row, among the first three
		}
		cols.headerRow = ri
		ths.Each(func(i int, th *goquery.Selection) {
			h := strings.ToLower(cellText(th))
			switch {
			case cols.date < 0 && (strings.Contains(h, "date") || strings.Contains(h, "as of") || h == "year"):
				cols.date = i
			case cols.users < 0 && (strings.Contains(h, "users") || strings.Contains(h, "mau")):
				cols.users, cols.usersHeader = i, cellText(th)
				switch {
				case strings.Contains(h, "billion"):
					cols.exp = 9
				case strings.Contains(h, "million"):
					cols.exp = 6
				case strings.Contains(h, "thousand"):
					cols.exp = 3
				}
			case cols.name < 0 && (strings.Contains(h, "name") || strings.Contains(h, "platform") || strings.Contains(h, "service")):
				cols.name = i
			}
		})
		break
	}
	return cols, cols.headerRow >= 0 && cols.name >= 0 && cols.users >= 0
}

var captionRe = regexp.MustCompile(`(?i)^(?:sources?|data)\s*:\s*(.+)$`)

// captionSource reads "Source: Statista/TNW" from a table caption, so the
// rows say who compiled the figures; tables without one are "Wikipedia".
func captionSource(table *goquery.Selection) string {
	if m := captionRe.FindStringSubmatch(cellText(table.Find("caption").First())); m != nil {
		return strings.TrimSpace(m[1]) + " via Wikipedia table"
	}
	return defaultSource
}

// work is a publication a footnote cites: the origin of the figures a
// table republishes (Our World in Data for a table of its figures).
type work struct{ source, url string }

// works maps a footnote's id (cite_note-owid-1) to the work it cites.
type works map[string]*work

// citedWorks reads the page's reference lists once: each footnote with an
// external link is a work, named by its cited title in italics (the
// publication: "Our World in Data") or else by the link's host.
func citedWorks(doc *goquery.Document) works {
	out := works{}
	doc.Find("ol.references > li[id]").Each(func(_ int, li *goquery.Selection) {
		a := li.Find("a.external[href^='http']").First()
		href, ok := a.Attr("href")
		if !ok {
			return // a note, not a citation
		}
		name := cellText(li.Find("cite i").First())
		if name == "" {
			if u, err := url.Parse(href); err == nil {
				name = strings.TrimPrefix(u.Hostname(), "www.")
			}
		}
		id, _ := li.Attr("id")
		out[id] = &work{source: name, url: href}
	})
	return out
}

// origin is the first cited work among sel's footnote markers; nil when
// none cites one.
func (w works) origin(sel *goquery.Selection) *work {
	var found *work
	sel.Find("sup.reference a[href^='#']").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href, _ := a.Attr("href")
		found = w[strings.TrimPrefix(href, "#")]
		return found == nil
	})
	return found
}

func readRow(tr *goquery.Selection, cols columns, source string) (*schema.MAU, error) {
	// The cells by hand, not with selectors: compiling "td, th" for each
	// of 240,000 rows was much of a hostile page's garbage.
	var cells []*html.Node
	tds := 0
	for _, n := range tr.Nodes {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
				cells = append(cells, c)
				if c.DataAtom == atom.Td {
					tds++
				}
			}
		}
	}
	if tds == 0 {
		return nil, nil // a spacer or repeated header row
	}
	need := max(cols.name, cols.users, cols.date)
	if len(cells) <= need {
		return nil, fmt.Errorf("%d cells, need %d (merged cells are not supported)", len(cells), need+1)
	}
	cell := func(i int) *goquery.Selection {
		if n := cells[i]; n.FirstChild == nil || (n.FirstChild == n.LastChild && n.FirstChild.Type == html.TextNode) {
			return nil // text only: cellText reads the node
		}
		return tr.FindNodes(cells[i])
	}
	text := func(i int) string {
		if sel := cell(i); sel != nil {
			return cellText(sel)
		}
		if c := cells[i].FirstChild; c != nil {
			return squeeze(c.Data)
		}
		return ""
	}
	name := text(cols.name)
	id, err := platformID(name)
	if err != nil {
		return nil, err
	}
	raw := text(cols.users)
	n, err := krnum.ParseIn(raw, cols.exp)
	if err != nil {
		return nil, fmt.Errorf("%s: users %q: %w", name, raw, err)
	}
	if n.Unit != "" && n.Unit != krnum.Persons {
		return nil, fmt.Errorf("%s: users %q are in %s, not persons", name, raw, n.Unit)
	}
	if cols.date < 0 {
		return nil, fmt.Errorf("%s: the table has no date column", name)
	}
	dateText := text(cols.date)
	start, grain, err := parseDate(dateText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	flags := []string{"compiled"}
	if n.Approx {
		flags = append(flags, "approximate")
	}
	if n.AtLeast {
		flags = append(flags, "lower_bound")
	}
	return &schema.MAU{
		PlatformID: id, Country: "WORLD", Metric: "mau",
		PeriodStart: start, PeriodGrain: grain, PeriodLabel: dateText,
		Value: n.Value, Unit: krnum.Persons, Estimator: "company-reported", Source: source,
		Flags: flags, Note: fmt.Sprintf("%s: %q in column %q", name, raw, cols.usersHeader),
	}, nil
}

// cellText is a cell's visible text without footnote markers.
func cellText(sel *goquery.Selection) string {
	if textOnly(sel) {
		// Nothing to remove: skip the clone, which on a page of 240,000
		// rows is most of the garbage.
		return squeeze(sel.Text())
	}
	c := sel.Clone()
	c.Find("sup.reference, .sortkey, .mw-ref, style, script, noscript, .reference").Remove()
	c.Find("br").ReplaceWithHtml(" ")
	return strings.Join(strings.Fields(c.Text()), " ")
}

// squeeze collapses runs of white space to one space and trims the ends,
// returning s itself when it has nothing to collapse.
func squeeze(s string) string {
	prevSpace := true
	for i, r := range s {
		space := unicode.IsSpace(r)
		if space && (prevSpace || r != ' ' || i == len(s)-1) {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = space
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

// textOnly reports whether sel's nodes hold nothing but text.
func textOnly(sel *goquery.Selection) bool {
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.TextNode || !walk(c) {
				return false
			}
		}
		return true
	}
	for _, n := range sel.Nodes {
		if !walk(n) {
			return false
		}
	}
	return true
}

var (
	reYear    = regexp.MustCompile(`^(\d{4})$`)
	reQuarter = regexp.MustCompile(`^Q([1-4])\s+(\d{4})$`)
	reMonth   = regexp.MustCompile(`^(?:(\d{1,2})\s+)?([A-Za-z]+)\.?\s+(?:(\d{1,2}),\s+)?(\d{4})$`)
)

// parseDate reads the "date of latest user count": "2019", "Q4 2023",
// "April 2024", "31 December 2018" or "December 31, 2018". A user count
// is a monthly figure, so a full date gives its month.
func parseDate(s string) (time.Time, string, error) {
	s = strings.TrimSpace(s)
	if m := reYear.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), "year", nil
	}
	if m := reQuarter.FindStringSubmatch(s); m != nil {
		q, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		return time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC), "quarter", nil
	}
	if m := reMonth.FindStringSubmatch(s); m != nil {
		mon, ok := months[strings.ToLower(m[2])[:min(3, len(m[2]))]]
		y, _ := strconv.Atoi(m[4])
		if ok {
			return time.Date(y, mon, 1, 0, 0, 0, 0, time.UTC), "month", nil
		}
	}
	if s == "" {
		return time.Time{}, "", errors.New("no date of the user count")
	}
	return time.Time{}, "", fmt.Errorf("date %q: want 2019, Q4 2023, April 2024 or 31 December 2018", s)
}

var months = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"may": time.May, "jun": time.June, "jul": time.July, "aug": time.August,
	"sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// Names whose slug is not the project's platform id.
var idOverrides = map[string]string{
	"sina weibo": "weibo", "x": "twitter", "x (twitter)": "twitter", "twitter (x)": "twitter",
	"messenger": "facebook_messenger", "google+": "google_plus", "wechat (weixin)": "wechat",
	"qzone": "qzone", "line": "line",
}

// platformID turns a platform's name into the lake's platform id:
// "Facebook Messenger" → "facebook_messenger", "Sina Weibo" → "weibo".
func platformID(name string) (string, error) {
	// A name garbled in transit would still slug to an id ("\x1b[31mX"
	// to "31mx"), a platform nobody named: refuse it instead.
	for _, r := range name {
		switch {
		case r == utf8.RuneError:
			return "", fmt.Errorf("platform name %q is not valid UTF-8 text (a wrong charset?)", name)
		case unicode.IsControl(r):
			return "", fmt.Errorf("platform name %q holds control characters", name)
		}
	}
	key := strings.ToLower(strings.TrimSpace(name))
	if id, ok := idOverrides[key]; ok {
		return id, nil
	}
	var b strings.Builder
	sep := false
	for _, r := range key {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		case r == '+':
			sep = true
			if b.Len() > 0 {
				b.WriteString("_plus")
			}
		default:
			sep = true
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("platform name %q gives no id", name)
	}
	return b.String(), nil
}
