// Package recordtest is the one harness for collectors' bundled
// recordings: hand-made responses are served for the real URLs (a Site
// read from testdata/pages/pages.json, or Files), the collector runs in
// record mode through ingest/transport, and the WARC it writes is replayed
// the way `make demo` replays it and checked against testdata/want.json.
// It also holds the small helpers those tests share: collecting rows into
// a slice, golden files and row diffs.
package recordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// Page is one canned response of a site folder's pages.json.
type Page struct {
	URL         string            `json:"url"`
	File        string            `json:"file"`
	ContentType string            `json:"content_type"`
	Status      int               `json:"status,omitempty"`
	Header      map[string]string `json:"header,omitempty"`
}

// Site serves the pages listed in dir/pages.json by exact URL and answers
// 404 to anything else. It is the Base of a record-mode transport, so the
// WARC holds the real URLs.
type Site struct {
	pages map[string]Page
	dir   string

	mu   sync.Mutex
	seen []string
}

// OpenSite reads dir/pages.json.
func OpenSite(dir string) (*Site, error) {
	b, err := os.ReadFile(filepath.Join(dir, "pages.json"))
	if err != nil {
		return nil, err
	}
	var pages []Page
	if err := json.Unmarshal(b, &pages); err != nil {
		return nil, fmt.Errorf("%s/pages.json: %w", dir, err)
	}
	s := &Site{pages: map[string]Page{}, dir: dir}
	for _, p := range pages {
		if _, dup := s.pages[p.URL]; dup {
			return nil, fmt.Errorf("%s/pages.json: %s listed twice", dir, p.URL)
		}
		s.pages[p.URL] = p
	}
	return s, nil
}

// RoundTrip implements http.RoundTripper.
func (s *Site) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.seen = append(s.seen, req.URL.String())
	s.mu.Unlock()
	p, ok := s.pages[req.URL.String()]
	if !ok {
		return respond(req, http.StatusNotFound, http.Header{"Content-Type": {"text/plain"}}, []byte("not recorded\n")), nil
	}
	body, err := os.ReadFile(filepath.Join(s.dir, p.File))
	if err != nil {
		return nil, err
	}
	h := http.Header{"Content-Type": {p.ContentType}}
	for k, v := range p.Header {
		h.Set(k, v)
	}
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	return respond(req, status, h, body), nil
}

// Unused lists pages nobody asked for: a recording that lost a page.
func (s *Site) Unused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	asked := map[string]bool{}
	for _, u := range s.seen {
		asked[u] = true
	}
	var out []string
	for u := range s.pages {
		if !asked[u] {
			out = append(out, u)
		}
	}
	return out
}

func respond(req *http.Request, status int, h http.Header, body []byte) *http.Response {
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}

// Result is what a collector run produced.
type Result struct {
	Rows   []schema.Row
	Errors []string
}

// Run runs c once through rt and returns its accepted rows (rejected rows
// fail the test) and the errors it recorded.
func Run(t testing.TB, c ingest.Collector, rt http.RoundTripper, mode ingest.Mode) Result {
	t.Helper()
	return run(t, c, rt, mode, "test")
}

func run(t testing.TB, c ingest.Collector, rt http.RoundTripper, mode ingest.Mode, runID string) Result {
	t.Helper()
	var res Result
	rows, s, err := collect(t, c, ingest.SessionOptions{
		RunID: runID, Mode: mode, Transport: rt,
		Now: func() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) },
	})
	res.Rows = rows
	if err != nil {
		res.Errors = append(res.Errors, "collect: "+err.Error())
	}
	if n := s.Rejected(); n > 0 {
		t.Errorf("%d rows rejected: %v", n, s.Errors())
	}
	res.Errors = append(res.Errors, s.Errors()...)
	return res
}

// Collect runs c once with opts (its Sink replaced) and returns the rows
// it accepted and the session, for its errors and rejected rows. An error
// from Collect itself fails the test.
func Collect(t testing.TB, c ingest.Collector, opts ingest.SessionOptions) ([]schema.Row, *ingest.Session) {
	t.Helper()
	rows, s, err := collect(t, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rows, s
}

func collect(t testing.TB, c ingest.Collector, opts ingest.SessionOptions) ([]schema.Row, *ingest.Session, error) {
	var rows []schema.Row
	// The evidence class and access date are the session's (tested in
	// package ingest), not the collector's: goldens hold what was parsed.
	opts.Sink = func(r schema.Row) error {
		r.Prov().Evidence, r.Prov().AccessedAt = "", nil
		rows = append(rows, r)
		return nil
	}
	s := ingest.NewSession(c, opts)
	err := c.Collect(t.Context(), s)
	return rows, s, err
}

// Live runs c against rt in live mode with no spacing or real sleeping,
// for tests of retries and errors on an in-process site.
func Live(t testing.TB, c ingest.Collector, base http.RoundTripper) Result {
	t.Helper()
	tr, err := transport.New(transport.Config{
		Mode: transport.ModeLive, Base: base, AllowZeroDelay: true, BackoffBase: time.Millisecond,
		BackoffMax: time.Millisecond, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	return Run(t, c, tr, ingest.Live)
}

// Golden compares v's indented JSON with the file at path; with update it
// rewrites the file instead, for review in the diff.
func Golden(t testing.TB, path string, v any, update bool) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("rows differ from %s (run with -update and review the diff):\n%s", path, diff(string(want), string(got)))
	}
}

func dump(rows []schema.Row) string {
	b, _ := json.MarshalIndent(rows, "", " ")
	return string(b)
}

// diff shows the first differing lines, enough to find the field.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return "(same lines, different bytes)"
}
