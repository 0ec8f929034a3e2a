// Package article collects news article pages into the news dataset: the
// title, lead, outlet and canonical URL from the page's meta tags, and the
// publication time from article:published_time, JSON-LD datePublished or
// a date printed on the page ("입력 2022.10.15 16:02"), in that order.
package article

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// Version changes when the rows change for the same input.
const Version = "1.0.0"

// Name is the collector's source name.
const Name = "article"

// DefaultURLs are the pages read when the sources file names none: the
// `urls` of the embedded sample.toml, which are the pages the bundled
// recording holds (the study's cited articles live in data, not here).
var DefaultURLs = ingest.SampleURLs(files, Name)

// Config is the [sources.article] table; the pages are its url/urls.
type Config struct{}

// Collector fetches article pages.
type Collector struct {
	urls []string
	// parallelism: requests per host at once (the shared key).
	parallelism int
}

// files are the collector's sample config and the recording `make demo`
// replays (see testdata/README.md).
//
//go:embed sample.toml testdata/recording.warc.gz
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// New validates the config; it does no I/O.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	urls, err := cfg.URLsOr(DefaultURLs)
	if err != nil {
		return nil, err
	}
	return &Collector{urls: urls, parallelism: cfg.Parallelism}, nil
}

// Info implements ingest.Collector.
func (c *Collector) Info() ingest.Info {
	return ingest.Info{
		Name: Name, Version: Version, Kind: "web", URL: strings.Join(c.urls, " "),
		Datasets:    []string{"news"},
		Description: "news article pages (meta tags, JSON-LD, visible dates)",
	}
}

// Collect implements ingest.Collector.
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	set := newsmatch.NewSet(nil)
	read, err := s.VisitPages(ctx, ingest.Pages{URLs: c.urls, Parse: func(f *ingest.Fetched) (ingest.Page, error) {
		a, err := Extract(f.URL.String(), f.Body)
		if err != nil {
			return ingest.Page{}, err
		}
		a.Prov = f.Prov(a.Title)
		n, err := newsmatch.DefaultMatcher.News(a)
		if err != nil {
			return ingest.Page{}, err
		}
		return ingest.Page{Rows: []schema.Row{n}}, nil
	}, Take: set.AddRows, Parallelism: c.parallelism})
	for _, n := range set.Rows() {
		s.Emit(n)
	}
	if err == nil && read == 0 {
		return errors.New("no article page could be read")
	}
	return err
}

var (
	// A date printed after a label (입력, 등록 … or published, posted).
	visibleDate = regexp.MustCompile(`(?i)(?:기사\s*입력|최초\s*입력|입력|등록|게재|승인|published|posted)\s*(?:일|일시|시간)?\s*[:：]?\s*` +
		`(\d{4}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}\s*[.일]?(?:\s*\([^)]{1,3}\))?` +
		`(?:\s*(?:오전|오후|AM|PM)?\s*\d{1,2}\s*[:시]\s*\d{2}(?:\s*:\s*\d{2})?)?)`)
	metaDateNames = []string{"article:published_time", "og:article:published_time", "datePublished",
		"pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date"}
)

// Extract reads one article page (UTF-8: the transport has decoded it).
func Extract(pageURL string, body []byte) (newsmatch.Article, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return newsmatch.Article{}, fmt.Errorf("HTML: %w", err)
	}
	ld := jsonLD(doc)
	a := newsmatch.Article{
		URL: pageURL, SourceType: newsmatch.SourceArticle, Feed: newsmatch.SourceArticle,
		Lang: strings.TrimSpace(doc.Find("html").AttrOr("lang", "")),
	}
	a.Title = first(meta(doc, "og:title"), meta(doc, "twitter:title"), ld.Headline,
		strings.TrimSpace(doc.Find("h1").First().Text()), strings.TrimSpace(doc.Find("title").First().Text()))
	if a.Title == "" {
		return a, errors.New("page has no title (og:title, JSON-LD headline, h1 or title)")
	}
	a.Lead = first(meta(doc, "og:description"), meta(doc, "description"), ld.Description, firstParagraph(doc))
	a.Canonical = first(doc.Find(`link[rel="canonical"]`).AttrOr("href", ""), meta(doc, "og:url"), ld.URL)

	loc := newsmatch.KST
	if l := strings.ToLower(a.Lang); l != "" && !strings.HasPrefix(l, "ko") && !strings.HasSuffix(hostOf(pageURL), ".kr") {
		loc = nil // a zone-less date on a page neither in ko nor on a .kr host is not guessed
	}
	a.Published, a.MissingWhy = publication(doc, ld, pageURL, loc)
	return a, nil
}

