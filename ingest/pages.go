package ingest

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gocolly/colly/v2"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Page is what a parser found on one page: rows without provenance, the
// page title their provenance cites, and the parts it could not read.
type Page struct {
	Title    string
	Rows     []schema.Row
	Problems []error
}

// VisitPages fetches each URL in turn through the session's collector,
// parses every 200 response, and emits the rows stamped with that page's
// provenance. A failed fetch or an unreadable page is recorded and the
// next URL is tried; only a cancelled context stops the loop.
func (s *Session) VisitPages(ctx context.Context, urls []string, parse func(body []byte) (Page, error)) error {
	col := s.Colly(colly.StdlibContext(ctx))
	failed := map[string]bool{} // OnError already recorded these
	col.OnError(func(r *colly.Response, _ error) {
		if r != nil && r.Request != nil {
			failed[r.Request.URL.String()] = true
		}
	})
	col.OnResponse(func(r *colly.Response) {
		u := r.Request.URL.String()
		if r.StatusCode != http.StatusOK {
			s.Error(fmt.Errorf("fetch %s: HTTP %d", u, r.StatusCode))
			return
		}
		pg, err := parse(r.Body)
		for _, p := range pg.Problems {
			s.ParseFailure(u, p)
		}
		if err != nil {
			s.ParseFailure(u, err)
			return
		}
		prov := s.Prov(r, pg.Title)
		for _, row := range pg.Rows {
			*row.Prov() = prov
			s.Emit(row)
		}
	})
	for _, u := range urls {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := col.Visit(u); err != nil && !failed[u] {
			s.Error(fmt.Errorf("visit %s: %w", u, err))
		}
	}
	return ctx.Err()
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
