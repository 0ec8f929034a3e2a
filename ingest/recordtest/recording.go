package recordtest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// Where every collector keeps its recording, the hand-made pages it is
// recorded from, and the rows replaying it gives.
const (
	WARC     = "testdata/recording.warc.gz"
	PagesDir = "testdata/pages"
	Want     = "testdata/want.json"
)

// Recording is a collector's bundled recording: the WARC `make demo`
// replays, recorded from hand-made pages served for the real URLs, and
// the rows replaying it gives (testdata/want.json).
type Recording struct {
	// Pages serves the real URLs while recording: Files, or nil for the
	// Site in testdata/pages (its pages.json names the URLs).
	Pages http.RoundTripper
	// At dates the recorded exchanges; zero means the time of recording.
	At time.Time
	// Robots asks for robots.txt while recording, so the archive holds
	// what Pages answered for it.
	Robots bool
	// RunID stamps the rows of both runs.
	RunID string
	// Form is what want.json holds for the rows; nil means the rows as they are.
	Form func([]schema.Row) any
}

// Check replays the WARC and compares the rows with want.json. With update
// it first re-records the WARC from Pages, fails unless replaying the new
// WARC gives exactly the recorded rows (fetch times and WARC record ids
// included), and rewrites want.json. Any error in a run fails the test, as
// does a replayed row without a WARC record id; the replayed rows are
// returned for the package's own checks.
func (r Recording) Check(t testing.TB, c ingest.Collector, update bool) []schema.Row {
	t.Helper()
	var recorded Result
	if update {
		recorded = r.record(t, c)
	}
	rows := r.Rows(t, c)
	if len(rows) == 0 {
		t.Fatal("replay produced no rows")
	}
	for i, row := range rows {
		if id := row.Prov().WARCRecordID; id == nil || *id == "" {
			t.Fatalf("row %d has no WARC record id", i)
		}
	}
	if update && !reflect.DeepEqual(recorded.Rows, rows) {
		t.Fatalf("replayed rows differ from recorded rows:\nrecorded %s\nreplayed %s", dump(recorded.Rows), dump(rows))
	}
	form := r.Form
	if form == nil {
		form = func(rows []schema.Row) any { return rows }
	}
	Golden(t, Want, form(rows), update)
	return rows
}

// Replay runs c against the WARC as `gwanmun ingest --demo` does (robots
// respected: a recording without robots.txt has none to check) and
// returns its rows and errors; rejected rows fail the test.
func (r Recording) Replay(t testing.TB, c ingest.Collector) Result {
	t.Helper()
	tr, err := transport.New(transport.Config{
		Mode: transport.ModeReplay, WARCPath: WARC, RespectRobots: true, AllowZeroDelay: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	return run(t, c, tr, ingest.Replay, r.RunID)
}

// Rows replays the WARC and returns the rows, failing the test on any
// error of the run.
func (r Recording) Rows(t testing.TB, c ingest.Collector) []schema.Row {
	t.Helper()
	res := r.Replay(t, c)
	if len(res.Errors) > 0 {
		t.Fatalf("replay errors: %q", res.Errors)
	}
	return res.Rows
}

// record runs c in record mode against Pages, writes the WARC (replacing
// it) and fails on any error or on a page of the Site nobody asked for.
func (r Recording) record(t testing.TB, c ingest.Collector) Result {
	t.Helper()
	pages := r.Pages
	if pages == nil {
		site, err := OpenSite(PagesDir)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if u := site.Unused(); len(u) > 0 {
				t.Errorf("pages never requested: %v", u)
			}
		}()
		pages = site
	}
	tmp := WARC + ".tmp.warc.gz"
	_ = os.Remove(tmp)
	tc := transport.Config{
		Mode: transport.ModeRecord, WARCPath: tmp, Base: pages, RespectRobots: r.Robots,
		AllowZeroDelay: true, UserAgent: ingest.DefaultUserAgent,
	}
	if !r.At.IsZero() {
		tc.Now = func() time.Time { return r.At }
	}
	tr, err := transport.New(tc)
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, c, tr, ingest.Record, r.RunID)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("recording produced errors: %q", res.Errors)
	}
	if err := os.Rename(tmp, WARC); err != nil {
		t.Fatal(err)
	}
	return res
}

// CheckDirect runs c straight against Pages and fails unless its rows
// equal replayed in everything but when and where the bytes were archived.
func (r Recording) CheckDirect(t testing.TB, c ingest.Collector, replayed []schema.Row) {
	t.Helper()
	direct := run(t, c, r.Pages, ingest.Live, r.RunID)
	if a, b := withoutArchive(t, replayed), withoutArchive(t, direct.Rows); a != b {
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
// byte-identical to testdata/recording.warc.gz. Skip it under -update: the
// embedded copy is the one compiled before the update rewrote the file.
func CheckEntry(t testing.TB, e ingest.Entry, name string) {
	t.Helper()
	if e.Name != name || e.New == nil || e.Recording == nil || len(e.Sample) == 0 {
		t.Fatalf("Entry() = %+v", e)
	}
	got, err := fs.ReadFile(e.Recording, path.Base(WARC))
	if err != nil {
		t.Fatal(err)
	}
	disk, err := os.ReadFile(WARC)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, disk) {
		t.Fatalf("embedded recording differs from %s", WARC)
	}
}
