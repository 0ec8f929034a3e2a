package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create a database per trial

	icb "github.com/gwanmun/gwanmun/data/iceberg"
	"github.com/gwanmun/gwanmun/data/lakestore"
)

var (
	icebergKills   = flag.Int("iceberg-kills", 20, "kill -9 trials of ingest and compaction committing through a PostgreSQL Iceberg catalog")
	icebergWriters = flag.Int("iceberg-writers", 10, "trials of two writers (two lakes) committing to one PostgreSQL Iceberg catalog at once")
)

// icebergCounts is the Iceberg phase's part of the report.
type icebergCounts struct {
	KillTrials int `json:"kill_trials"`
	// KillsLanded: trials whose kill came before the command finished.
	KillsLanded  int `json:"kills_landed"`
	WriterTrials int `json:"writer_trials"`
	// Mismatches: a table's current snapshot does not hold the rows the
	// lake's manifests name; Doubled: a run registered twice.
	Mismatches int `json:"mismatches"`
	Doubled    int `json:"doubled"`
	Unreadable int `json:"unreadable"`
}

func (c icebergCounts) failures() int { return c.Mismatches + c.Doubled + c.Unreadable }

// icebergPhase starts a throw-away PostgreSQL, then runs the kill and
// the two-writer trials against it.
func (t *torture) icebergPhase() error {
	if *icebergKills == 0 && *icebergWriters == 0 {
		return nil
	}
	bin := icb.PostgresBin()
	if bin == "" {
		return fmt.Errorf("initdb/pg_ctl not found: install Debian's postgresql (scripts/setup-machine.sh), or pass -iceberg-kills 0 -iceberg-writers 0")
	}
	pg, err := icb.StartTestPostgres(bin)
	if err != nil {
		return err
	}
	defer pg.Stop()
	admin, err := sql.Open("pgx", pg.URL)
	if err != nil {
		return err
	}
	defer admin.Close()
	newDB := func(name string) (string, error) {
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			return "", fmt.Errorf("create database %s: %w", name, err)
		}
		return strings.Replace(pg.URL, "/postgres?", "/"+name+"?", 1), nil
	}
	if err := t.icebergKillTrials(newDB); err != nil {
		return err
	}
	return t.icebergWriterTrials(newDB)
}

// icebergConfig writes a sources file naming the catalog and warehouse.
func icebergConfig(dir, catalog, warehouse string) (string, error) {
	p := filepath.Join(dir, "sources.toml")
	body := fmt.Sprintf("[iceberg]\ncatalog = %q\nwarehouse = %q\n", catalog, warehouse)
	return p, os.WriteFile(p, []byte(body), 0o644)
}

// icebergKillTrials kills ingest (seed, then the demo recordings) and
// compaction at a random moment, Iceberg registration included, then
// lets `iceberg sync` finish what the kill left: every table's current
// snapshot must hold exactly the rows the lake's manifests name, with no
// run registered twice. The lake is reused from trial to trial.
func (t *torture) icebergKillTrials(newDB func(string) (string, error)) error {
	n := *icebergKills
	if n == 0 {
		return nil
	}
	dir := filepath.Join(t.work, "iceberg-kill")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	url, err := newDB("kills")
	if err != nil {
		return err
	}
	cfg, err := icebergConfig(dir, url, filepath.Join(dir, "warehouse"))
	if err != nil {
		return err
	}
	lake := filepath.Join(dir, "lake")
	commands := [][]string{
		{"ingest", "--source", "seed"},
		{"ingest", "--demo"},
		{"lake", "compact"},
	}
	// The kill delay is drawn in [0, window): window is how long the
	// command really takes in the state the trials run it in. Each
	// command is run undisturbed twice and the second run is timed (the
	// first, on a fresh lake and catalog, does more than any trial: the
	// seed's first ingest, the first compaction, creating the tables);
	// a trial whose command finished before its kill times it again.
	window := map[int]time.Duration{}
	for i, c := range commands {
		for range 2 {
			r := t.gw(dir, 5*time.Minute, append([]string{"--config", cfg, "--lake", lake}, c...)...)
			if r.code != 0 && r.code != 3 {
				return fmt.Errorf("reference %v: exit %d: %s", c, r.code, oneLine(r.stderr))
			}
			window[i] = r.elapsed
		}
	}
	ref, err := t.verify(dir, lake)
	if err != nil {
		return fmt.Errorf("reference lake: %w", err)
	}
	for trial := 0; trial < n; trial++ {
		k := trial % len(commands)
		delay := time.Duration(t.rng.Int64N(int64(max(window[k], time.Millisecond))))
		ctx, cancel := context.WithTimeout(context.Background(), delay)
		r := t.gwCtx(ctx, dir, append([]string{"--config", cfg, "--lake", lake}, commands[k]...)...)
		cancel()
		if r.code == -9 {
			t.c.Iceberg.KillsLanded++
		} else if r.elapsed > 0 {
			window[k] = r.elapsed
		}
		t.c.Iceberg.KillTrials++
		if panicked(r.stderr) {
			t.c.Panics++
		}
		if s := t.gw(dir, 5*time.Minute, "--config", cfg, "--lake", lake, "iceberg", "sync", "--json"); s.code != 0 {
			t.c.Unrecovered++
			t.logf("iceberg kill %d (%v after %s): sync exit %d: %s", trial, commands[k], delay, s.code, oneLine(s.stderr))
			continue
		}
		t.checkIceberg(fmt.Sprintf("kill %d (%v after %s)", trial, commands[k], delay), dir, cfg, lake, ref)
	}
	return nil
}

