// Package newspage reads the parts every Korean news article page marks
// the same way whatever the site: its headline, its publication date and
// the element holding its text. Collectors that read figures out of
// articles parse the rest themselves.
package newspage

import (
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Title is the article's headline: og:title, else the first h1, else the
// document title.
func Title(doc *goquery.Document) string {
	if t, ok := doc.Find(`meta[property="og:title"]`).Attr("content"); ok && strings.TrimSpace(t) != "" {
		return strings.TrimSpace(t)
	}
	if t := strings.TrimSpace(doc.Find("h1").First().Text()); t != "" {
		return t
	}
	return strings.TrimSpace(doc.Find("title").First().Text())
}

var kst = time.FixedZone("KST", 9*3600)

// Published is the article's calendar date in Korea, at midnight UTC, which
// places the bare periods of its prose ("3분기", "지난달"); zero when the page
// gives no date it can read.
func Published(doc *goquery.Document) time.Time {
	var raw string
	for _, sel := range []string{
		`meta[property="article:published_time"]`, `meta[name="article:published_time"]`,
		`meta[itemprop="datePublished"]`, `meta[name="pubdate"]`,
	} {
		if v, ok := doc.Find(sel).Attr("content"); ok && v != "" {
			raw = v
			break
		}
	}
	if raw == "" {
		raw, _ = doc.Find("time[datetime]").Attr("datetime")
	}
	raw = strings.TrimSpace(raw)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "2006.01.02"} {
		if t, err := time.ParseInLocation(layout, raw, kst); err == nil {
			t = t.In(kst)
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
	}
	return time.Time{}
}

// Body is the element holding the article text, found the way Korean news
// CMSs mark it. sites are the selectors of the sites a collector reads,
// tried after the common markers and before the generic <article>; with
// no marker at all it is the whole document.
func Body(doc *goquery.Document, sites ...string) *goquery.Selection {
	sels := []string{`[itemprop="articleBody"]`, "#articletxt", "#article-view-content-div", "#articleBody"}
	sels = append(append(sels, sites...), "article", "body")
	for _, sel := range sels {
		if s := doc.Find(sel).First(); s.Length() > 0 {
			return s
		}
	}
	return doc.Selection
}
