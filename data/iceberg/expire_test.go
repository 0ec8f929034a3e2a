package iceberg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func countSnapshots(t *testing.T, m *Mirror) int {
	t.Helper()
	ss, err := m.Snapshots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(ss)
}

// TestExpire: runs r1 (pinned by a report), r2, r3 and its compaction,
// then r4 after the cutoff. Expiring before the cutoff with retain-last 1
// removes r2, r3 and the compaction's snapshots and the warehouse files
// only they named, keeps the current rows and the pinned snapshot (which
// still reads its rows), and makes --as-of a time inside the expired span
// an error. With IncludePinned the pin goes too.
func TestExpire(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := open(t, dir)
	sync := func() {
		t.Helper()
		if _, err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	writeRun(t, dir, "r1", 3, 0, 0) // 2000..2002
	sync()
	p1, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.PinReport(ctx, p1); err != nil {
		t.Fatal(err)
	}
	if err := m.PinReport(ctx, p1); err != nil { // a second report of the same data
		t.Fatalf("pin again: %v", err)
	}
	if ss, err := m.Snapshots(ctx); err != nil || len(ss) != 1 || len(ss[0].Tags) != 1 || ss[0].Tags[0] != fmt.Sprint(PinTagPrefix, p1.SnapshotID) {
		t.Fatalf("snapshots after the pin: %+v %v", ss, err)
	}
	writeRun(t, dir, "r2", 2, 3, 0) // 2003, 2004
	sync()
	p2, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	mid := time.Now().UTC()
	writeRun(t, dir, "r3", 2, 3, 0.5) // new versions of 2003, 2004
	sync()
	compact(t, dir, "c1") // supersedes r2's and r3's files
	sync()
	cutoff := time.Now().UTC()
	writeRun(t, dir, "r4", 1, 5, 0) // 2005
	sync()
	if n := countSnapshots(t, m); n != 5 {
		t.Fatalf("before expiry: %d snapshots, want 5", n)
	}
	before, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	wantRows, wantSum := count(t, before.Files["mau"])
	if wantRows != 8 || wantSum != 1000+1001+1002+1003+1004+1003.5+1004.5+1005 {
		t.Fatalf("before expiry: %d rows, sum %v", wantRows, wantSum)
	}
	// The files r2 wrote are in the warehouse (the compaction removed them
	// from the current snapshot, r2's snapshot still names them).
	var r2Files []string
	for _, f := range p2.Files["mau"] {
		if !slices.Contains(p1.Files["mau"], f) {
			r2Files = append(r2Files, f)
		}
	}
	if len(p2.Files["mau"]) != 5 || len(r2Files) != 2 {
		t.Fatalf("r2's pin: %v", p2.Files["mau"])
	}
	for _, f := range r2Files {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("before expiry: %v", err)
		}
	}

	if _, err := m.Expire(ctx, ExpireOptions{Before: cutoff, RetainLast: 0}); err == nil {
		t.Fatal("retain-last 0: no error")
	}
	dry, err := m.Expire(ctx, ExpireOptions{Before: cutoff, RetainLast: 1, DryRun: true})
	if err != nil || len(dry) != 1 || len(dry[0].Expired) != 3 || countSnapshots(t, m) != 5 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	res, err := m.Expire(ctx, ExpireOptions{Before: cutoff, RetainLast: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Table != "mau" || len(res[0].Expired) != 3 || res[0].Kept != 2 || res[0].Pinned != 1 {
		t.Fatalf("expire: %+v", res)
	}
	// r2's 2 files, r3's 2 files, 3 manifest lists and their manifests.
	if res[0].FilesRemoved < 7 {
		t.Fatalf("expire removed %d files, want at least 7", res[0].FilesRemoved)
	}
	for _, f := range r2Files {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Fatalf("after expiry, %s: %v (want removed)", f, err)
		}
	}
	if n := countSnapshots(t, m); n != 2 {
		t.Fatalf("after expiry: %d snapshots, want 2 (current and pinned)", n)
	}
	after, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := count(t, after.Files["mau"]); n != wantRows || sum != wantSum || after.Vintage() != before.Vintage() {
		t.Fatalf("current after expiry: %d rows, sum %v, %s; want %d, %v, %s", n, sum, after.Vintage(), wantRows, wantSum, before.Vintage())
	}
	old, err := m.Pin(ctx, fmt.Sprint(p1.SnapshotID))
	if err != nil {
		t.Fatalf("the pinned snapshot: %v", err)
	}
	if n, sum := count(t, old.Files["mau"]); n != 3 || sum != 1000+1001+1002 || old.Vintage() != p1.Vintage() {
		t.Fatalf("pinned snapshot after expiry: %d rows, sum %v, %s", n, sum, old.Vintage())
	}
	if _, err := m.Pin(ctx, mid.Format(time.RFC3339Nano)); err == nil || !strings.Contains(err.Error(), "were expired") {
		t.Fatalf("as-of an expired time: %v", err)
	}
	if _, err := m.Pin(ctx, fmt.Sprint(p2.SnapshotID)); err == nil || !strings.Contains(err.Error(), "iceberg expire") {
		t.Fatalf("as-of an expired snapshot id: %v", err)
	}
	// The time of r1 still reads r1 (it is before the expired span).
	if p, err := m.Pin(ctx, p1.At.Format(time.RFC3339Nano)); err != nil || p.Snapshots["mau"] != p1.Snapshots["mau"] {
		t.Fatalf("as of r1's time: %+v %v", p, err)
	}
	if again, err := m.Expire(ctx, ExpireOptions{Before: cutoff, RetainLast: 1}); err != nil || len(again[0].Expired) != 0 {
		t.Fatalf("expire again: %+v %v", again, err)
	}

	res, err = m.Expire(ctx, ExpireOptions{Before: cutoff, RetainLast: 1, IncludePinned: true})
	if err != nil || len(res[0].Expired) != 1 || res[0].Expired[0] != p1.Snapshots["mau"] {
		t.Fatalf("expire pinned: %+v %v", res, err)
	}
	if n := countSnapshots(t, m); n != 1 {
		t.Fatalf("after expiring the pin: %d snapshots", n)
	}
	if _, err := m.Pin(ctx, p1.At.Format(time.RFC3339Nano)); err == nil {
		t.Fatal("as of r1's time after its snapshot expired: no error")
	}
	final, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := count(t, final.Files["mau"]); n != wantRows || sum != wantSum {
		t.Fatalf("current after expiring everything else: %d rows, sum %v", n, sum)
	}
	// The lake itself is untouched: a sync registers nothing.
	if regs, err := m.Sync(ctx); err != nil || len(regs) != 0 {
		t.Fatalf("sync after expiry: %+v %v", regs, err)
	}
}

// TestExpireLosesRaceToWriter: another writer commits a run between the
// expiry's plan and its commit. The commit's requirements (the table's
// main snapshot unchanged) refuse it, the expiry re-plans on the new
// metadata, and the writer's snapshot stays current with all its rows.
func TestExpireLosesRaceToWriter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := open(t, dir)
	for i, run := range []string{"r1", "r2"} {
		writeRun(t, dir, run, 1, i, 0)
		if _, err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cutoff := time.Now().UTC()
	other := open(t, dir) // a second connection: another writer
	raced := 0
	beforeExpireCommit = func(table string) {
		if table != "mau" || raced > 0 {
			return
		}
		raced++
		writeRun(t, dir, "r3", 1, 2, 0)
		if regs, err := other.Sync(ctx); err != nil || len(regs) != 1 {
			t.Errorf("the racing writer: %+v %v", regs, err)
		}
	}
	t.Cleanup(func() { beforeExpireCommit = func(string) {} })
	res, err := m.Expire(ctx, ExpireOptions{Before: cutoff, RetainLast: 1})
	if err != nil {
		t.Fatal(err)
	}
	if raced != 1 {
		t.Fatalf("the race hook ran %d times", raced)
	}
	// r1 and r2 are before the cutoff and not the newest: both go; r3,
	// committed by the other writer during the expiry, is current.
	if len(res) != 1 || len(res[0].Expired) != 2 || res[0].Kept != 1 {
		t.Fatalf("expire after losing a race: %+v", res)
	}
	p, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := count(t, p.Files["mau"]); n != 3 || sum != 1000+1001+1002 {
		t.Fatalf("current after the race: %d rows, sum %v", n, sum)
	}
	ss, err := m.Snapshots(ctx)
	if err != nil || len(ss) != 1 || !ss[0].Current || ss[0].RunID != "r3" {
		t.Fatalf("snapshots after the race: %+v %v", ss, err)
	}
}

// TestExpireFinishesAfterKill kills a process right after its expiry
// committed, and after it deleted the data files but not the manifests:
// the snapshots are gone, the next expiry deletes what was left, and the
// current rows never change.
func TestExpireFinishesAfterKill(t *testing.T) {
	for _, point := range []string{"expired", "removed-some"} {
		t.Run(point, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			m := open(t, dir)
			writeRun(t, dir, "r1", 3, 0, 0)
			if _, err := m.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			old, err := m.Pin(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			writeRun(t, dir, "r2", 2, 1, 0.5)
			compact(t, dir, "c1")
			if _, err := m.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			cur, err := m.Pin(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			var gone []string // r1's 2001 and 2002 files, which c1 replaced
			for _, f := range old.Files["mau"] {
				if !slices.Contains(cur.Files["mau"], f) {
					gone = append(gone, f)
				}
			}
			if len(gone) != 2 {
				t.Fatalf("files only the old snapshot holds: %v", gone)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestExpireHelper$")
			cmd.Env = append(os.Environ(), "GWANMUN_ICEBERG_CRASH_AT="+point, "GWANMUN_ICEBERG_DIR="+dir)
			err = cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child: %v, want killed", err)
			}
			if n := countSnapshots(t, m); n != 1 {
				t.Fatalf("after a kill at %s: %d snapshots, want 1 (the expiry committed)", point, n)
			}
			for _, f := range gone {
				_, err := os.Stat(f)
				if exists := err == nil; exists != (point == "expired") {
					t.Fatalf("after a kill at %s, %s: %v", point, f, err)
				}
			}
			res, err := m.Expire(ctx, ExpireOptions{Before: time.Now(), RetainLast: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || len(res[0].Expired) != 0 || res[0].FilesRemoved == 0 {
				t.Fatalf("expiry after a kill at %s: %+v", point, res)
			}
			for _, f := range gone {
				if _, err := os.Stat(f); !os.IsNotExist(err) {
					t.Fatalf("after the second expiry, %s: %v", f, err)
				}
			}
			tb, _, err := m.Table(ctx, "mau")
			if err != nil || tb.Metadata().Properties()[PropExpirePending] != "" {
				t.Fatalf("pending after the second expiry: %q %v", tb.Metadata().Properties()[PropExpirePending], err)
			}
			// Nothing the current snapshot names was touched.
			now, err := m.Pin(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if n, sum := count(t, now.Files["mau"]); n != 5 || sum != 1000+1001+1002+1001.5+1002.5 {
				t.Fatalf("current after a kill at %s: %d rows, sum %v", point, n, sum)
			}
			if again, err := m.Expire(ctx, ExpireOptions{Before: time.Now(), RetainLast: 1}); err != nil || again[0].FilesRemoved != 0 {
				t.Fatalf("a third expiry: %+v %v", again, err)
			}
		})
	}
}

// TestExpireHelper is the child process TestExpireFinishesAfterKill kills.
func TestExpireHelper(t *testing.T) {
	point := os.Getenv("GWANMUN_ICEBERG_CRASH_AT")
	if point == "" {
		t.Skip("child process of TestExpireFinishesAfterKill")
	}
	crashPoint = func(p string) {
		if p == point {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	m := open(t, os.Getenv("GWANMUN_ICEBERG_DIR"))
	_, _ = m.Expire(context.Background(), ExpireOptions{Before: time.Now(), RetainLast: 1})
}
