// Package navernews collects outage news from the Naver News Search API
// (openapi.naver.com/v1/search/news.json) into the news dataset, paging
// through each query's results newest first.
package navernews

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// Version changes when the rows change for the same input.
const Version = "1.0.0"

// Name is the collector's source name.
const Name = "navernews"

// Endpoint is the API's address; a config url overrides it (a mirror).
const Endpoint = "https://openapi.naver.com/v1/search/news.json"

// The environment variables holding the API credentials. They are never
// read from the sources file and never logged.
const (
	EnvClientID     = "NAVER_CLIENT_ID"
	EnvClientSecret = "NAVER_CLIENT_SECRET"
)

// ErrNoCredentials is returned by a live or record run without credentials.
var ErrNoCredentials = errors.New("navernews: set " + EnvClientID + " and " + EnvClientSecret +
	" (a Naver Developers application with the Search API) for live and record runs; replay needs none")

// API limits: display 1..100, start 1..1000.
const (
	maxDisplay = 100
	maxStart   = 1000
)

// Window is the default search range: from the study incident's news_from
// (its start when the study sets none), one week.
const Window = 7 * 24 * time.Hour

// Config is the [sources.navernews] table.
type Config struct {
	// Queries are sent one per request. Default: the active study's
	// [news] search_queries, else all its terms (study.News.SearchTerms).
	Queries []string `toml:"queries"`
	// Display is the page size, 1..100 (default 100).
	Display int `toml:"display"`
	// Sort is "date" (newest first, default) or "sim" (relevance).
	Sort string `toml:"sort"`
	// MaxStart caps paging (the API refuses start > 1000).
	MaxStart int `toml:"max_start"`
	// From and To bound publication times, [from, to): a day (in the
	// study's analysis.time_zone, else UTC) or an RFC 3339 time. With sort=date, paging stops once a page reaches
	// items older than from. Default: from the study incident's news_from
	// (its start when the study sets none), to a week later; no bound when
	// the study has no incident.
	From string `toml:"from"`
	To   string `toml:"to"`
}

// Collector queries the API.
type Collector struct {
	endpoint string
	queries  []string
	display  int
	sort     string
	maxStart int
	window   newsmatch.Window
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

// New validates the config; it does no I/O and does not look at the
// credentials (a replay needs none; Collect checks them).
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	c := Config{Display: maxDisplay, Sort: "date", MaxStart: maxStart}
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	endpoint, err := cfg.EndpointOr(Endpoint)
	if err != nil {
		return nil, err
	}
	col := &Collector{endpoint: endpoint, queries: c.Queries, display: c.Display, sort: c.Sort, maxStart: c.MaxStart, parallelism: cfg.Parallelism}
	st := newsmatch.Study()
	if len(col.queries) == 0 {
		col.queries = st.News.SearchTerms()
	}
	if len(col.queries) == 0 {
		return nil, fmt.Errorf("navernews: study %s has no news terms or search_queries; set queries", st.Name)
	}
	for _, q := range col.queries {
		if strings.TrimSpace(q) == "" {
			return nil, errors.New("navernews: empty query")
		}
	}
	if col.display < 1 || col.display > maxDisplay {
		return nil, fmt.Errorf("navernews: display %d: want 1..%d", col.display, maxDisplay)
	}
	if col.maxStart < 1 || col.maxStart > maxStart {
		return nil, fmt.Errorf("navernews: max_start %d: want 1..%d", col.maxStart, maxStart)
	}
	if col.sort != "date" && col.sort != "sim" {
		return nil, fmt.Errorf("navernews: sort %q: want date or sim", col.sort)
	}
	if inc := st.Incident; inc != nil {
		if c.From == "" {
			c.From = inc.NewsFrom.Format(time.RFC3339)
		}
		if c.To == "" {
			c.To = inc.NewsFrom.Add(Window).Format(time.RFC3339)
		}
	}
	zone, err := newsmatch.StudyZone()
	if err != nil {
		return nil, fmt.Errorf("navernews: %w", err)
	}
	w, err := newsmatch.ParseWindow(c.From, c.To, zone)
	if err != nil {
		return nil, fmt.Errorf("navernews: %w", err)
	}
	col.window = w
	return col, nil
}

// Info implements ingest.Collector.
func (c *Collector) Info() ingest.Info {
	return ingest.Info{
		Name: Name, Version: Version, Kind: "web", URL: c.endpoint,
		Datasets:    []string{"news"},
		Description: "Naver News Search API: " + strings.Join(c.queries, ", "),
	}
}

// PageURL is the request for one page of a query.
func (c *Collector) PageURL(query string, start int) string {
	return c.endpoint + "?query=" + url.QueryEscape(query) + "&display=" + strconv.Itoa(c.display) +
		"&start=" + strconv.Itoa(start) + "&sort=" + c.sort
}

