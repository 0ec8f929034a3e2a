package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/cmd/gwanmun/internal/earlysignal"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// sigtermBeforeMain delivers a SIGTERM after package initialisation and
// before main, the window in which a busy machine used to kill gwanmun
// with no summary line, and waits until the signal has been received.
func sigtermBeforeMain() {
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case <-earlysignal.Context().Done():
	case <-time.After(time.Minute):
		panic("SIGTERM not received within a minute")
	}
}

// gwanmun returns a command running the CLI in a child process.
func gwanmun(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GWANMUN_TEST_CLI=1")
	return cmd
}

// exitCodeOf returns a finished command's exit code, -1 if a signal ended it.
func exitCodeOf(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() {
			return -1
		}
		return ee.ExitCode()
	}
	return -2
}

// lakeContents is every visible row of every dataset but the ledger, as
// JSON without the run id, sorted: equal contents mean the same rows, each
// stored as many times.
func lakeContents(t testing.TB, dir string) map[string][]string {
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

func sameLakeContents(t *testing.T, label string, got, want map[string][]string) {
	t.Helper()
	for _, ds := range schema.Datasets() {
		if strings.Join(got[ds.Name], "\n") != strings.Join(want[ds.Name], "\n") {
			t.Errorf("%s: dataset %s has %d rows, want %d (or different rows)", label, ds.Name, len(got[ds.Name]), len(want[ds.Name]))
		}
	}
}

// summaryLine parses the one JSON line a non-terminal ingest prints.
func summaryLine(t *testing.T, stdout string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 1 {
		t.Fatalf("stdout has %d lines, want one summary line:\n%s", len(lines), stdout)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatalf("summary %q: %v", lines[0], err)
	}
	return m
}

// scratchDir is a directory for lakes that many processes write: a fresh
// tmpfs where one can be mounted, else one under /dev/shm, else a temp
// dir. Memory is fast, and a kill -9 test needs no disk: the page cache
// outlives the process.
func scratchDir(t *testing.T) string {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=512m"); err == nil {
		t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
		return dir
	}
	if shm, err := os.MkdirTemp("/dev/shm", "gwanmun-test-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(shm) })
		return shm
	}
	return dir
}

// smallTmpfs mounts a tmpfs of the given size or skips the test.
func smallTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); data/lakestore's injected-ENOSPC test covers the logic", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}
