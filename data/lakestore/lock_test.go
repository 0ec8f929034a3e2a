package lakestore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockedErrorNamesTheHolder(t *testing.T) {
	dir := t.TempDir()
	holder, err := Open(dir, "holder", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	// flock locks belong to open file descriptions, so a second Open in
	// this process conflicts just as another process would.
	_, err = Open(dir, "intruder", nil)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer got %v, want a *LockedError", err)
	}
	host, _ := os.Hostname()
	if le.Holder.PID != os.Getpid() || le.Holder.Host != host || le.Holder.RunID != "holder" {
		t.Fatalf("holder = %+v", le.Holder)
	}
	for _, want := range []string{"pid", host, "run holder", "for "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestLockWaitQueuesBehindTheHolder(t *testing.T) {
	dir := t.TempDir()
	holder, err := Open(dir, "holder", nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(150 * time.Millisecond)
		holder.Close()
	}()
	l, err := OpenContext(context.Background(), dir, "waiter", Options{Wait: 5 * time.Second})
	if err != nil {
		t.Fatalf("waiting writer: %v", err)
	}
	l.Close()
}

func TestStaleLockIsTakenOverAndReported(t *testing.T) {
	dir := t.TempDir()
	// A process that has exited: its pid is free and holds nothing.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	stale, _ := json.Marshal(LockInfo{PID: cmd.Process.Pid, Host: host, StartedAt: time.Now().Add(-3 * time.Hour), RunID: "killed"})
	if err := os.WriteFile(filepath.Join(dir, LockFile), stale, 0o644); err != nil {
		t.Fatal(err)
	}
	if li, running := Holder(dir); running {
		t.Fatalf("Holder reports the dead pid %d as running", li.PID)
	}
	var logs bytes.Buffer
	l, err := Open(dir, "next", slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("stale lock was not taken over: %v", err)
	}
	defer l.Close()
	if l.lock.Stale == nil || l.lock.Stale.RunID != "killed" {
		t.Fatalf("stale holder = %+v", l.lock.Stale)
	}
	for _, want := range []string{"stale lake lock", `"stale_run_id":"killed"`, "is no longer running"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log %s does not say %q", logs.String(), want)
		}
	}
	if li, ok := ReadLockInfo(dir); !ok || li.PID != os.Getpid() || li.RunID != "next" {
		t.Fatalf("lock file names %+v after takeover", li)
	}
}

func TestCleanReleaseLeavesNoStaleHolder(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, "one", 0)
	l, err := Open(dir, "two", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.lock.Stale != nil {
		t.Fatalf("a cleanly released lock was reported stale: %+v", l.lock.Stale)
	}
}