// publication tries, in order, the meta tags, JSON-LD, a printed date and
// a /YYYY/MM/DD/ URL path; every source that is present but unreadable
// is named in the reason when none works.
func publication(doc *goquery.Document, ld ldArticle, pageURL string, loc *time.Location) (newsmatch.Date, string) {
	var tried []string
	try := func(raw, from string) (newsmatch.Date, bool) {
		if strings.TrimSpace(raw) == "" {
			return newsmatch.Date{}, false
		}
		d, err := newsmatch.ParseDate(raw, from, loc)
		if err != nil {
			tried = append(tried, from+" "+err.Error())
			return newsmatch.Date{}, false
		}
		return d, true
	}
	for _, name := range metaDateNames {
		if d, ok := try(meta(doc, name), newsmatch.FromMeta); ok {
			return d, ""
		}
	}
	if v := doc.Find(`[itemprop="datePublished"]`).First(); v.Length() > 0 {
		if d, ok := try(first(v.AttrOr("content", ""), v.AttrOr("datetime", ""), v.Text()), newsmatch.FromMeta); ok {
			return d, ""
		}
	}
	if d, ok := try(ld.DatePublished, newsmatch.FromJSONLD); ok {
		return d, ""
	}
	doc.Find("script, style, noscript").Remove()
	text := strings.Join(strings.Fields(doc.Find("body").Text()), " ")
	if m := visibleDate.FindStringSubmatch(text); m != nil {
		if d, ok := try(m[1], newsmatch.FromVisible); ok {
			d.Raw = m[0]
			return d, ""
		}
	}
	if d, ok := newsmatch.DateFromURL(pageURL, newsmatch.KST); ok {
		return d, ""
	}
	why := "no article:published_time, JSON-LD datePublished, printed date or dated URL on the page"
	if len(tried) > 0 {
		why = "no readable publication date: " + strings.Join(tried, "; ")
	}
	return newsmatch.Date{}, why
}

// firstParagraph is the first paragraph of the <article>, or else the
// first body paragraph long enough to be text rather than a caption.
func firstParagraph(doc *goquery.Document) string {
	var lead string
	for _, c := range []struct {
		sel string
		min int
	}{{"article p", 1}, {"body p", 30}} {
		doc.Find(c.sel).EachWithBreak(func(_ int, p *goquery.Selection) bool {
			if t := strings.Join(strings.Fields(p.Text()), " "); utf8.RuneCountInString(t) >= c.min {
				lead = t
				return false
			}
			return true
		})
		if lead != "" {
			break
		}
	}
	return lead
}

// meta reads <meta property=…> or <meta name=…> or <meta itemprop=…>.
func meta(doc *goquery.Document, name string) string {
	for _, attr := range []string{"property", "name", "itemprop"} {
		if v, ok := doc.Find(`meta[` + attr + `="` + name + `"]`).First().Attr("content"); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func first(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

// ldArticle is the part of a schema.org NewsArticle used.
type ldArticle struct {
	Headline      string
	Description   string
	DatePublished string
	URL           string
}

var articleTypes = map[string]bool{"NewsArticle": true, "Article": true, "ReportageNewsArticle": true,
	"AnalysisNewsArticle": true, "OpinionNewsArticle": true, "BlogPosting": true, "WebPage": false}

// jsonLD finds the first article object in the page's JSON-LD blocks,
// looking inside arrays and @graph.
func jsonLD(doc *goquery.Document) ldArticle {
	var found ldArticle
	doc.Find(`script[type="application/ld+json"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		var v any
		if json.Unmarshal([]byte(strings.TrimSpace(s.Text())), &v) != nil {
			return true
		}
		if obj := findArticle(v, 0); obj != nil {
			found = ldArticle{
				Headline: str(obj["headline"]), Description: str(obj["description"]),
				DatePublished: str(obj["datePublished"]), URL: str(obj["url"]),
			}
			return false
		}
		return true
	})
	return found
}

func findArticle(v any, depth int) map[string]any {
	if depth > 4 {
		return nil
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if o := findArticle(e, depth+1); o != nil {
				return o
			}
		}
	case map[string]any:
		switch t := x["@type"].(type) {
		case string:
			if articleTypes[t] {
				return x
			}
		case []any:
			for _, e := range t {
				if s, ok := e.(string); ok && articleTypes[s] {
					return x
				}
			}
		}
		if g, ok := x["@graph"]; ok {
			return findArticle(g, depth+1)
		}
	}
	return nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			return str(x[0])
		}
	}
	return ""
}
