package ingest

import (
	"container/heap"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/gocolly/colly/v2"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// Page is what a parser found on one page: rows, the page title their
// provenance cites, the parts it could not read, errors worth recording
// about it, and further pages to visit next (an API's following page of
// results).
type Page struct {
	Title    string
	Rows     []schema.Row
	Problems []error
	// MoreProblems counts problems found beyond those listed (see
	// Problems, the type): parse failures in the ledger, not kept.
	MoreProblems int
	// Errors are recorded as collector errors (Problems as parse failures).
	Errors []error
	Next   []string
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
	// (titled Page.Title); rows that carry their own keep it. Parse runs
	// for several pages at once: it must not change state shared between
	// pages (Take is where rows from many pages meet).
	Parse func(f *Fetched) (Page, error)
	// Take, when set, receives each page's rows instead of Emit, one page
	// at a time in visiting order, whatever order the answers came in.
	Take func(rows []schema.Row)
	// Parallelism is how many requests may be in flight to one host at
	// once (the source's `parallelism` key); 0 means one. Different hosts
	// are always fetched in parallel, each paced by the transport.
	Parallelism int
	// Header is set on every request (API credentials; the transport keeps
	// them out of archives).
	Header map[string]string
	// Explain adds an error response's own reason to the recorded error,
	// for APIs that say why they refused.
	Explain func(body []byte) string
}

// VisitPages fetches the URLs through the session's collector, every host
// in parallel and up to p.Parallelism requests per host (the transport
// paces each server), and parses the answers as they come. What a page
// gives (its rows, its errors) is handed on in visiting order, a page's
// Next right after it and before the remaining URLs, so a run's rows and
// ledger do not depend on which server answered first. A failed fetch or
// an unreadable page is recorded and the rest go on; only a cancelled
// context stops the loop. It returns how many pages answered 200, so a
// collector can fail a run that read none.
func (s *Session) VisitPages(ctx context.Context, p Pages) (int, error) {
	par := max(p.Parallelism, 1)
	v := &visitor{s: s, p: p, par: par, pending: map[string]*visitQueue{}, inflight: map[string]int{}}
	v.col = s.newColly(v.fetchFailed, colly.StdlibContext(transport.WithParallelism(ctx, par)), colly.Async(true))
	if len(p.Header) > 0 {
		v.col.OnRequest(func(r *colly.Request) {
			for k, val := range p.Header {
				r.Headers.Set(k, val)
			}
		})
	}
	v.col.OnResponse(v.answered)
	s.progress.Queue(len(p.URLs))
	roots := make([]*visit, len(p.URLs))
	for i, u := range p.URLs {
		roots[i] = &visit{url: u, path: []int{i}}
	}
	v.mu.Lock()
	for i := len(roots) - 1; i >= 0; i-- {
		v.stack = append(v.stack, roots[i])
	}
	for _, r := range roots {
		v.queue(r)
	}
	v.dispatchAll()
	v.mu.Unlock()
	for {
		v.col.Wait()
		// Every request started has ended. One that ended in neither
		// callback (colly drops a few errors) is closed as failed, so its
		// host's queue and the pages behind it go on.
		v.mu.Lock()
		stuck := false
		for _, x := range v.started {
			if !x.done {
				x.actions = append(x.actions, func() { s.Error(fmt.Errorf("fetch %s: no response", x.url)) })
				v.doneLocked(x)
				stuck = true
			}
		}
		v.started = v.started[:0]
		v.dispatchAll()
		more := len(v.started) > 0
		v.mu.Unlock()
		v.deliver()
		if !more && !stuck {
			break
		}
	}
	v.mu.Lock()
	read := v.read
	v.mu.Unlock()
	return read, ctx.Err()
}

// visit is one URL of a VisitPages run and, once answered, what it gave.
type visit struct {
	url  string
	path []int // URL index, then Next indexes: its place in visiting order
	host string
	done bool
	// actions record what the page gave (rows, errors), run in visiting order.
	actions []func()
	next    []*visit
}

// before orders visits as the loop would visit them one at a time.
func (a *visit) before(b *visit) bool {
	for i := 0; i < len(a.path) && i < len(b.path); i++ {
		if a.path[i] != b.path[i] {
			return a.path[i] < b.path[i]
		}
	}
	return len(a.path) < len(b.path)
}

// visitQueue is one host's waiting visits, earliest in visiting order first.
type visitQueue []*visit

func (q visitQueue) Len() int           { return len(q) }
func (q visitQueue) Less(i, j int) bool { return q[i].before(q[j]) }
func (q visitQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *visitQueue) Push(x any)        { *q = append(*q, x.(*visit)) }
func (q *visitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

type visitor struct {
	s   *Session
	p   Pages
	par int
	col *colly.Collector

	mu       sync.Mutex
	pending  map[string]*visitQueue // by host
	inflight map[string]int         // by host
	started  []*visit               // since the last Wait
	stack    []*visit               // undelivered, next to deliver last
	read     int
	// delivering: one goroutine is handing pages on; others leave theirs to it.
	delivering bool
}

const visitKey = "gwanmun.visit"

func (v *visitor) queue(x *visit) {
	if u, err := url.Parse(x.url); err == nil {
		x.host = strings.ToLower(u.Host)
	}
	q := v.pending[x.host]
	if q == nil {
		q = &visitQueue{}
		v.pending[x.host] = q
	}
	heap.Push(q, x)
}

// dispatchAll starts what each host's parallelism allows; v.mu is held.
// Requests are asynchronous: their callbacks wait for v.mu.
func (v *visitor) dispatchAll() {
	hosts := make([]string, 0, len(v.pending))
	for h := range v.pending {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		q := v.pending[h]
		for q.Len() > 0 && v.inflight[h] < v.par {
			x := heap.Pop(q).(*visit)
			if err := ctxErr(v.col); err != nil {
				v.doneLocked(x) // never fetched: nothing to hand on
				continue
			}
			v.inflight[h]++
			v.started = append(v.started, x)
			cctx := colly.NewContext()
			cctx.Put(visitKey, x)
			if err := v.col.Request(http.MethodGet, x.url, nil, cctx, nil); err != nil {
				x.actions = append(x.actions, func() { v.s.Error(fmt.Errorf("visit %s: %w", x.url, err)) })
				v.doneLocked(x)
			}
		}
		if q.Len() == 0 {
			delete(v.pending, h)
		}
	}
}

// doneLocked closes a visit and queues its Next pages; v.mu is held.
func (v *visitor) doneLocked(x *visit) {
	if x.done {
		return
	}
	x.done = true
	if v.inflight[x.host] > 0 {
		v.inflight[x.host]--
	}
	for _, n := range x.next {
		v.queue(n)
	}
}

// finish closes x with what it gave, starts what may start, and hands on
// what is ready.
func (v *visitor) finish(x *visit, read bool, actions []func(), next []string) {
	v.mu.Lock()
	if x.done {
		v.mu.Unlock()
		return
	}
	if read {
		v.read++
	}
	x.actions = append(x.actions, actions...)
	for i, u := range next {
		x.next = append(x.next, &visit{url: u, path: append(append([]int(nil), x.path...), i)})
	}
	v.doneLocked(x)
	v.dispatchAll()
	v.mu.Unlock()
	v.deliver()
}

// deliver runs the actions of answered visits in visiting order, up to
// the first one still waiting for its answer.
func (v *visitor) deliver() {
	v.mu.Lock()
	if v.delivering {
		v.mu.Unlock()
		return
	}
	v.delivering = true
	for {
		var ready []*visit
		for len(v.stack) > 0 && v.stack[len(v.stack)-1].done {
			x := v.stack[len(v.stack)-1]
			v.stack = v.stack[:len(v.stack)-1]
			for i := len(x.next) - 1; i >= 0; i-- {
				v.stack = append(v.stack, x.next[i])
			}
			ready = append(ready, x)
		}
		if len(ready) == 0 {
			v.delivering = false
			v.mu.Unlock()
			return
		}
		v.mu.Unlock()
		for _, x := range ready {
			for _, a := range x.actions {
				a()
			}
			x.actions = nil
		}
		v.mu.Lock()
	}
}

func (v *visitor) fetchFailed(r *colly.Response, err error) {
	x := visitOf(r)
	if x == nil {
		v.s.Error(err)
		return
	}
	v.finish(x, false, []func(){func() { v.s.Error(err) }}, nil)
}

// answered parses a response on the goroutine that fetched it; what the
// page gave waits for its turn.
func (v *visitor) answered(r *colly.Response) {
	x := visitOf(r)
	if x == nil {
		return
	}
	s, p := v.s, v.p
	u := r.Request.URL.String()
	if r.StatusCode != http.StatusOK {
		err := fmt.Errorf("fetch %s: HTTP %d", u, r.StatusCode)
		if p.Explain != nil {
			err = fmt.Errorf("%w: %s", err, p.Explain(r.Body))
		}
		v.finish(x, false, []func(){func() { s.Error(err) }}, nil)
		return
	}
	f := &Fetched{URL: r.Request.URL, Body: r.Body, base: s.Prov(r, "")}
	if r.Headers != nil {
		f.Header = *r.Headers
	}
	pg, err := p.Parse(f)
	var actions []func()
	for _, e := range pg.Problems {
		actions = append(actions, func() { s.ParseFailure(u, e) })
	}
	if more := pg.MoreProblems; more > 0 {
		actions = append(actions, func() { s.moreParseFailures(u, more) })
	}
	for _, e := range pg.Errors {
		actions = append(actions, func() { s.Error(e) })
	}
	if err != nil {
		actions = append(actions, func() { s.ParseFailure(u, err) })
		v.finish(x, true, actions, nil)
		return
	}
	prov := f.Prov(pg.Title)
	for _, row := range pg.Rows {
		if row.Prov().SourceURL == "" {
			*row.Prov() = prov
		}
	}
	if rows := pg.Rows; len(rows) > 0 {
		if p.Take != nil {
			actions = append(actions, func() { p.Take(rows) })
		} else {
			actions = append(actions, func() {
				for _, row := range rows {
					s.Emit(row)
				}
			})
		}
	}
	s.progress.Queue(len(pg.Next))
	v.finish(x, true, actions, pg.Next)
}

func visitOf(r *colly.Response) *visit {
	if r == nil || r.Ctx == nil {
		return nil
	}
	x, _ := r.Ctx.GetAny(visitKey).(*visit)
	return x
}

// ctxErr is the error of the context the collector fetches under.
func ctxErr(c *colly.Collector) error {
	if c.Context == nil {
		return nil
	}
	return c.Context.Err()
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
	par   int
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
	return &pageCollector{info: info, urls: urls, par: cfg.Parallelism, parse: parse}, nil
}

func (c *pageCollector) Info() Info { return c.info }

func (c *pageCollector) Collect(ctx context.Context, s *Session) error {
	_, err := s.VisitPages(ctx, Pages{URLs: c.urls, Parse: c.parse, Parallelism: c.par})
	return err
}
