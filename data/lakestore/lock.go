package lakestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// ErrLocked means another writer holds the lake.
var ErrLocked = errors.New("lake is locked by another writer")

// LockInfo is written into the lock file so a human can see who holds it.
type LockInfo struct {
	PID       int       `json:"pid"`
	Host      string    `json:"host"`
	StartedAt time.Time `json:"started_at"`
	RunID     string    `json:"run_id"`
}

func (li LockInfo) String() string {
	return fmt.Sprintf("pid %d on %s since %s (run %s)", li.PID, li.Host, li.StartedAt.Format(time.RFC3339), li.RunID)
}

// alive reports whether the holder's process still runs; a holder on
// another host cannot be checked and counts as alive.
func (li LockInfo) alive() bool {
	host, _ := os.Hostname()
	if li.PID <= 0 || li.Host != host {
		return true
	}
	err := syscall.Kill(li.PID, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// LockedError says who holds the lake. It matches ErrLocked.
type LockedError struct {
	Dir    string
	Holder LockInfo // zero when the holder wrote nothing yet
	Since  time.Duration
}

func (e *LockedError) Error() string {
	if e.Holder.PID == 0 {
		return fmt.Sprintf("%v: %s", ErrLocked, e.Dir)
	}
	msg := fmt.Sprintf("%v: %s is held by %s, for %s", ErrLocked, e.Dir, e.Holder, e.Since.Round(time.Second))
	if !e.Holder.alive() {
		// flock is released by the kernel when its holder dies, so a dead
		// pid here means the lock file descriptor was passed on.
		msg += fmt.Sprintf("; pid %d is not running, so a process it started still holds the lock", e.Holder.PID)
	}
	return msg
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Lock is an advisory flock(2) on the lake's lock file. The kernel drops it
// when the holder dies, so a crashed run never leaves a stale lock behind;
// the JSON inside is only for people.
type Lock struct {
	f    *os.File
	path string
	// Stale is the previous holder when it died without releasing (the
	// file still named it); the lock was taken over.
	Stale *LockInfo
}

// lockPoll is how often a waiting writer retries the lock.
const lockPoll = 50 * time.Millisecond

// acquireLock takes the lock, waiting up to wait for a running holder to
// finish (0: fail at once with a *LockedError).
func acquireLock(ctx context.Context, dir, runID string, wait time.Duration) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	deadline := time.Now().Add(wait)
	var f *os.File
	for {
		var err error
		if f == nil {
			if f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644); err != nil {
				return nil, fmt.Errorf("open lock %s: %w", path, explainFS(err))
			}
		}
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			crashPoint("locked")
			// A lock on a file no longer at the path (deleted or replaced
			// while we waited) keeps nobody out: take the one there now.
			if same, cerr := sameFile(f, path); cerr != nil || same {
				if cerr != nil {
					f.Close()
					return nil, fmt.Errorf("lock %s: %w", path, cerr)
				}
				break
			}
			f.Close()
			f = nil
			continue
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			f.Close()
			le := &LockedError{Dir: dir}
			if li, ok := ReadLockInfo(dir); ok {
				le.Holder, le.Since = li, time.Since(li.StartedAt)
			}
			return nil, le
		}
		select {
		case <-ctx.Done():
		case <-time.After(lockPoll):
		}
	}
	lk := &Lock{f: f, path: path}
	// Release empties the file; a holder still named in it died holding it.
	if prev, ok := ReadLockInfo(dir); ok && prev.PID != 0 {
		lk.Stale = &prev
	}
	host, _ := os.Hostname()
	info, _ := json.Marshal(LockInfo{PID: os.Getpid(), Host: host, StartedAt: time.Now().UTC(), RunID: runID})
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(info, '\n'), 0)
	}
	return lk, nil
}

// sameFile reports whether the open file f is the file at path now.
func sameFile(f *os.File, path string) (bool, error) {
	held, err := f.Stat()
	if err != nil {
		return false, err
	}
	now, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(held, now), nil
}

// ErrLockLost means the lock file was deleted or replaced while held, so
// another writer may have taken the lake: committing could duplicate rows.
var ErrLockLost = errors.New("the lake lock file was deleted or replaced while this run held it")

// Check confirms the lock still guards the lake: the file it holds is the
// one at the lock path, where the next writer will look.
func (l *Lock) Check() error {
	if l == nil || l.f == nil {
		return errors.New("lake lock is not held")
	}
	same, err := sameFile(l.f, l.path)
	if err != nil {
		return fmt.Errorf("check lock %s: %w", l.path, err)
	}
	if !same {
		return fmt.Errorf("%w (%s); another writer may be running, so nothing was committed", ErrLockLost, l.path)
	}
	return nil
}

// Release drops the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	cerr := l.f.Close()
	l.f = nil
	return errors.Join(err, cerr)
}

// ReadLockInfo returns who holds (or last held) the lock, if anyone wrote it.
func ReadLockInfo(dir string) (LockInfo, bool) {
	b, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil || len(b) == 0 {
		return LockInfo{}, false
	}
	var li LockInfo
	return li, json.Unmarshal(b, &li) == nil
}

// Holder reports who the lock file names, and whether that process is
// still running (a holder on another host is assumed to be). It does not
// touch the lock, so readers never get in a writer's way.
func Holder(dir string) (li LockInfo, running bool) {
	li, ok := ReadLockInfo(dir)
	if !ok || li.PID == 0 {
		return LockInfo{}, false
	}
	return li, li.alive()
}
