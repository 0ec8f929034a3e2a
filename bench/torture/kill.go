package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// dsCount is what `lake verify --json` says of one dataset: committed
// rows, distinct natural keys (the rows its view shows), and the two
// kinds of damage.
type dsCount struct {
	Rows       int64 `json:"rows"`
	Keys       int64 `json:"keys"`
	Duplicates int64 `json:"duplicates"`
	Conflicts  int64 `json:"conflicts"`
}

type lakeState map[string]dsCount

func (s lakeState) String() string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s=%d/%d ", n, s[n].Rows, s[n].Keys)
	}
	return strings.TrimSpace(b.String())
}

// equal compares two states on the given datasets (all when nil); a
// dataset missing on one side counts as empty.
func (s lakeState) equal(o lakeState, skip ...string) bool {
	seen := map[string]bool{}
	for _, k := range skip {
		seen[k] = true
	}
	for _, m := range []lakeState{s, o} {
		for n := range m {
			if !seen[n] && s[n] != o[n] {
				return false
			}
		}
	}
	return true
}

// verify runs `lake verify --json`; a non-zero exit or a problem it lists
// is an error.
func (t *torture) verify(dir, lake string) (lakeState, error) {
	r := t.gw(dir, 2*time.Minute, "lake", "verify", "--json", "--lake", lake)
	var out struct {
		Datasets []struct {
			Dataset string `json:"dataset"`
			dsCount
		} `json:"datasets"`
		Problems []json.RawMessage `json:"problems"`
	}
	if err := json.Unmarshal(r.stdout, &out); err != nil || r.code != 0 || len(out.Problems) > 0 {
		return nil, fmt.Errorf("lake verify exit %d, %d problems: %s %s", r.code, len(out.Problems), oneLine(r.stdout), oneLine(r.stderr))
	}
	st := lakeState{}
	for _, d := range out.Datasets {
		st[d.Dataset] = d.dsCount
	}
	return st, nil
}

// killKind is one command the trials kill: it runs on a lake prepared by
// reset, and must leave it as before or as after.
type killKind struct {
	name   string
	args   func(lake, out string) []string
	reset  func(lake string) error
	before lakeState
	after  lakeState
	// window bounds the random kill delay: the command's lake-writing time.
	window time.Duration
}

func (t *torture) kills(n int) error {
	if n == 0 {
		return nil
	}
	dir := filepath.Join(t.work, "kill")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	empty := func(lake string) error {
		if err := os.RemoveAll(lake); err != nil {
			return err
		}
		return os.MkdirAll(lake, 0o755)
	}
	ingestArgs := func(lake, _ string) []string { return []string{"ingest", "--demo", "--lake", lake} }
	runArgs := func(lake, out string) []string {
		return []string{"run", "--lake", lake, "-o", filepath.Join(out, "report"), "--results", filepath.Join(out, "results"), "--notebooks", ""}
	}
	compactArgs := func(lake, _ string) []string { return []string{"lake", "compact", "--lake", lake} }

	// Clean references: each command run to the end once.
	refIngest := filepath.Join(dir, "ref-ingest")
	if err := empty(refIngest); err != nil {
		return err
	}
	ri := t.gw(dir, 5*time.Minute, ingestArgs(refIngest, "")...)
	if ri.code != 0 {
		return fmt.Errorf("reference ingest: exit %d: %s", ri.code, oneLine(ri.stderr))
	}
	afterIngest, err := t.verify(dir, refIngest)
	if err != nil {
		return fmt.Errorf("reference ingest: %w", err)
	}
	refRun := filepath.Join(dir, "ref-run")
	if err := empty(refRun); err != nil {
		return err
	}
	rr := t.gw(dir, 10*time.Minute, runArgs(refRun, filepath.Join(dir, "ref-run-out"))...)
	if rr.code != 0 {
		return fmt.Errorf("reference run: exit %d: %s", rr.code, oneLine(rr.stderr))
	}
	afterRun, err := t.verify(dir, refRun)
	if err != nil {
		return fmt.Errorf("reference run: %w", err)
	}
	// Lakes are made in place, not copied: an adopted lake's Iceberg
	// tables name their files by absolute path (data/iceberg.ErrMoved).
	ingested := func(lake string) error {
		if err := empty(lake); err != nil {
			return err
		}
		if r := t.gw(dir, 5*time.Minute, ingestArgs(lake, "")...); r.code != 0 {
			return fmt.Errorf("ingest into %s: exit %d: %s", lake, r.code, oneLine(r.stderr))
		}
		return nil
	}
	refCompact := filepath.Join(dir, "ref-compact")
	if err := ingested(refCompact); err != nil {
		return err
	}
	rc := t.gw(dir, 5*time.Minute, compactArgs(refCompact, "")...)
	if rc.code != 0 {
		return fmt.Errorf("reference compact: exit %d: %s", rc.code, oneLine(rc.stderr))
	}
	afterCompact, err := t.verify(dir, refCompact)
	if err != nil {
		return fmt.Errorf("reference compact: %w", err)
	}
	fmt.Printf("torture: reference lakes: ingest %s in %s; run %s in %s; compact %s in %s\n",
		afterIngest, ri.elapsed.Round(time.Millisecond), afterRun, rr.elapsed.Round(time.Millisecond),
		afterCompact, rc.elapsed.Round(time.Millisecond))

	kinds := []*killKind{
		{name: "ingest", args: ingestArgs, reset: empty, before: lakeState{}, after: afterIngest, window: ri.elapsed},
		// run writes the lake first, then analyses and the report: the
		// kills land in its ingest and the start of the analyses.
		{name: "run", args: runArgs, reset: empty, before: lakeState{}, after: afterRun, window: 2*ri.elapsed + time.Second},
		{name: "lake compact", args: compactArgs, reset: ingested,
			before: afterIngest, after: afterCompact, window: rc.elapsed},
	}
	share := []int{n * 2 / 5, n * 3 / 10}
	share = append(share, n-share[0]-share[1])
	for i, k := range kinds {
		if err := t.killTrials(dir, k, share[i]); err != nil {
			return err
		}
	}
	return nil
}