// icebergWriterTrials runs two ingests, each from its own lake folder
// (two machines), committing to one catalog's log and one warehouse at
// once; both folders must read the same rows, which must be what one
// writer alone lands, and every run must be in the tables once.
func (t *torture) icebergWriterTrials(newDB func(string) (string, error)) error {
	if *icebergWriters == 0 {
		return nil
	}
	ref, err := t.soloReference(newDB)
	if err != nil {
		return err
	}
	for trial := 0; trial < *icebergWriters; trial++ {
		dir := filepath.Join(t.work, "iceberg-writers", strconv.Itoa(trial))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		url, err := newDB(fmt.Sprintf("writers%d", trial))
		if err != nil {
			return err
		}
		cfg, err := icebergConfig(dir, url, filepath.Join(dir, "warehouse"))
		if err != nil {
			return err
		}
		lakes := []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}
		// Both lakes get the seed first, then both ingest the demo at
		// once: their registrations race on every table.
		for _, l := range lakes {
			if r := t.gw(dir, 5*time.Minute, "--config", cfg, "--lake", l, "ingest", "--source", "seed"); r.code != 0 {
				return fmt.Errorf("writers %d: seed: exit %d: %s", trial, r.code, oneLine(r.stderr))
			}
		}
		var wg sync.WaitGroup
		res := make([]result, len(lakes))
		for i, l := range lakes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i] = t.gw(dir, 5*time.Minute, "--config", cfg, "--lake", l, "ingest", "--demo")
			}()
		}
		wg.Wait()
		t.c.Iceberg.WriterTrials++
		for i, r := range res {
			if panicked(r.stderr) {
				t.c.Panics++
			}
			if r.code != 0 && r.code != 3 {
				t.c.Unrecovered++
				t.logf("writers %d: lake %s: ingest exit %d", trial, lakes[i], r.code)
			}
			// Registration is not re-run here: the tables must already
			// hold both lakes' runs, conflicts retried.
			if strings.Contains(string(r.stderr), "Iceberg tables are behind") {
				t.c.Unrecovered++
				t.logf("writers %d: lake %s: registration gave up: %s", trial, lakes[i], oneLine(r.stderr))
			}
		}
		t.checkIcebergShared(fmt.Sprintf("writers %d", trial), dir, cfg, lakes, ref)
	}
	return nil
}

