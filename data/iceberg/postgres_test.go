package iceberg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/gwanmun/gwanmun/data/lakestore"
)

// startPostgres starts a throw-away cluster for one test. Without
// PostgreSQL installed the test skips, except in CI, where it must run.
func startPostgres(t *testing.T) *TestPostgres {
	t.Helper()
	bin := PostgresBin()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("initdb/pg_ctl not found and CI is set: install Debian's postgresql (scripts/setup-machine.sh does)")
		}
		t.Skip("initdb/pg_ctl not found: install Debian's postgresql (scripts/setup-machine.sh does) to run the PostgreSQL catalog tests")
	}
	pg, err := StartTestPostgres(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := pg.Stop(); err != nil {
			t.Error(err)
		}
	})
	return pg
}

// TestPostgresTwoWriters: two processes, each with its own lake folder
// (two machines), commit runs to one commit log (the _runs table of one
// PostgreSQL catalog) and one warehouse at the same time. Every run of
// both is in the log exactly once, both lake folders read every run's
// rows, the same rows ingested by both land once, and the dataset tables
// hold each run once: a commit that lost the race rebased and tried again.
func TestPostgresTwoWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	pg := startPostgres(t)
	wh := t.TempDir()
	const runs = 4
	var wg sync.WaitGroup
	lakes := []string{t.TempDir(), t.TempDir()}
	errs := make([]error, len(lakes))
	for i, lake := range lakes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresWriterHelper$")
			cmd.Env = append(os.Environ(), "GWANMUN_PG_WRITER="+strconv.Itoa(i), "GWANMUN_PG_URL="+pg.URL,
				"GWANMUN_PG_LAKE="+lake, "GWANMUN_PG_WAREHOUSE="+wh, "GWANMUN_PG_RUNS="+strconv.Itoa(runs))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("writer %d: %w\n%s", i, err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	m, err := Open(ctx, lakes[0], Config{Catalog: pg.URL, Warehouse: wh}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tb, ok, err := m.Table(ctx, "mau")
	if err != nil || !ok {
		t.Fatalf("table mau: %v %v", ok, err)
	}
	seen := map[string]int{}
	for _, s := range tb.Metadata().Snapshots() {
		seen[s.Summary.Properties[PropRunID]]++
	}
	for w := range lakes {
		for r := 0; r < runs; r++ {
			if id := fmt.Sprintf("w%d-r%d", w, r); seen[id] != 1 {
				t.Errorf("run %s: %d snapshots, want 1", id, seen[id])
			}
		}
	}
	if seen["w0-same"]+seen["w1-same"] != 1 {
		t.Errorf("the rows both writers ingested: %d snapshots, want 1", seen["w0-same"]+seen["w1-same"])
	}
	n, sum := tableCount(t, ctx, tb)
	// Writer w, run r writes 2 rows with offsets 100*w + 10*r; both
	// writers then write the same 2 rows at offset 900.
	want := float64(1900 + 1901)
	for w := range lakes {
		for r := 0; r < runs; r++ {
			o := 100*w + 10*r
			want += float64(1000+o) + float64(1000+o+1)
		}
	}
	wantRows := int64(2*runs*len(lakes) + 2)
	if n != wantRows || sum != want {
		t.Fatalf("current snapshot: %d rows, sum %v; want %d rows, sum %v", n, sum, wantRows, want)
	}
	for _, lake := range lakes {
		ms, err := lakestore.ReadManifests(lake)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != runs*len(lakes)+1 {
			t.Errorf("lake %s reads %d runs from the log, want %d", lake, len(ms), runs*len(lakes)+1)
		}
		if n, s := visibleSum(t, lake); n != wantRows || s != want {
			t.Errorf("lake %s: %d rows, sum %v; want %d, %v", lake, n, s, wantRows, want)
		}
	}
}

// TestPostgresWriterHelper is one writer process of TestPostgresTwoWriters:
// each run is committed to its lake, then synced at once.
func TestPostgresWriterHelper(t *testing.T) {
	w := os.Getenv("GWANMUN_PG_WRITER")
	if w == "" {
		t.Skip("child process of TestPostgresTwoWriters")
	}
	runs, _ := strconv.Atoi(os.Getenv("GWANMUN_PG_RUNS"))
	lake := os.Getenv("GWANMUN_PG_LAKE")
	wi, _ := strconv.Atoi(w)
	ctx := context.Background()
	c := Config{Catalog: os.Getenv("GWANMUN_PG_URL"), Warehouse: os.Getenv("GWANMUN_PG_WAREHOUSE")}
	adopt(t, lake, c)
	m, err := Open(ctx, lake, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for r := 0; r < runs; r++ {
		writeRun(t, lake, fmt.Sprintf("w%d-r%d", wi, r), 2, 100*wi+10*r, 0)
		if _, err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	writeRun(t, lake, fmt.Sprintf("w%d-same", wi), 2, 900, 0)
	if _, err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(lake, Dir, "catalog.db")); err == nil {
		t.Fatal("a PostgreSQL catalog must not create the SQLite one")
	}
}
