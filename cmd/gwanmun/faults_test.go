package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
)

// TestKillNineIntegration kills `gwanmun ingest --source seed` with
// SIGKILL at 50 random moments in [0, a clean run's duration], spread
// over several lakes so kills land on empty lakes (mid-write) and on lakes
// a killed run already committed to (mid-ledger). Then a clean ingest on
// each lake must succeed and leave exactly the rows a clean run leaves —
// nothing lost, nothing twice — and `lake verify` must be clean.
func TestKillNineIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 60 processes")
	}
	const trials, lakes = 50, 10
	root := scratchDir(t)
	ref := filepath.Join(root, "ref")
	_ = gwanmun("--help").Run() // warm the page cache: time runs, not disk reads
	// A run on an empty lake writes every file; a rerun only its ledger
	// row. Each kill is drawn from the duration of the run it interrupts.
	var typical [2]time.Duration
	for i := range typical {
		start := time.Now()
		if out, err := gwanmun("--lake", ref, "ingest", "--source", "seed").CombinedOutput(); err != nil {
			t.Fatalf("clean run: %v\n%s", err, out)
		}
		typical[i] = time.Since(start)
	}
	want := lakeContents(t, ref)
	t.Logf("a clean run takes %v on an empty lake, %v on a loaded one; killing %d runs at random points in them", typical[0], typical[1], trials)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var killed, finished int
	for i := range trials {
		dir := filepath.Join(root, "lake", string(rune('a'+i%lakes)))
		window := typical[0]
		if ms, _ := lakestore.ReadManifests(dir); len(ms) > 0 {
			window = typical[1]
		}
		cmd := gwanmun("--lake", dir, "ingest", "--source", "seed")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(window) + 1)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		switch code := exitCodeOf(cmd.Wait()); code {
		case -1:
			killed++
		case exitOK:
			finished++
		default:
			t.Fatalf("trial %d exited %d before it was killed", i, code)
		}
	}
	t.Logf("%d runs killed, %d finished first", killed, finished)
	if killed < trials/5 {
		t.Errorf("only %d of %d runs were killed mid-run; the kill window is wrong", killed, trials)
	}
	// Where the kills landed, as the lakes show it before recovery.
	var committed, staged int
	for i := range lakes {
		dir := filepath.Join(root, "lake", string(rune('a'+i)))
		ms, _ := lakestore.ReadManifests(dir)
		committed += len(ms)
		if entries, _ := os.ReadDir(filepath.Join(dir, lakestore.StagingDir)); len(entries) > 0 {
			staged++
		}
	}
	t.Logf("before recovery: %d runs committed across %d lakes, %d lakes hold an interrupted run's staged files", committed, lakes, staged)
	for i := range lakes {
		dir := filepath.Join(root, "lake", string(rune('a'+i)))
		var stdout, stderr bytes.Buffer
		cmd := gwanmun("--lake", dir, "ingest", "--source", "seed")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("lake %s: the run after the kills failed: %v\n%s\n%s", dir, err, stdout.String(), stderr.String())
		}
		if s := summaryLine(t, stdout.String()); s["status"] != "ok" {
			t.Errorf("lake %s: status %v after the kills", dir, s["status"])
		}
		sameLakeContents(t, dir, lakeContents(t, dir), want)
		code, out, errs := runCLI(t, dir, "lake", "verify", "--json")
		if code != exitOK || !strings.Contains(out, `"problems": []`) {
			t.Errorf("lake %s: verify exit %d\n%s%s", dir, code, out, errs)
		}
	}
}

