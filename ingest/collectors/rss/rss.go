// Package rss collects outage news from RSS and Atom feeds (parsed with
// gofeed) into the news dataset. Feeds carry everything an outlet
// publishes, so by default only items that match an outage term are kept.
package rss

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/mmcdole/gofeed"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// Version changes when the rows change for the same input.
const Version = "1.0.0"

// Name is the collector's source name.
const Name = "rss"

// DefaultFeeds are the feeds read when the sources file names none: the
// `urls` of the embedded sample.toml, which are the feeds the bundled
// recording holds.
var DefaultFeeds = ingest.SampleURLs(files, Name)

// Which items to keep.
const (
	KeepTerms    = "terms"    // an outage term matched (default)
	KeepServices = "services" // a term matched or a known service is named
	KeepAll      = "all"
)

// Config is the [sources.rss] table; the feeds are its url/urls.
type Config struct {
	// Keep is terms (default), services or all.
	Keep string `toml:"keep"`
	// From and To bound publication times, [from, to): a day (in the
	// study's analysis.time_zone, else UTC) or an RFC 3339 time. Items
	// without a date are kept.
	From string `toml:"from"`
	To   string `toml:"to"`
}

// Collector reads feeds.
type Collector struct {
	feeds  []string
	keep   string
	window newsmatch.Window
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
	feeds, err := cfg.URLsOr(DefaultFeeds)
	if err != nil {
		return nil, err
	}
	col := &Collector{feeds: feeds, keep: c.Keep, parallelism: cfg.Parallelism}
	switch col.keep {
	case "":
		col.keep = KeepTerms
	case KeepTerms, KeepServices, KeepAll:
	default:
		return nil, fmt.Errorf("rss: keep %q: want terms, services or all", c.Keep)
	}
	zone, err := newsmatch.StudyZone()
	if err != nil {
		return nil, fmt.Errorf("rss: %w", err)
	}
	w, err := newsmatch.ParseWindow(c.From, c.To, zone)
	if err != nil {
		return nil, fmt.Errorf("rss: %w", err)
	}
	col.window = w
	return col, nil
}

// Info implements ingest.Collector.
func (c *Collector) Info() ingest.Info {
	return ingest.Info{
		Name: Name, Version: Version, Kind: "web", URL: strings.Join(c.feeds, " "),
		Datasets:    []string{"news"},
		Description: "RSS/Atom feeds, items matching outage terms",
	}
}

// Collect implements ingest.Collector.
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	set := newsmatch.NewSet(nil)
	read, err := s.VisitPages(ctx, ingest.Pages{URLs: c.feeds, Parse: func(f *ingest.Fetched) (ingest.Page, error) {
		feed, items, err := Parse(f.Body, f.Header.Get("Content-Type"), f.URL.String())
		if err != nil {
			return ingest.Page{}, err
		}
		prov := f.Prov(feed.Title)
		var problems []error
		var rows []schema.Row
		for _, it := range items {
			it.Prov = prov
			n, err := newsmatch.DefaultMatcher.News(it)
			if err != nil {
				problems = append(problems, fmt.Errorf("item %q: %w", it.Title, err))
				continue
			}
			if c.window.Contains(n.PublishedAt) && c.wanted(n.MatchedTerms, n.ServicesMentioned) {
				rows = append(rows, n)
			}
		}
		return ingest.Page{Rows: rows, Problems: problems}, nil
	}, Take: set.AddRows, Parallelism: c.parallelism})
	for _, n := range set.Rows() {
		s.Emit(n)
	}
	if err == nil && read == 0 {
		return errors.New("no feed could be read")
	}
	return err
}

func (c *Collector) wanted(terms, services []string) bool {
	switch c.keep {
	case KeepAll:
		return true
	case KeepServices:
		return len(terms) > 0 || len(services) > 0
	}
	return len(terms) > 0
}

var xmlDecl = regexp.MustCompile(`^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([^"']+)(["'])`)

// Parse reads a feed body into articles (provenance left to the caller).
// contentType is the response's: the transport has already turned a
// legacy-charset feed into UTF-8 and says so there, so a stale
// encoding="euc-kr" declaration must not make gofeed decode it twice.
func Parse(body []byte, contentType, feedURL string) (*gofeed.Feed, []newsmatch.Article, error) {
	if _, params, err := mime.ParseMediaType(contentType); err == nil && strings.EqualFold(params["charset"], "utf-8") {
		body = xmlDecl.ReplaceAll(body, []byte("${1}UTF-8${3}"))
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("feed: %w", err)
	}
	loc := newsmatch.KST
	if l := strings.ToLower(feed.Language); l != "" && !strings.HasPrefix(l, "ko") && !hasHangul(feed.Title) {
		loc = nil // a zone-less date in a feed neither in ko nor titled in Hangul is not guessed
	}
	var out []newsmatch.Article
	for _, it := range feed.Items {
		link := it.Link
		if link == "" && it.GUID != "" && strings.HasPrefix(it.GUID, "http") {
			link = it.GUID
		}
		if link == "" && len(it.Links) > 0 {
			link = it.Links[0]
		}
		link = resolve(feedURL, link)
		a := newsmatch.Article{
			URL: link, Title: it.Title, Lead: it.Description, Lang: feed.Language,
			SourceType: newsmatch.SourceRSS, Feed: feedURL,
		}
		switch raw := strings.TrimSpace(it.Published); {
		case raw != "":
			d, err := newsmatch.ParseDate(raw, newsmatch.FromFeed, loc)
			if err != nil {
				a.Published = newsmatch.Date{Raw: raw, From: newsmatch.FromFeed}
				a.MissingWhy = "unparseable feed date: " + err.Error()
			} else {
				a.Published = d
			}
		case it.Updated != "":
			a.MissingWhy = "feed item has no pubDate, dc:date or published; updated is " + strings.TrimSpace(it.Updated)
		default:
			a.MissingWhy = "feed item has no pubDate, dc:date or published"
		}
		out = append(out, a)
	}
	return feed, out, nil
}

func resolve(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := b.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ref
	}
	return r.String()
}

func hasHangul(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) >= 0
}
