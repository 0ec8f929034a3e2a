package iceberg

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// startS3 serves an in-memory S3-compatible store with a "gwanmun"
// bucket on loopback and sets the credentials the file IO reads.
func startS3(t *testing.T) *httptest.Server {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("gwanmun"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return srv
}

// TestS3Warehouse puts the warehouse in an S3-compatible object store (an
// in-memory one on loopback): Sync uploads the run's files beside the
// table metadata, and iceberg-go reads every row back from the bucket.
func TestS3Warehouse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an S3 server")
	}
	srv := startS3(t)

	ctx := context.Background()
	dir := t.TempDir()
	writeRun(t, dir, "r1", 3, 0, 0)
	writeRun(t, dir, "r2", 2, 1, 0.5)
	cfg := Config{Warehouse: "s3://gwanmun/wh", S3Endpoint: srv.URL, S3Region: "us-east-1"}
	m, err := Open(ctx, dir, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	regs, err := m.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 2 {
		t.Fatalf("sync: %+v", regs)
	}
	tb, ok, err := m.Table(ctx, "mau")
	if err != nil || !ok {
		t.Fatalf("table: %v %v", ok, err)
	}
	if !strings.HasPrefix(tb.MetadataLocation(), "s3://gwanmun/wh/gwanmun/mau/metadata/") {
		t.Errorf("metadata at %s", tb.MetadataLocation())
	}
	files, err := dataFiles(ctx, tb, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasPrefix(f, "s3://gwanmun/wh/gwanmun/mau/data/") {
			t.Errorf("data file %s is not in the bucket's warehouse", f)
		}
	}
	arr, err := tb.Scan().ToArrowTable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer arr.Release()
	if arr.NumRows() != 5 || len(files) != 5 {
		t.Fatalf("read back %d rows from %d files, want 5 and 5", arr.NumRows(), len(files))
	}
	if _, err := m.Pin(ctx, ""); err == nil || !strings.Contains(err.Error(), "object store") {
		t.Errorf("pinning an s3 warehouse for DuckDB: %v, want an error naming the object store", err)
	}
	if again, err := m.Sync(ctx); err != nil || len(again) != 0 {
		t.Errorf("sync again: %+v %v", again, err)
	}
}

// TestS3WarehouseAsCommitLog: a lake adopted with an s3:// warehouse
// uploads each run's files to the bucket before its _runs row commits,
// and the log and the tables read back from the bucket.
func TestS3WarehouseAsCommitLog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an S3 server")
	}
	srv := startS3(t)

	ctx := context.Background()
	dir := t.TempDir()
	cfg := Config{Warehouse: "s3://gwanmun/wh", S3Endpoint: srv.URL, S3Region: "us-east-1"}
	writeRun(t, dir, "r1", 3, 0, 0)
	adopt(t, dir, cfg)
	writeRun(t, dir, "r2", 2, 1, 0.5)
	ms, err := lakestore.ReadManifests(dir)
	if err != nil || len(ms) != 2 || ms[1].RunID != "r2" {
		t.Fatalf("the log: %+v %v", ms, err)
	}
	m, err := Open(ctx, dir, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, f := range ms[1].Files {
		if !m.exists(m.dataURL(f.Dataset, f.Path)) {
			t.Errorf("%s was not uploaded to the bucket", f.Path)
		}
	}
	runs, ok, err := m.Table(ctx, RunsTable)
	if err != nil || !ok || !strings.HasPrefix(runs.MetadataLocation(), "s3://gwanmun/wh/gwanmun/_runs/metadata/") {
		t.Fatalf("_runs: %v %v", ok, err)
	}
	if _, err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// A committed file this folder lacks (another host's, here removed)
	// is fetched from the bucket for gwanmun's readers.
	gone := ms[1].Files[0].Path
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(gone))); err != nil {
		t.Fatal(err)
	}
	if n, s := visibleSum(t, dir); n != 5 || s != 1000+1001+1002+1001.5+1002.5 {
		t.Fatalf("with %s read from the bucket: %d rows, sum %v", gone, n, s)
	}
	if _, err := os.Stat(filepath.Join(dir, Dir, "remote", filepath.FromSlash(gone))); err != nil {
		t.Fatalf("no local copy of %s: %v", gone, err)
	}
	tb, _, _ := m.Table(ctx, "mau")
	arr, err := tb.Scan().ToArrowTable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer arr.Release()
	if arr.NumRows() != 5 {
		t.Fatalf("read back %d rows, want 5", arr.NumRows())
	}
}
