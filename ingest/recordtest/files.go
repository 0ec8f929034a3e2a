package recordtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// Files maps real URLs to the hand-made pages standing in for them. As a
// RoundTripper it serves each page as UTF-8 HTML and answers 404 to any
// other URL; unlike a Site it needs no pages.json.
type Files map[string]string

// RoundTrip implements http.RoundTripper.
func (f Files) RoundTrip(req *http.Request) (*http.Response, error) {
	path, ok := f[req.URL.String()]
	if !ok {
		return respond(req, http.StatusNotFound, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, []byte("not found")), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return respond(req, http.StatusOK, http.Header{"Content-Type": {"text/html; charset=utf-8"}}, b), nil
}

// EqualRows compares rows one by one on their type and JSON, which covers
// every field, provenance included, and prints the first differing ones.
func EqualRows(t testing.TB, got, want []schema.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		gj, _ := json.Marshal(got[i])
		wj, _ := json.Marshal(want[i])
		if fmt.Sprintf("%T", got[i]) != fmt.Sprintf("%T", want[i]) || !bytes.Equal(gj, wj) {
			t.Errorf("row %d:\n got %T %s\nwant %T %s", i, got[i], gj, want[i], wj)
		}
	}
}

// Tagged labels each row with its dataset, for golden files that mix
// datasets.
func Tagged(rows []schema.Row) any {
	type tagged struct {
		Dataset string     `json:"dataset"`
		Row     schema.Row `json:"row"`
	}
	out := make([]tagged, len(rows))
	for i, r := range rows {
		out[i] = tagged{r.Dataset(), r}
	}
	return out
}

// As narrows rows to one row type, failing the test on any other.
func As[R schema.Row](t testing.TB, rows []schema.Row) []R {
	t.Helper()
	out := make([]R, len(rows))
	for i, r := range rows {
		v, ok := r.(R)
		if !ok {
			t.Fatalf("row %d is a %T", i, r)
		}
		out[i] = v
	}
	return out
}

// New builds a collector the way the CLI does: doc parsed by the strict
// config decoder, its [sources.NAME] table read, the factory called. Any
// error fails the test.
func New(t testing.TB, f ingest.Factory, name, doc string) ingest.Collector {
	t.Helper()
	c, err := newFrom(f, name, doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Rejects fails the test unless each doc is refused by the config decoder
// or by the factory.
func Rejects(t testing.TB, f ingest.Factory, name string, docs ...string) {
	t.Helper()
	for _, doc := range docs {
		if _, err := newFrom(f, name, doc); err == nil {
			t.Errorf("accepted %q", doc)
		}
	}
}

func newFrom(f ingest.Factory, name, doc string) (ingest.Collector, error) {
	cfg, err := ingest.ParseConfig([]byte(doc))
	if err != nil {
		return nil, err
	}
	sc, err := cfg.Source(name)
	if err != nil {
		return nil, err
	}
	return f(sc)
}

// Seeds adds every file matching the patterns to f's seed corpus.
func Seeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pattern := range patterns {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// FetchTimes maps each page's URL to the time its rows say it was fetched,
// failing the test when the rows of one page disagree.
func FetchTimes(t testing.TB, rows []schema.Row) map[string]time.Time {
	t.Helper()
	fetched := map[string]time.Time{}
	for _, r := range rows {
		p := r.Prov()
		if prev, ok := fetched[p.SourceURL]; ok && !prev.Equal(p.FetchedAt) {
			t.Fatalf("rows of %s have two fetch times", p.SourceURL)
		}
		fetched[p.SourceURL] = p.FetchedAt
	}
	return fetched
}

// FileProv is the provenance a collector gives a row of the hand-made
// page at path served for url: its title, fetch time and the page's hash.
func FileProv(t testing.TB, path, url, title, collector, version string, at time.Time) schema.Provenance {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return schema.Provenance{
		SourceURL: url, SourceTitle: title, FetchedAt: at, Collector: collector, CollectorVersion: version,
		ContentSHA256: hex.EncodeToString(sum[:]),
	}
}
