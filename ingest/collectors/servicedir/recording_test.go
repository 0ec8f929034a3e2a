package servicedir

import (
	"flag"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

var update = flag.Bool("update", false, "re-record testdata/recording.warc.gz from testdata/pages")

// bundled is served from the hand-made pages for the real URLs; its
// golden file holds the rows emitted while recording, so every run checks
// that replaying the archive gives exactly those rows.
var bundled = recordtest.Recording{Pages: recordtest.Files(pages), Robots: true, RunID: "test", Form: recordtest.Tagged}

func TestRecording(t *testing.T) {
	c, err := New(ingest.SourceConfig{Name: Name})
	if err != nil {
		t.Fatal(err)
	}
	rows := recordtest.As[*schema.Service](t, bundled.Check(t, c, *update))
	fetched := map[string]time.Time{}
	for _, r := range rows {
		u := r.Prov().SourceURL
		if prev, ok := fetched[u]; ok && !prev.Equal(r.FetchedAt) {
			t.Fatalf("rows of %s have two fetch times", u)
		}
		fetched[u] = r.FetchedAt
	}
	checkRows(t, rows, wantRecording(func(u string) time.Time { return fetched[u] }))
}
