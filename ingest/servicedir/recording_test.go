package servicedir

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

var update = flag.Bool("update", false, "re-record testdata/recording.warc.gz from testdata/pages")

const (
	recordingPath = "testdata/recording.warc.gz"
	// recordedRowsPath holds the rows emitted while recording, so every
	// run can check that replaying the archive gives exactly those rows.
	recordedRowsPath = "testdata/recording_rows.json"
)

// record runs the collector in record mode against the real URLs, served
// from the hand-made pages, and writes the WARC and the rows it produced.
func record(t *testing.T) {
	t.Helper()
	if err := os.Remove(recordingPath); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	tr, err := transport.New(transport.Config{
		Mode: transport.ModeRecord, WARCPath: recordingPath, RespectRobots: true,
		AllowZeroDelay: true, Base: fileTransport(pages),
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, tr, time.Now())
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("recording produced errors: %v", errs)
	}
	if err := os.WriteFile(recordedRowsPath, rowsJSON(t, rows), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRecording(t *testing.T) {
	if *update {
		record(t)
	}
	tr, err := transport.New(transport.Config{Mode: transport.ModeReplay, WARCPath: recordingPath, RespectRobots: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	rows, s := collect(t, ingest.SourceConfig{Name: Name}, tr, time.Now())
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("replay produced errors: %v", errs)
	}
	if len(rows) == 0 {
		t.Fatal("replay produced no rows")
	}
	fetched := map[string]time.Time{}
	for _, r := range rows {
		u := schema.Row(r).Prov().SourceURL
		if prev, ok := fetched[u]; ok && !prev.Equal(r.FetchedAt) {
			t.Fatalf("rows of %s have two fetch times", u)
		}
		fetched[u] = r.FetchedAt
	}
	checkRows(t, rows, wantRecording(func(u string) time.Time { return fetched[u] }))
	for i, r := range rows {
		if id := schema.Row(r).Prov().WARCRecordID; id == nil || *id == "" {
			t.Fatalf("row %d has no WARC record id", i)
		}
	}
	want, err := os.ReadFile(recordedRowsPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsJSON(t, rows); !bytes.Equal(got, want) {
		t.Errorf("replayed rows differ from the rows emitted while recording (%s); rerun with -update and review the diff", recordedRowsPath)
	}
}

func TestEntryBundlesRecording(t *testing.T) {
	if *update {
		t.Skip("the embedded copy is the one compiled before -update rewrote it")
	}
	e := Entry()
	if e.Name != Name || e.New == nil || e.Recording == nil {
		t.Fatalf("Entry() = %+v", e)
	}
	got, err := fs.ReadFile(e.Recording, "recording.warc.gz")
	if err != nil {
		t.Fatal(err)
	}
	disk, err := os.ReadFile(recordingPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, disk) {
		t.Fatal("embedded recording differs from testdata/recording.warc.gz")
	}
}

func rowsJSON(t *testing.T, rows []*schema.Service) []byte {
	t.Helper()
	type tagged struct {
		Dataset string     `json:"dataset"`
		Row     schema.Row `json:"row"`
	}
	out := make([]tagged, len(rows))
	for i, r := range rows {
		out[i] = tagged{r.Dataset(), r}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
