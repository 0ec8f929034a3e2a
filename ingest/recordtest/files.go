package recordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
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
