package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// writers runs n trials of two writers publishing to one lake at once (an
// ingest adding every bundled source to a seed-only lake, and a compaction)
// while two readers run `sql` counts in a loop. Every read must succeed,
// both writers must finish (one waits for the other's lock), and the lake
// must end with the reference's keys.
func (t *torture) writers(n int) error {
	if n == 0 {
		return nil
	}
	dir := filepath.Join(t.work, "writers")
	base := filepath.Join(dir, "base")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return err
	}
	if r := t.gw(dir, 5*time.Minute, "ingest", "--source", "seed", "--lake", base); r.code != 0 {
		return fmt.Errorf("seed lake: exit %d: %s", r.code, oneLine(r.stderr))
	}
	// Lakes are made in place, not copied: an adopted lake's Iceberg
	// tables name their files by absolute path (data/iceberg.ErrMoved).
	seedLake := func(lake string) error {
		if err := os.RemoveAll(lake); err != nil {
			return err
		}
		if r := t.gw(dir, 5*time.Minute, "ingest", "--source", "seed", "--lake", lake); r.code != 0 {
			return fmt.Errorf("seed lake %s: exit %d: %s", lake, r.code, oneLine(r.stderr))
		}
		return nil
	}
	ref := filepath.Join(dir, "ref")
	if err := seedLake(ref); err != nil {
		return err
	}
	if r := t.gw(dir, 5*time.Minute, "ingest", "--demo", "--lake", ref); r.code != 0 {
		return fmt.Errorf("reference lake: exit %d: %s", r.code, oneLine(r.stderr))
	}
	want, err := t.verify(dir, ref)
	if err != nil {
		return err
	}
	seedOnly, err := t.verify(dir, base)
	if err != nil {
		return err
	}
	// A read sees the lake before the ingest commits or after: the views'
	// keys, which compaction does not change.
	const query = "SELECT (SELECT count(*) FROM mau) + (SELECT count(*) FROM news) + (SELECT count(*) FROM services) AS n"
	sum := func(s lakeState) int64 { return s["mau"].Keys + s["news"].Keys + s["services"].Keys }
	valid := map[int64]bool{sum(seedOnly): true, sum(want): true}
	lake := filepath.Join(dir, "lake")
	for i := 0; i < n; i++ {
		t.c.WriterTrials++
		if err := seedLake(lake); err != nil {
			return err
		}
		writes := [][]string{
			{"ingest", "--demo", "--wait", "2m", "--lake", lake},
			{"lake", "compact", "--wait", "2m", "--lake", lake},
		}
		if t.rng.IntN(2) == 0 {
			writes[0], writes[1] = writes[1], writes[0]
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		stop := make(chan struct{})
		var writerErrs []string
		for _, args := range writes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := t.gw(dir, 3*time.Minute, args...)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case r.timedOut:
					t.c.Hangs++
					writerErrs = append(writerErrs, fmt.Sprintf("%s hung", args[0]))
				case panicked(r.stderr):
					t.c.Panics++
					writerErrs = append(writerErrs, fmt.Sprintf("%s panicked: %s", args[0], oneLine(r.stderr)))
				case r.code != 0:
					writerErrs = append(writerErrs, fmt.Sprintf("%v exit %d: %s", args[:2], r.code, oneLine(r.stderr)))
				}
			}()
		}
		var rg sync.WaitGroup
		for range 2 {
			rg.Add(1)
			go func() {
				defer rg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					r := t.gw(dir, time.Minute, "sql", "--json", "--lake", lake, query)
					mu.Lock()
					t.c.Reads++
					var got []struct{ N int64 }
					switch {
					case r.code != 0:
						t.c.FailedReads++
						fmt.Printf("torture: writer trial %d: read failed (exit %d): %s\n", i+1, r.code, oneLine(r.stderr))
					case json.Unmarshal(r.stdout, &got) != nil || len(got) != 1 || !valid[got[0].N]:
						t.c.WrongReads++
						fmt.Printf("torture: writer trial %d: read returned %s, want one of %v\n", i+1, oneLine(r.stdout), valid)
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(stop)
		rg.Wait()
		st, err := t.verify(dir, lake)
		switch {
		case err != nil:
			t.c.VerifyFailures++
			fmt.Printf("torture: writer trial %d: %v\n", i+1, err)
		case len(writerErrs) > 0:
			t.c.Unrecovered++
			fmt.Printf("torture: writer trial %d: %v\n", i+1, writerErrs)
		default:
			// Compaction may run before or after the ingest, so committed
			// row counts differ; the keys each view shows may not.
			for name, w := range want {
				if name == "runs" {
					continue
				}
				g := st[name]
				if g.Keys < w.Keys {
					t.c.Lost++
					fmt.Printf("torture: writer trial %d: %s has %d keys, want %d\n", i+1, name, g.Keys, w.Keys)
				}
				if g.Keys > w.Keys || g.Duplicates > 0 || g.Conflicts > 0 {
					t.c.Duplicated++
					fmt.Printf("torture: writer trial %d: %s has %d keys (want %d), %d duplicates, %d conflicts\n",
						i+1, name, g.Keys, w.Keys, g.Duplicates, g.Conflicts)
				}
			}
		}
		t.logf("writer trial %d: %s", i+1, st)
	}
	return nil
}