// killTrials kills k's command n times on one lake. A trial that leaves
// the lake as before is followed by another on the same lake, so each kill
// also tests recovering from the previous one (stale lock, staging debris);
// a lake that reached "after" is reset. The last step runs the command to
// the end and expects exactly the reference.
func (t *torture) killTrials(dir string, k *killKind, n int) error {
	lake := filepath.Join(dir, "trial-"+strings.ReplaceAll(k.name, " ", "-"))
	out := lake + "-out"
	if err := k.reset(lake); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		t.c.KillTrials++
		delay := time.Duration(t.rng.Int64N(int64(k.window) + 1))
		cmd := exec.Command(t.bin, k.args(lake, out)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GWANMUN_LAKE=")
		if err := cmd.Start(); err != nil {
			return err
		}
		// The exit status says nothing here: verify judges the lake.
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		killed := false
		select {
		case <-done:
		case <-time.After(delay):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed = true
			t.c.KillsDelivered++
		}
		st, err := t.verify(dir, lake)
		if err != nil && len(k.before) == 0 && neverALake(lake) {
			// Killed before its first run took the lock: the folder is
			// still the empty one it was, which is not a lake yet (the
			// CLI says so, exit 2), i.e. the lake before the command.
			st, err = lakeState{}, nil
			t.c.KilledBeforeLake++
		}
		if err != nil {
			t.c.VerifyFailures++
			fmt.Printf("torture: %s trial %d (kill after %s): %v\n", k.name, i+1, delay, err)
			if err := k.reset(lake); err != nil {
				return err
			}
			continue
		}
		t.logf("%s trial %d: killed=%v after %s: %s", k.name, i+1, killed, delay.Round(time.Millisecond), st)
		switch {
		case st.equal(k.after):
			if err := k.reset(lake); err != nil {
				return err
			}
		case st.equal(k.before):
		default:
			t.judge(k, i+1, delay, st)
			if err := k.reset(lake); err != nil {
				return err
			}
		}
	}
	// Recovery: whatever the last kill left, one full run reaches "after".
	r := t.gw(dir, 10*time.Minute, k.args(lake, out)...)
	st, err := t.verify(dir, lake)
	if r.code != 0 || err != nil || !st.equal(k.after) {
		t.c.Unrecovered++
		fmt.Printf("torture: %s: the run after the last kill exit %d, lake %s (want %s), verify %v: %s\n",
			k.name, r.code, st, k.after, err, oneLine(r.stderr))
	}
	return nil
}

// judge classifies a lake that is neither before nor after.
func (t *torture) judge(k *killKind, trial int, delay time.Duration, st lakeState) {
	lost, dup := false, false
	for name, want := range k.after {
		got := st[name]
		lo := min(want.Keys, k.before[name].Keys)
		if got.Keys < lo || (got.Keys < want.Keys && got.Keys != k.before[name].Keys) {
			lost = true
		}
		if got.Duplicates > 0 || got.Conflicts > 0 || got.Rows > max(want.Rows, k.before[name].Rows) {
			dup = true
		}
	}
	if !lost && !dup {
		lost = true // a state between the two is a partial commit: rows missing from one side
	}
	if lost {
		t.c.Lost++
	}
	if dup {
		t.c.Duplicated++
	}
	fmt.Printf("torture: %s trial %d (kill after %s): lake %s is neither before (%s) nor after (%s)\n",
		k.name, trial, delay, st, k.before, k.after)
}

// neverALake reports whether a killed first run left its lake folder as
// it found it, empty, or with only the hidden write probe the kill cut
// short: nothing of a lake (manifests, lock, staging) was made yet.
func neverALake(lake string) bool {
	entries, err := os.ReadDir(lake)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".probe-") {
			return false
		}
	}
	return true
}
