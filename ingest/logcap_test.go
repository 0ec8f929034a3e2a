package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/ingest"
)

// formatCounter counts how often fmt formats it.
type formatCounter struct{ n *int }

func (f formatCounter) Format(s fmt.State, _ rune) { *f.n++; io.WriteString(s, "x") }

func TestProblemsKeepsTheFirstFewAndCountsTheRest(t *testing.T) {
	var p ingest.Problems
	formatted := 0
	const total = 10_000
	for i := range total {
		if i%2 == 0 {
			p.Add(fmt.Errorf("row %d: bad", i))
		} else {
			p.Addf("row %d: %v", i, formatCounter{&formatted})
		}
	}
	if got := len(p.List()); got != ingest.MaxPageProblems {
		t.Errorf("kept %d problems, want %d", got, ingest.MaxPageProblems)
	}
	if p.More() != total-ingest.MaxPageProblems || p.Len() != total {
		t.Errorf("more %d, len %d; want %d and %d", p.More(), p.Len(), total-ingest.MaxPageProblems, total)
	}
	if p.List()[0].Error() != "row 0: bad" || p.List()[1].Error() != "row 1: x" {
		t.Errorf("first problems %q, %q", p.List()[0], p.List()[1])
	}
	// Only the kept half of the first 50 were formatted.
	if formatted != ingest.MaxPageProblems/2 {
		t.Errorf("Addf formatted %d problems, want only the %d it kept", formatted, ingest.MaxPageProblems/2)
	}
}

// bulkParser is a page parser that finds n bad rows on every page and
// keeps them the way the page collectors do, in an ingest.Problems.
type bulkParser struct{ n int }

func (b bulkParser) Info() ingest.Info {
	return ingest.Info{Name: "bulk", Version: "1", Kind: "web", URL: "loopback", Datasets: []string{"mau"}}
}

func (b bulkParser) parse(*ingest.Fetched) (ingest.Page, error) {
	var p ingest.Problems
	for i := range b.n {
		p.Addf("row %d: users %q: not a number", i, "lots")
	}
	return ingest.Page{Problems: p.List(), MoreProblems: p.More()}, nil
}

// A page with 100,000 bad rows: the ledger counts every one, while what
// is kept stays bounded whatever the count: 50 problems on the page, 50
// ledger messages and a note, 20 log lines per message plus one summary
// and one line for the problems not listed.
func TestManyParseFailuresKeepBoundedRecords(t *testing.T) {
	const bad = 100_000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "<html><body>anything</body></html>")
	}))
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	runner := &ingest.Runner{
		LakeDir: t.TempDir(), Mode: ingest.Live,
		Log: slog.New(slog.NewJSONHandler(&logs, nil)),
		Transport: func(ingest.Collector) (http.RoundTripper, io.Closer, error) {
			tr := liveTransport(t)
			return tr, tr, nil
		},
	}
	b := bulkParser{n: bad}
	col := &pagesProbe{info: b.Info(), urls: []string{srv.URL + "/case"}, parse: b.parse}
	sum, err := runner.Run(context.Background(), []ingest.Collector{col})
	if err != nil {
		t.Fatal(err)
	}
	c := sum.Collectors[0]
	if c.ParseFailures != bad {
		t.Errorf("ledger counts %d parse failures, want %d", c.ParseFailures, bad)
	}
	if len(c.Errors) != 51 || c.Errors[50] != "further errors omitted" {
		t.Errorf("ledger holds %d messages, want 50 and the omission note", len(c.Errors))
	}
	lines := strings.Count(logs.String(), "\n")
	if got := strings.Count(logs.String(), `"msg":"parse failure"`); got != ingest.DefaultLogRepeats {
		t.Errorf("%d parse-failure lines logged, want %d", got, ingest.DefaultLogRepeats)
	}
	if want := fmt.Sprintf(`"msg":"parse failures not listed","collector":"bulk","url":"%s/case","count":%d`, srv.URL, bad-ingest.MaxPageProblems); !strings.Contains(logs.String(), want) {
		t.Errorf("no line %s in the log:\n%.3000s", want, logs.String())
	}
	if lines > 40 {
		t.Errorf("%d log lines for one page of %d bad rows, want at most 40:\n%.3000s", lines, bad, logs.String())
	}
}

// pagesProbe is a page collector over VisitPages with a given parser.
type pagesProbe struct {
	info  ingest.Info
	urls  []string
	parse func(*ingest.Fetched) (ingest.Page, error)
}

func (p *pagesProbe) Info() ingest.Info { return p.info }

func (p *pagesProbe) Collect(ctx context.Context, s *ingest.Session) error {
	n, err := s.VisitPages(ctx, ingest.Pages{URLs: p.urls, Parse: p.parse})
	if err == nil && n == 0 {
		err = errors.New("no page read")
	}
	return err
}
