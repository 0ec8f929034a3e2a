package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/seed"
)

// contents is every visible row of every dataset but the ledger, as JSON
// without the run id, sorted: two lakes with equal contents hold the same
// rows, each as many times.
func contents(t testing.TB, dir string) map[string][]string {
	t.Helper()
	files, err := lakestore.VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for name, paths := range files {
		if name == "runs" {
			continue
		}
		ds, _ := schema.Lookup(name)
		for _, p := range paths {
			rows, err := lakestore.ReadRows(p, ds)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				r.Prov().RunID = ""
				b, _ := json.Marshal(r)
				out[name] = append(out[name], string(b))
			}
		}
		sort.Strings(out[name])
	}
	return out
}

func sameContents(t *testing.T, got, want map[string][]string) {
	t.Helper()
	for _, ds := range schema.Datasets() {
		g, w := got[ds.Name], want[ds.Name]
		if strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Errorf("dataset %s: %d rows, want %d (or the rows differ)", ds.Name, len(g), len(w))
		}
	}
}

func seedRunner(dir string, now time.Time) *ingest.Runner {
	return &ingest.Runner{LakeDir: dir, Mode: ingest.Replay, Now: func() time.Time { return now }}
}

func seedCollectors() []ingest.Collector {
	return []ingest.Collector{seed.NewFS(data.Seed, "seed")}
}

func TestSeedIngestTwiceLeavesTheLakeUnchanged(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)
	first, err := seedRunner(dir, t0).Run(context.Background(), seedCollectors())
	if err != nil || first.Status != ingest.StatusOK || first.FilesWritten == 0 {
		t.Fatalf("first run: %+v, %v", first, err)
	}
	once := contents(t, dir)
	second, err := seedRunner(dir, t0.Add(time.Hour)).Run(context.Background(), seedCollectors())
	if err != nil || second.Status != ingest.StatusOK {
		t.Fatalf("second run: %+v, %v", second, err)
	}
	if second.FilesWritten != 0 || second.RowsWritten != 0 || second.FilesSkipped != first.FilesWritten {
		t.Fatalf("second run wrote %d files (%d rows), skipped %d; want 0, 0, %d",
			second.FilesWritten, second.RowsWritten, second.FilesSkipped, first.FilesWritten)
	}
	sameContents(t, contents(t, dir), once)
	// The ledger still records both runs.
	last, err := lakestore.LastCompleted(dir, []string{"seed"})
	if err != nil || last["seed"].RunID != second.RunID {
		t.Fatalf("last completed seed run = %+v, %v; want %s", last["seed"], err, second.RunID)
	}
	if rep, err := lakestore.Verify(dir); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}

func TestIfOlderThanCatchesUpOnlyWhenDue(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)
	if _, err := seedRunner(dir, t0).Run(context.Background(), seedCollectors()); err != nil {
		t.Fatal(err)
	}
	ms, _ := lakestore.ReadManifests(dir)
	r := seedRunner(dir, t0.Add(23*time.Hour))
	r.IfOlderThan = 24 * time.Hour
	sum, err := r.Run(context.Background(), seedCollectors())
	if err != nil || sum.Status != ingest.StatusUpToDate || sum.Collectors[0].LastCompleted == nil {
		t.Fatalf("run within the interval: %+v, %v; want up-to-date", sum, err)
	}
	if after, _ := lakestore.ReadManifests(dir); len(after) != len(ms) {
		t.Fatal("an up-to-date run committed something")
	}
	r = seedRunner(dir, t0.Add(25*time.Hour))
	r.IfOlderThan = 24 * time.Hour
	sum, err = r.Run(context.Background(), seedCollectors())
	if err != nil || sum.Status != ingest.StatusOK || sum.Collectors[0].Status != ingest.StatusOK {
		t.Fatalf("overdue run: %+v, %v; want it to run", sum, err)
	}
}

func TestLockedRunIsSkippedWithTheHolder(t *testing.T) {
	dir := t.TempDir()
	holder, err := lakestore.Open(dir, "holder", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	sum, err := seedRunner(dir, time.Now()).Run(context.Background(), seedCollectors())
	if !errors.Is(err, lakestore.ErrLocked) || sum.Status != ingest.StatusSkipped || sum.Holder == nil || sum.Holder.RunID != "holder" {
		t.Fatalf("locked run: %+v, %v", sum, err)
	}
}

func TestInterruptedRunLeavesTheLakeAsItWas(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sum, err := seedRunner(dir, time.Now()).Run(ctx, seedCollectors())
	if !errors.Is(err, context.Canceled) || sum.Status != ingest.StatusInterrupted {
		t.Fatalf("cancelled run: %+v, %v", sum, err)
	}
	if ms, _ := lakestore.ReadManifests(dir); len(ms) != 0 {
		t.Fatalf("a cancelled run committed %d manifests", len(ms))
	}
}

func TestASmallBufferWritesTheSameRowsAndFiles(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)
	big, small := t.TempDir(), t.TempDir()
	a, err := seedRunner(big, t0).Run(context.Background(), seedCollectors())
	if err != nil {
		t.Fatal(err)
	}
	r := seedRunner(small, t0)
	r.BufferRows = 7 // far fewer than the seed's rows in any partition
	b, err := r.Run(context.Background(), seedCollectors())
	if err != nil {
		t.Fatal(err)
	}
	if a.FilesWritten != b.FilesWritten || a.RowsWritten != b.RowsWritten {
		t.Fatalf("budget 7: %d files, %d rows; default budget: %d files, %d rows",
			b.FilesWritten, b.RowsWritten, a.FilesWritten, a.RowsWritten)
	}
	sameContents(t, contents(t, small), contents(t, big))
}
