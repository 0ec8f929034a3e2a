package recordtest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// Recording is a collector's bundled WARC, the pages it is recorded from
// and the golden file of the rows emitted while recording, for collectors
// whose tests serve Files rather than a pages.json Site.
type Recording struct {
	WARC   string            // testdata/recording.warc.gz
	Golden string            // the recorded rows as JSON
	Pages  http.RoundTripper // serves the real URLs while recording
	// Session stamps the rows (RunID, Now) the way the package's other
	// tests do; Transport and Sink are set here.
	Session ingest.SessionOptions
	// Robots asks for robots.txt while recording, so the archive holds
	// what Pages answered for it.
	Robots bool
	// Form is what Golden holds for the rows; nil means the rows as they are.
	Form func([]schema.Row) any
}

// Check replays the WARC and compares the rows with Golden. With update it
// first re-records the WARC from Pages and writes the rows emitted while
// recording to Golden, so the check becomes "replay gives exactly the rows
// of the recording run". Any error in either run fails the test, as does a
// replayed row without a WARC record id; the replayed rows are returned
// for the package's own checks.
func (r Recording) Check(t testing.TB, c ingest.Collector, update bool) []schema.Row {
	t.Helper()
	form := r.Form
	if form == nil {
		form = func(rows []schema.Row) any { return rows }
	}
	if update {
		Golden(t, r.Golden, form(r.record(t, c)), true)
	}
	tr, err := transport.New(transport.Config{Mode: transport.ModeReplay, WARCPath: r.WARC, RespectRobots: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	opts := r.Session
	opts.Transport = tr
	rows, s := Collect(t, c, opts)
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("replay errors: %q", errs)
	}
	if len(rows) == 0 {
		t.Fatal("replay produced no rows")
	}
	for i, row := range rows {
		if id := row.Prov().WARCRecordID; id == nil || *id == "" {
			t.Fatalf("row %d has no WARC record id", i)
		}
	}
	Golden(t, r.Golden, form(rows), false)
	return rows
}

func (r Recording) record(t testing.TB, c ingest.Collector) []schema.Row {
	t.Helper()
	if err := os.Remove(r.WARC); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	tr, err := transport.New(transport.Config{
		Mode: transport.ModeRecord, WARCPath: r.WARC, Base: r.Pages,
		RespectRobots: r.Robots, AllowZeroDelay: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := r.Session
	opts.Transport = tr
	rows, s := Collect(t, c, opts)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("recording produced errors: %q", errs)
	}
	return rows
}

// CheckDirect runs c straight against Pages and fails unless its rows
// equal replayed in everything but when and where the bytes were archived.
func (r Recording) CheckDirect(t testing.TB, c ingest.Collector, replayed []schema.Row) {
	t.Helper()
	opts := r.Session
	opts.Transport = r.Pages
	direct, _ := Collect(t, c, opts)
	if a, b := withoutArchive(t, replayed), withoutArchive(t, direct); a != b {
		t.Errorf("replayed rows differ from a direct run:\n%s\n%s", a, b)
	}
}

func withoutArchive(t testing.TB, rows []schema.Row) string {
	t.Helper()
	var out []string
	for _, r := range rows {
		p := *r.Prov()
		r.Prov().FetchedAt, r.Prov().WARCRecordID, r.Prov().AccessedAt = time.Time{}, nil, nil
		b, err := json.Marshal(r)
		*r.Prov() = p
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return strings.Join(out, "\n")
}

// CheckEntry fails unless e registers the collector name with a recording
// byte-identical to the one at warcPath. Skip it under -update: the
// embedded copy is the one compiled before the update rewrote the file.
func CheckEntry(t testing.TB, e ingest.Entry, name, warcPath string) {
	t.Helper()
	if e.Name != name || e.New == nil || e.Recording == nil {
		t.Fatalf("Entry() = %+v", e)
	}
	got, err := fs.ReadFile(e.Recording, path.Base(warcPath))
	if err != nil {
		t.Fatal(err)
	}
	disk, err := os.ReadFile(warcPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, disk) {
		t.Fatalf("embedded recording differs from %s", warcPath)
	}
}