// TestConcurrentIngestsIntegration defines what two ingests started
// together do: without --wait exactly one runs and the other exits 4 with
// a "skipped" summary, unless the first finished before the second looked
// (then both run, the second writing nothing new); with --wait both run,
// one after the other. Either way the lake ends up as after one run.
func TestConcurrentIngestsIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	root := scratchDir(t)
	ref := filepath.Join(root, "ref")
	if out, err := gwanmun("--lake", ref, "ingest", "--source", "seed").CombinedOutput(); err != nil {
		t.Fatalf("clean run: %v\n%s", err, out)
	}
	want := lakeContents(t, ref)
	for _, wait := range []bool{false, true} {
		name := map[bool]string{false: "no-wait", true: "wait"}[wait]
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(root, name)
			args := []string{"--lake", dir, "ingest", "--source", "seed"}
			if wait {
				args = append(args, "--wait", "2m")
			}
			type proc struct {
				cmd *exec.Cmd
				out bytes.Buffer
			}
			procs := []*proc{{cmd: gwanmun(args...)}, {cmd: gwanmun(args...)}}
			for _, p := range procs {
				p.cmd.Stdout = &p.out
				if err := p.cmd.Start(); err != nil {
					t.Fatal(err)
				}
			}
			codes := map[int]int{}
			for _, p := range procs {
				code := exitCodeOf(p.cmd.Wait())
				codes[code]++
				sum := summaryLine(t, p.out.String())
				switch code {
				case exitOK:
					if sum["status"] != "ok" {
						t.Errorf("exit 0 with status %v", sum["status"])
					}
				case exitLocked:
					if sum["status"] != "skipped" || !strings.Contains(sum["error"].(string), "locked") {
						t.Errorf("exit 4 with summary %v", sum)
					}
				}
			}
			ok := codes[exitOK] == 2 || (!wait && codes[exitOK] == 1 && codes[exitLocked] == 1)
			if !ok {
				t.Fatalf("exit codes %v, want one 0 and one 4 (or two 0s)", codes)
			}
			t.Logf("exit codes %v", codes)
			sameLakeContents(t, name, lakeContents(t, dir), want)
			if rep, err := lakestore.Verify(dir); err != nil || !rep.OK() {
				t.Fatalf("verify: %v %v", err, rep.Problems)
			}
		})
	}
}

func TestLockedIngestPrintsSkippedAndExits4(t *testing.T) {
	dir := t.TempDir()
	holder, err := lakestore.Open(dir, "manual-run", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, stdout, stderr := runCLI(t, dir, "ingest", "--source", "seed")
	if code != exitLocked {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitLocked, stdout, stderr)
	}
	sum := summaryLine(t, stdout)
	if sum["status"] != "skipped" || !strings.Contains(sum["error"].(string), "run manual-run") {
		t.Fatalf("summary %v", sum)
	}
	if holder, ok := sum["holder"].(map[string]any); !ok || holder["run_id"] != "manual-run" {
		t.Fatalf("summary holder %v", sum["holder"])
	}
	if stderr != "" {
		t.Fatalf("a routine skip wrote to stderr (cron would mail it): %s", stderr)
	}
}

func TestReadOnlyLakeIsAClearCLIError(t *testing.T) {
	dir := smallTmpfs(t, "4m")
	if code, out, errs := runCLI(t, dir, "ingest", "--source", "seed"); code != exitOK {
		t.Fatalf("first ingest exit %d\n%s%s", code, out, errs)
	}
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	code, stdout, stderr := runCLI(t, dir, "ingest", "--source", "seed")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d", code, exitFailure)
	}
	sum := summaryLine(t, stdout)
	if sum["status"] != "failed" || !strings.Contains(sum["error"].(string), "read-only file system") {
		t.Fatalf("summary %v", sum)
	}
	if !strings.Contains(stderr, "is not writable: read-only file system") {
		t.Fatalf("stderr %q does not explain", stderr)
	}
	// Reading still works.
	if code, out, _ := runCLI(t, dir, "lake", "verify"); code != exitOK {
		t.Fatalf("verify on a read-only lake: exit %d\n%s", code, out)
	}
}

func TestFullDiskIsAClearCLIErrorIntegration(t *testing.T) {
	// The seed needs ~140 KiB of Parquet in 8 files (lake format 2);
	// 64 KiB runs out mid-run.
	dir := smallTmpfs(t, "64k")
	code, stdout, stderr := runCLI(t, dir, "ingest", "--source", "seed")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailure, stdout, stderr)
	}
	sum := summaryLine(t, stdout)
	if sum["status"] != "failed" || !strings.Contains(sum["error"].(string), "disk full") {
		t.Fatalf("summary %v", sum)
	}
	// Nothing half-written: no manifest, nothing staged, verify clean.
	if ms, _ := lakestore.ReadManifests(dir); len(ms) != 0 {
		t.Fatalf("%d manifests after a failed run", len(ms))
	}
	if rep, err := lakestore.Verify(dir); err != nil || !rep.OK() || len(rep.Notes) != 0 {
		t.Fatalf("verify: %v %v %v", err, rep.Problems, rep.Notes)
	}
}
