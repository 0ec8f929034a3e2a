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

// scheduleUntil runs the schedule in the background; stop cancels it and
// waits for runSchedule to return. Nothing here depends on how fast the
// machine is: waits are for events, bounded only by a generous deadline.
func scheduleUntil(t *testing.T, o *scheduleOptions, job func(ctx context.Context, age time.Duration)) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runSchedule(ctx, newApp(nil, io.Discard, io.Discard), o, job) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			t.Fatal("the schedule did not stop within a minute of cancelling")
			return nil
		}
	}
}

// waitFor waits for an event, failing after a generous deadline.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("no %s within a minute", what)
	}
}

func TestScheduleCatchesUpThenRunsOnTime(t *testing.T) {
	var mu sync.Mutex
	var ages []time.Duration
	ran := make(chan struct{}, 100)
	stop := scheduleUntil(t, &scheduleOptions{cron: "* * * * * *", catchUp: true}, func(_ context.Context, age time.Duration) {
		mu.Lock()
		ages = append(ages, age)
		mu.Unlock()
		ran <- struct{}{}
	})
	waitFor(t, ran, "catch-up run")
	waitFor(t, ran, "scheduled run")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if ages[0] != time.Second {
		t.Fatalf("job ages %v: want a catch-up run with one interval (1s) first, then scheduled runs", ages)
	}
	for _, age := range ages[1:] {
		if age != 0 {
			t.Fatalf("scheduled runs must run unconditionally, got age %v", age)
		}
	}
}

// A run that outlasts several slots is never joined by another: the job
// blocks until the test has seen slots go by, so overlap, if the scheduler
// allowed it, would show however loaded the machine is.
func TestScheduleNeverOverlapsRuns(t *testing.T) {
	var running, most, runs atomic.Int32
	started := make(chan struct{}, 100)
	release := make(chan struct{})
	var cancelled atomic.Bool
	stop := scheduleUntil(t, &scheduleOptions{cron: "* * * * * *"}, func(ctx context.Context, _ time.Duration) {
		n := running.Add(1)
		defer running.Add(-1)
		runs.Add(1)
		for {
			if m := most.Load(); n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
			cancelled.Store(true)
		}
	})
	waitFor(t, started, "first run")
	// While the first run holds on, let at least two one-second slots pass
	// (a slow machine makes them pass later, never sooner).
	time.Sleep(2500 * time.Millisecond)
	if most.Load() != 1 || runs.Load() != 1 {
		t.Fatalf("%d runs, at most %d at once, while the first was still going; want no overlap", runs.Load(), most.Load())
	}
	// Cancelling stops the run in flight instead of waiting it out.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	close(release)
	if !cancelled.Load() {
		t.Fatal("the run in flight was not cancelled when the schedule stopped")
	}
	if most.Load() != 1 {
		t.Fatalf("at most %d runs at once, want 1", most.Load())
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
