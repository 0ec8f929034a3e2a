package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
)

func TestScheduleCatchesUpThenRunsOnTime(t *testing.T) {
	a := newApp(nil, io.Discard, io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	var mu sync.Mutex
	var ages []time.Duration
	err := runSchedule(ctx, a, &scheduleOptions{cron: "* * * * * *", catchUp: true}, func(_ context.Context, age time.Duration) {
		mu.Lock()
		ages = append(ages, age)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ages) < 2 || ages[0] != time.Second {
		t.Fatalf("job ages %v: want a catch-up run with one interval (1s) first, then scheduled runs", ages)
	}
	for _, age := range ages[1:] {
		if age != 0 {
			t.Fatalf("scheduled runs must run unconditionally, got age %v", age)
		}
	}
}

func TestScheduleNeverOverlapsRuns(t *testing.T) {
	a := newApp(nil, io.Discard, io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), 3500*time.Millisecond)
	defer cancel()
	var running, most, runs atomic.Int32
	start := time.Now()
	err := runSchedule(ctx, a, &scheduleOptions{cron: "* * * * * *"}, func(ctx context.Context, _ time.Duration) {
		n := running.Add(1)
		defer running.Add(-1)
		runs.Add(1)
		for {
			if m := most.Load(); n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		select { // a run three times longer than the interval
		case <-time.After(2500 * time.Millisecond):
		case <-ctx.Done():
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if most.Load() != 1 || runs.Load() < 1 {
		t.Fatalf("%d runs, at most %d at once; want runs that never overlap", runs.Load(), most.Load())
	}
	// Cancelling stops the run in flight instead of waiting it out.
	if late := time.Since(start) - 3500*time.Millisecond; late > time.Second {
		t.Fatalf("stopping took %v", late)
	}
}

func TestScheduleRejectsBadFlagsAtStart(t *testing.T) {
	for _, args := range [][]string{
		{"--cron", ""}, {"--cron", "every day"}, {"--cron", "61 * * * *"}, {"--cron", "* * * * * * * *"},
		{"--cron", "@daily", "--tz", "Mars/Olympus"},
		{"--cron", "@daily", "--source", "nosuchsource"},
		{"--cron", "@daily", "--record", "a", "--replay", "b"},
	} {
		code, _, errs := runCLI(t, t.TempDir(), append([]string{"schedule"}, args...)...)
		if code != exitUsage {
			t.Errorf("schedule %q: exit %d, want %d (%s)", args, code, exitUsage, errs)
		}
	}
}

// TestScheduleStopsCleanlyOnSIGTERMIntegration runs the real command in a
// child process, as systemd would, and stops it the way systemd does.
func TestScheduleStopsCleanlyOnSIGTERMIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := filepath.Join(scratchDir(t), "lake")
	cmd := gwanmun("--lake", dir, "schedule", "--cron", "* * * * * *", "--source", "seed")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The catch-up run on an empty lake, then at least one scheduled run.
	sc := bufio.NewScanner(stdout)
	var statuses []string
	for len(statuses) < 3 && sc.Scan() {
		var sum map[string]any
		if err := json.Unmarshal(sc.Bytes(), &sum); err != nil {
			t.Fatalf("schedule printed %q: %v", sc.Text(), err)
		}
		statuses = append(statuses, sum["status"].(string))
	}
	if len(statuses) < 3 || statuses[0] != "ok" {
		t.Fatalf("summaries %v", statuses)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { io.Copy(io.Discard, stdout); done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCodeOf(err); code != exitOK {
			t.Fatalf("schedule exited %d on SIGTERM, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("schedule did not stop within 30s of SIGTERM")
	}
	if li, running := lakestore.Holder(dir); running {
		t.Fatalf("the lake is still locked by %s", li)
	}
	if rep, err := lakestore.Verify(dir); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}