// soloReference is what one writer alone lands: the seed, then the demo.
func (t *torture) soloReference(newDB func(string) (string, error)) (lakeState, error) {
	dir := filepath.Join(t.work, "iceberg-writers", "solo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	url, err := newDB("solo")
	if err != nil {
		return nil, err
	}
	cfg, err := icebergConfig(dir, url, filepath.Join(dir, "warehouse"))
	if err != nil {
		return nil, err
	}
	lake := filepath.Join(dir, "lake")
	for _, args := range [][]string{{"ingest", "--source", "seed"}, {"ingest", "--demo"}} {
		if r := t.gw(dir, 5*time.Minute, append([]string{"--config", cfg, "--lake", lake}, args...)...); r.code != 0 && r.code != 3 {
			return nil, fmt.Errorf("solo writer %v: exit %d: %s", args, r.code, oneLine(r.stderr))
		}
	}
	return t.verify(dir, lake)
}

// snapshotRow is one line of `iceberg snapshots --json`.
type snapshotRow struct {
	Table   string `json:"table"`
	RunID   string `json:"run_id"`
	Current bool   `json:"current"`
	Rows    string `json:"total_records"`
}

func (t *torture) snapshots(dir, cfg, lake string) ([]snapshotRow, bool) {
	r := t.gw(dir, 2*time.Minute, "--config", cfg, "--lake", lake, "iceberg", "snapshots", "--json")
	var out []snapshotRow
	if r.code != 0 || json.Unmarshal(r.stdout, &out) != nil {
		t.c.Iceberg.Unreadable++
		t.logf("iceberg snapshots exit %d: %s", r.code, oneLine(r.stderr))
		return nil, false
	}
	return out, true
}

// checkIceberg compares one lake with the tables.
func (t *torture) checkIceberg(label, dir, cfg, lake string, ref lakeState) {
	t.checkIcebergShared(label, dir, cfg, []string{lake}, ref)
}

// checkIcebergShared: every lake folder sharing the catalog reads the
// same rows from the one commit log (lake verify), each table's current
// snapshot holds exactly those rows, every committed run that touched a
// table is registered in it at most once, no lake still keeps a
// `_manifests/` log of its own, and every dataset but the runs ledger
// holds what one undisturbed writer lands (ref): nothing lost, nothing
// twice.
func (t *torture) checkIcebergShared(label, dir, cfg string, lakes []string, ref lakeState) {
	var want map[string]int64
	runs := map[string]bool{}
	for _, l := range lakes {
		st, err := t.verify(dir, l)
		if err != nil {
			t.c.VerifyFailures++
			t.logf("%s: %v", label, err)
			return
		}
		rows := map[string]int64{}
		for ds, c := range st {
			rows[ds] = c.Rows
		}
		if want == nil {
			want = rows
		} else if !maps.Equal(want, rows) {
			t.c.Iceberg.Mismatches++
			t.logf("%s: lake %s reads %v, lake %s %v", label, lakes[0], want, l, rows)
		}
		if _, err := os.Stat(filepath.Join(l, lakestore.ManifestDir)); err == nil {
			t.c.Iceberg.Mismatches++
			t.logf("%s: lake %s keeps a %s folder beside the Iceberg log", label, l, lakestore.ManifestDir)
		}
		ms, err := lakestore.ReadManifests(l)
		if err != nil {
			t.c.Iceberg.Unreadable++
			t.logf("%s: read the commit log of %s: %v", label, l, err)
			return
		}
		for _, m := range ms {
			runs[m.RunID] = true
		}
	}
	for ds, c := range ref {
		if ds == "runs" {
			continue
		}
		switch got := want[ds]; {
		case got < c.Rows:
			t.c.Lost++
			t.logf("%s: %s holds %d rows, one undisturbed writer lands %d", label, ds, got, c.Rows)
		case got > c.Rows:
			t.c.Duplicated++
			t.logf("%s: %s holds %d rows, one undisturbed writer lands %d", label, ds, got, c.Rows)
		}
	}
	snaps, ok := t.snapshots(dir, cfg, lakes[0])
	if !ok {
		return
	}
	got := map[string]int64{}
	seen := map[string]int{}
	for _, s := range snaps {
		if s.Current {
			got[s.Table], _ = strconv.ParseInt(s.Rows, 10, 64)
		}
		seen[s.Table+" "+s.RunID]++
		if !runs[s.RunID] {
			t.c.Iceberg.Mismatches++
			t.logf("%s: table %s has a snapshot of run %s, which no lake committed", label, s.Table, s.RunID)
		}
	}
	for key, n := range seen {
		if n > 1 {
			t.c.Iceberg.Doubled++
			t.logf("%s: %s registered %d times", label, key, n)
		}
	}
	for ds, n := range want {
		if got[ds] != n {
			t.c.Iceberg.Mismatches++
			t.logf("%s: table %s holds %d rows, the lake(s) %d", label, ds, got[ds], n)
		}
	}
	for _, l := range lakes {
		if r := t.gw(dir, 2*time.Minute, "--config", cfg, "--lake", l, "sql", "SELECT count(*) FROM news_all"); r.code != 0 {
			t.c.FailedReads++
			t.logf("%s: sql on %s: exit %d: %s", label, l, r.code, oneLine(r.stderr))
		}
	}
}

// gwCtx runs the binary until ctx ends, then kills it with SIGKILL.
func (t *torture) gwCtx(ctx context.Context, dir string, args ...string) result {
	done := make(chan result, 1)
	cmd := exec.Command(t.bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GWANMUN_LAKE=")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{code: -1, stderr: []byte(err.Error())}
	}
	go func() {
		_ = cmd.Wait()
		done <- result{code: cmd.ProcessState.ExitCode(), elapsed: time.Since(start)}
	}()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		_ = cmd.Process.Kill() // SIGKILL
		r := <-done
		t.c.KillsDelivered++
		r.code = -9
		return r
	}
}
