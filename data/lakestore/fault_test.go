package lakestore

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// fullAfter fails writes with ENOSPC once n bytes went to files whose
// path contains match, as a full disk does.
func fullAfter(t *testing.T, n int, match string) {
	t.Helper()
	saved := writeTo
	t.Cleanup(func() { writeTo = saved })
	writeTo = func(f *os.File) io.Writer {
		if !strings.Contains(f.Name(), match) {
			return f
		}
		return &enospcWriter{f: f, left: n}
	}
}

type enospcWriter struct {
	f    *os.File
	left int
}

func (w *enospcWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n, _ := w.f.Write(p[:w.left])
		w.left = 0
		return n, &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	w.left -= len(p)
	return w.f.Write(p)
}

func TestDiskFullIsAClearErrorAndChangesNothing(t *testing.T) {
	for _, where := range []string{StagingDir, ManifestDir} {
		t.Run(where, func(t *testing.T) {
			dir := t.TempDir()
			commit(t, dir, "r1", versionedRows(2, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1))
			before := logical(t, dir)
			fullAfter(t, 100, where)
			l, err := Open(dir, "r2", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			ds, _ := schema.Lookup("mau")
			txn := l.Begin("r2")
			rows := versionedRows(6, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), 2)
			err = txn.Write(ds, partOf(rows[0]), rows[:1])
			if err == nil {
				_, err = txn.Commit([]string{"test"})
			} else {
				txn.Abort()
			}
			if err == nil || !strings.Contains(err.Error(), "disk full") || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("err = %v, want a disk-full error", err)
			}
			if got := logical(t, dir); strings.Join(got, "\n") != strings.Join(before, "\n") {
				t.Fatal("a failed write changed the lake's view")
			}
			if _, err := os.Stat(filepath.Join(dir, StagingDir, "r2")); !os.IsNotExist(err) {
				t.Fatalf("staging of the failed run survived: %v", err)
			}
			if rep, _ := Verify(dir); !rep.OK() {
				t.Fatalf("verify: %v", rep.Problems)
			}
		})
	}
}

// mountTmpfs mounts a small tmpfs at a new directory, or skips the test
// where mounting is not allowed (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); the injected-ENOSPC test covers the logic", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

func TestFullTmpfsIsAClearError(t *testing.T) {
	dir := mountTmpfs(t, "64k")
	// Fill the file system, leaving the lake no room for data.
	f, _ := os.Create(filepath.Join(dir, "filler"))
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
	l, err := Open(filepath.Join(dir, "lake"), "r", nil)
	if err == nil {
		defer l.Close()
		ds, _ := schema.Lookup("mau")
		rows := versionedRows(6, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), 2)
		err = l.Begin("r").Write(ds, partOf(rows[0]), rows)
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want a disk-full error", err)
	}
}

func TestReadOnlyMountIsAClearError(t *testing.T) {
	dir := mountTmpfs(t, "1m")
	commit(t, dir, "r1", versionedRows(2, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	_, err := Open(dir, "r2", nil)
	if err == nil || !strings.Contains(err.Error(), "read-only file system") || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("err = %v, want a read-only error", err)
	}
	// Readers and verify still work on a read-only lake.
	if rep, err := Verify(dir); err != nil || !rep.OK() {
		t.Fatalf("verify on a read-only lake: %v %v", err, rep.Problems)
	}
}
