package lakestore

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzManifest feeds a damaged or hostile manifest to every reader of
// manifests and to a writer's recovery: none may panic, and nothing
// outside the lake may be renamed or deleted.
func FuzzManifest(f *testing.F) {
	dir := f.TempDir()
	commit(f, dir, "seed", versionedRows(2, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	real, err := os.ReadFile(filepath.Join(dir, ManifestDir, "seed.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(real)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"run_id":"x","lake_format":99}`))
	f.Add([]byte(`{"run_id":"..","files":[{"dataset":"mau","path":"../outside.parquet"}]}`))
	f.Add([]byte(`{"run_id":"x","files":[],"supersedes":["../outside.parquet","/etc/passwd"]}`))
	f.Add([]byte(`{"run_id":"x","files":[{"dataset":"nope","path":"nope/a.parquet","rows":-1}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		root := t.TempDir()
		lakeDir := filepath.Join(root, "lake")
		outside := filepath.Join(root, "outside.parquet")
		if err := os.WriteFile(outside, []byte("not lake data"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(lakeDir, ManifestDir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(lakeDir, ManifestDir, "fuzz.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = ReadManifests(lakeDir)
		_, _ = VisibleFiles(lakeDir)
		_, _ = Verify(lakeDir)
		_, _ = LastCompleted(lakeDir, []string{"seed"})
		if l, err := Open(lakeDir, "fuzz", nil); err == nil {
			l.Close()
		}
		if _, err := os.Stat(outside); err != nil {
			t.Fatalf("a manifest made the lake touch a file outside it: %v", err)
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 2 {
			t.Fatalf("the lake wrote outside its directory: %v", entries)
		}
	})
}
