package lake

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
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

// Lock is an advisory flock(2) on the lake's lock file. The kernel drops it
// when the holder dies, so a crashed run never leaves a stale lock behind;
// the JSON inside is only for people.
type Lock struct {
	f *os.File
}

func acquireLock(dir, runID string) (*Lock, error) {
	path := filepath.Join(dir, schema.LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			var li LockInfo
			if json.Unmarshal(holder, &li) == nil && li.PID != 0 {
				return nil, fmt.Errorf("%w: pid %d on %s since %s (run %s)", ErrLocked, li.PID, li.Host, li.StartedAt.Format(time.RFC3339), li.RunID)
			}
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	host, _ := os.Hostname()
	info, _ := json.Marshal(LockInfo{PID: os.Getpid(), Host: host, StartedAt: time.Now().UTC(), RunID: runID})
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(info, '\n'), 0)
	}
	return &Lock{f: f}, nil
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
	b, err := os.ReadFile(filepath.Join(dir, schema.LockFile))
	if err != nil || len(b) == 0 {
		return LockInfo{}, false
	}
	var li LockInfo
	return li, json.Unmarshal(b, &li) == nil
}