// Collect implements ingest.Collector.
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	id, secret := os.Getenv(EnvClientID), os.Getenv(EnvClientSecret)
	if s.Mode != ingest.Replay && (id == "" || secret == "") {
		return ErrNoCredentials
	}
	set := newsmatch.NewSet(nil)
	pages := ingest.Pages{Parse: c.parse, Take: set.AddRows, Explain: apiError, Parallelism: c.parallelism}
	if id != "" && secret != "" {
		pages.Header = map[string]string{"X-Naver-Client-Id": id, "X-Naver-Client-Secret": secret}
	}
	for _, q := range c.queries {
		pages.URLs = append(pages.URLs, c.PageURL(q, 1))
	}
	read, err := s.VisitPages(ctx, pages)
	for _, n := range set.Rows() {
		s.Emit(n)
	}
	if err == nil && read == 0 {
		return errors.New("no page of results could be read")
	}
	return err
}

// parse reads one page of results and asks for the next page while there
// may be more in the window.
func (c *Collector) parse(f *ingest.Fetched) (ingest.Page, error) {
	page, err := Parse(f.Body)
	if err != nil {
		return ingest.Page{}, err
	}
	query := f.URL.Query().Get("query")
	start, _ := strconv.Atoi(f.URL.Query().Get("start"))
	prov := f.Prov("Naver News Search: " + query)
	var pg ingest.Page
	older := false
	for _, a := range page.Articles {
		a.Query, a.Prov = query, prov
		n, err := newsmatch.DefaultMatcher.News(a)
		if err != nil {
			pg.Problems = append(pg.Problems, fmt.Errorf("item %q: %w", a.Title, err))
			continue
		}
		if n.PublishedAt != nil && !c.window.From.IsZero() && n.PublishedAt.Before(c.window.From) {
			older = true
		}
		if c.window.Contains(n.PublishedAt) {
			pg.Rows = append(pg.Rows, n)
		}
	}
	next := start + c.display
	switch {
	case len(page.Articles) < c.display, next > page.Total, next > c.maxStart:
	case older && c.sort == "date": // the rest is older still
	default:
		pg.Next = []string{c.PageURL(query, next)}
	}
	return pg, nil
}

// Page is one parsed response.
type Page struct {
	Total    int
	Start    int
	Display  int
	Articles []newsmatch.Article
}

type response struct {
	LastBuildDate string `json:"lastBuildDate"`
	Total         int    `json:"total"`
	Start         int    `json:"start"`
	Display       int    `json:"display"`
	Items         []struct {
		Title        string `json:"title"`
		OriginalLink string `json:"originallink"`
		Link         string `json:"link"`
		Description  string `json:"description"`
		PubDate      string `json:"pubDate"`
	} `json:"items"`
}

// Parse reads one page of results. The article URL is the outlet's own
// (originallink); Naver's copy (link, n.news.naver.com) is used only when
// there is no original. Titles lose Naver's <b> highlighting.
func Parse(body []byte) (Page, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return Page{}, fmt.Errorf("naver news JSON: %w", err)
	}
	if r.Items == nil {
		return Page{}, errors.New("naver news JSON: no items array")
	}
	p := Page{Total: r.Total, Start: r.Start, Display: r.Display}
	for _, it := range r.Items {
		link := strings.TrimSpace(it.OriginalLink)
		if link == "" {
			link = strings.TrimSpace(it.Link)
		}
		a := newsmatch.Article{
			URL: link, Title: it.Title, Lead: it.Description,
			SourceType: newsmatch.SourceNaver, Feed: newsmatch.SourceNaver,
		}
		if raw := strings.TrimSpace(it.PubDate); raw == "" {
			a.MissingWhy = "Naver item has no pubDate"
		} else if d, err := newsmatch.ParseDate(raw, newsmatch.FromNaverAPI, newsmatch.KST); err != nil {
			a.Published = newsmatch.Date{Raw: raw, From: newsmatch.FromNaverAPI}
			a.MissingWhy = "unparseable Naver pubDate: " + err.Error()
		} else {
			a.Published = d
		}
		p.Articles = append(p.Articles, a)
	}
	return p, nil
}

func apiError(body []byte) string {
	var e struct {
		Message string `json:"errorMessage"`
		Code    string `json:"errorCode"`
	}
	if json.Unmarshal(body, &e) == nil && (e.Message != "" || e.Code != "") {
		return fmt.Sprintf("%s (%s)", e.Message, e.Code)
	}
	if len(body) > 200 {
		body = body[:200]
	}
	return strings.TrimSpace(string(body))
}
