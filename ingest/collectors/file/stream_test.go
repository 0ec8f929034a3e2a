package file

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// syntheticMAU is a SYNTHETIC monthly-user file of n rows for these tests
// (no real figure); bad maps a 1-based data row to the text of its value.
func syntheticMAU(n int, bad map[int]string) string {
	var b strings.Builder
	b.WriteString("platform_id,country,period,users\n")
	for i := 1; i <= n; i++ {
		v := fmt.Sprint(1000 + i)
		if t, ok := bad[i]; ok {
			v = t
		}
		fmt.Fprintf(&b, "synthetic%05d,KR,2021-01,%s\n", i, v)
	}
	return b.String()
}

// changingFS serves one file whose content differs from the second Open
// on, as a file rewritten in place during an import would.
type changingFS struct {
	fstest.MapFS
	opens   int
	then    string
	name    string
	changed bool
}

func (c *changingFS) Open(name string) (fs.File, error) {
	if name == c.name {
		c.opens++
		if c.opens > 1 {
			c.changed = true
			return fstest.MapFS{name: {Data: []byte(c.then)}}.Open(name)
		}
	}
	return c.MapFS.Open(name)
}

// streamCollector lands data.csv from fsys as mau, with a file citation.
func streamCollector(t *testing.T, fsys fs.FS, skip bool) *Collector {
	t.Helper()
	conf := `[sources.file]
[[sources.file.files]]
path = "data.csv"
dataset = "mau"
[sources.file.files.columns]
value = "users"
[sources.file.files.constants]
metric = "mau"
unit = "persons"
estimator = "company-reported"
source = "SYNTHETIC test data"
[sources.file.files.citation]
document = "SYNTHETIC test file, no real figure"
title = "SYNTHETIC"
publisher = "gwanmun tests"
accessed = "2026-12-01"
`
	if skip {
		conf = strings.Replace(conf, "[sources.file]\n", "[sources.file]\nskip_bad_rows = true\n", 1)
	}
	c, err := newCollector(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	c.sources[0].fsys = fsys
	return c
}

// A CSV file is read in two passes; the one bad row at its very end, after
// thousands of good ones, still lands nothing, and the error names it.
func TestStreamedBadLastRowLandsNothing(t *testing.T) {
	const n = 5000
	fsys := fstest.MapFS{"data.csv": {Data: []byte(syntheticMAU(n, map[int]string{n: "lots"}))}}
	rows, _, err := collect(t, streamCollector(t, fsys, false))
	if len(rows) != 0 {
		t.Fatalf("%d rows of a bad file landed", len(rows))
	}
	want := `data.csv: 1 bad row(s), nothing of the file landed`
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), fmt.Sprintf(`data.csv:%d:27: value "lots": not a number`, n+1)) {
		t.Fatalf("error %v; want %q and the row's line", err, want)
	}
	rows, s, err := collect(t, streamCollector(t, fsys, true))
	if err != nil || len(rows) != n-1 || len(s.Errors()) != 1 {
		t.Fatalf("skip_bad_rows: %d rows, errors %q, %v; want %d rows and one error", len(rows), s.Errors(), err, n-1)
	}
	for _, r := range rows {
		if got := r.Prov().ContentSHA256; len(got) != 64 {
			t.Fatalf("content_sha256 %q: the rows must carry the file's hash", got)
		}
	}
}

// Many bad rows: all are counted, the first maxErrors listed.
func TestStreamedManyBadRowsAreCounted(t *testing.T) {
	bad := map[int]string{}
	for i := 10; i < 10+maxErrors+5; i++ {
		bad[i] = "-"
	}
	fsys := fstest.MapFS{"data.csv": {Data: []byte(syntheticMAU(100, bad))}}
	_, _, err := collect(t, streamCollector(t, fsys, false))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d bad row(s)", maxErrors+5)) || !strings.Contains(err.Error(), "... and 5 more") {
		t.Fatalf("error %v", err)
	}
	if got := strings.Count(err.Error(), "not a number"); got != maxErrors {
		t.Fatalf("%d rows listed, want %d", got, maxErrors)
	}
}

// The same key twice with different values is found by the first pass.
func TestStreamedConflictingKeyLandsNothing(t *testing.T) {
	text := syntheticMAU(3, nil) + "synthetic00002,KR,2021-01,7\n"
	fsys := fstest.MapFS{"data.csv": {Data: []byte(text)}}
	rows, _, err := collect(t, streamCollector(t, fsys, false))
	if len(rows) != 0 || err == nil || !strings.Contains(err.Error(), "data.csv:5: same mau key as line 3 with different values") {
		t.Fatalf("%d rows, error %v", len(rows), err)
	}
	// An exact copy of a row is not a conflict.
	fsys = fstest.MapFS{"data.csv": {Data: []byte(syntheticMAU(3, nil) + "synthetic00002,KR,2021-01,1002\n")}}
	if rows, _, err := collect(t, streamCollector(t, fsys, false)); err != nil || len(rows) != 3 {
		t.Fatalf("exact copy: %d rows, %v; want 3 (the session drops the copy)", len(rows), err)
	}
}

// A file rewritten between the passes is an error naming both hashes.
func TestStreamedFileChangedWhileRead(t *testing.T) {
	first := syntheticMAU(50, nil)
	fsys := &changingFS{MapFS: fstest.MapFS{"data.csv": {Data: []byte(first)}}, name: "data.csv", then: syntheticMAU(51, nil)}
	_, _, err := collect(t, streamCollector(t, fsys, false))
	if !fsys.changed || err == nil || !strings.Contains(err.Error(), "data.csv changed while it was read") {
		t.Fatalf("error %v", err)
	}
}

// The streamed rows are the rows the whole-file path gives for the same
// file (the JSON Lines path still reads it whole).
func TestStreamedRowsEqualWholeFileRows(t *testing.T) {
	text := syntheticMAU(300, nil)
	fsys := fstest.MapFS{"data.csv": {Data: []byte(text)}}
	streamed, _, err := collect(t, streamCollector(t, fsys, false))
	if err != nil {
		t.Fatal(err)
	}
	c := streamCollector(t, fsys, false)
	whole, bad, err := c.load(t.Context(), c.sources[0])
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	if len(streamed) != len(whole) {
		t.Fatalf("%d streamed rows, %d whole", len(streamed), len(whole))
	}
	ds, _ := schema.Lookup("mau")
	k := lakestore.NewKeyer(ds)
	for i := range whole {
		a, b := *streamed[i].(*schema.MAU), *whole[i].(*schema.MAU)
		a.Provenance.RunID, a.Provenance.Collector, a.Provenance.CollectorVersion, a.Provenance.Evidence = "", "", "", ""
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("row %d (%s) differs:\nstreamed %+v\nwhole    %+v", i, k.Key(&b), a, b)
		}
	}
}
