package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gocolly/colly/v2"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Page is what a parser found on one page: rows, the page title their
// provenance cites, the parts it could not read, and further pages to
// visit next (an API's following page of results).
type Page struct {
	Title    string
	Rows     []schema.Row
	Problems []error
	Next     []string
}

// Fetched is one 200 response handed to a page parser.
type Fetched struct {
	URL    *url.URL
	Body   []byte
	Header http.Header
	base   schema.Provenance
}

// Prov is the provenance of rows read from the page under title: its URL,
// the original fetch time and content hash, and the WARC record that
// holds the bytes.
func (f *Fetched) Prov(title string) schema.Provenance {
	p := f.base
	p.SourceTitle = title
	return p
}

// Pages is one run of the page loop: what to visit and how to read it.
type Pages struct {
	URLs []string
	// Parse reads one 200 response. Rows without provenance get the page's
	// (titled Page.Title); rows that carry their own keep it.
	Parse func(f *Fetched) (Page, error)
	// Header is set on every request (API credentials; the transport keeps
	// them out of archives).
	Header map[string]string
	// Explain adds an error response's own reason to the recorded error,
	// for APIs that say why they refused.
	Explain func(body []byte) string
}

// VisitPages fetches each URL in turn through the session's collector
// (a page's Next right after it), parses every 200 response, and emits the
// rows. A failed fetch or an unreadable page is recorded and the next URL
// is tried; only a cancelled context stops the loop. It returns how many
// pages answered 200, so a collector can fail a run that read none.
func (s *Session) VisitPages(ctx context.Context, p Pages) (int, error) {
	col := s.Colly(colly.StdlibContext(ctx))
	if len(p.Header) > 0 {
		col.OnRequest(func(r *colly.Request) {
			for k, v := range p.Header {
				r.Headers.Set(k, v)
			}
		})
	}
	failed := map[string]bool{} // OnError already recorded these
	col.OnError(func(r *colly.Response, _ error) {
		if r != nil && r.Request != nil {
			failed[r.Request.URL.String()] = true
		}
	})
	read := 0
	var next []string
	col.OnResponse(func(r *colly.Response) {
		u := r.Request.URL.String()
		if r.StatusCode != http.StatusOK {
			err := fmt.Errorf("fetch %s: HTTP %d", u, r.StatusCode)
			if p.Explain != nil {
				err = fmt.Errorf("%w: %s", err, p.Explain(r.Body))
			}
			s.Error(err)
			return
		}
		read++
		f := &Fetched{URL: r.Request.URL, Body: r.Body, base: s.Prov(r, "")}
		if r.Headers != nil {
			f.Header = *r.Headers
		}
		pg, err := p.Parse(f)
		for _, e := range pg.Problems {
			s.ParseFailure(u, e)
		}
		if err != nil {
			s.ParseFailure(u, err)
			return
		}
		prov := f.Prov(pg.Title)
		for _, row := range pg.Rows {
			if row.Prov().SourceURL == "" {
				*row.Prov() = prov
			}
			s.Emit(row)
		}
		next = append(next, pg.Next...)
		s.progress.Queue(len(pg.Next))
	})
	queue := append([]string(nil), p.URLs...)
	s.progress.Queue(len(queue))
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return read, err
		}
		u := queue[0]
		next = nil
		if err := col.Visit(u); err != nil && !failed[u] {
			s.Error(fmt.Errorf("visit %s: %w", u, err))
		}
		queue = append(next, queue[1:]...)
	}
	return read, ctx.Err()
}

// URLLabel names a collector's sources in `gwanmun sources`: the first URL
// and how many more.
func URLLabel(urls []string) string {
	if len(urls) == 0 {
		return ""
	}
	if len(urls) > 1 {
		return fmt.Sprintf("%s (+%d more)", urls[0], len(urls)-1)
	}
	return urls[0]
}

// RowsOf widens a slice of one row type for Page.Rows.
func RowsOf[R schema.Row](rs []R) []schema.Row {
	out := make([]schema.Row, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

// pageCollector is a web collector that reads a list of pages, each on its
// own: the shape of most collectors, which differ only in their parser.
type pageCollector struct {
	info  Info
	urls  []string
	parse func(f *Fetched) (Page, error)
}

// NewPageCollector decodes the source's own keys into own (strictly) and
// builds a collector that visits its URLs (the defaults when its table
// names none) and reads each with parse; info.URL is filled in from them.
// It does no I/O.
func NewPageCollector(cfg SourceConfig, own any, info Info, defaults []string, parse func(f *Fetched) (Page, error)) (Collector, error) {
	if err := cfg.Decode(own); err != nil {
		return nil, err
	}
	urls, err := cfg.URLsOr(defaults)
	if err != nil {
		return nil, err
	}
	info.URL = URLLabel(urls)
	return &pageCollector{info: info, urls: urls, parse: parse}, nil
}

func (c *pageCollector) Info() Info { return c.info }

func (c *pageCollector) Collect(ctx context.Context, s *Session) error {
	_, err := s.VisitPages(ctx, Pages{URLs: c.urls, Parse: c.parse})
	return err
}
