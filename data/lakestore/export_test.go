package lakestore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// commitPlatforms commits platform rows as one run, fetched at the given time.
func commitPlatforms(t *testing.T, dir, runID string, at time.Time, names map[string]string) {
	t.Helper()
	l, err := Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("platforms")
	var rows []schema.Row
	for id, name := range names {
		rows = append(rows, &schema.Platform{PlatformID: id, Name: name, Country: "KR",
			Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: at, RunID: runID}})
	}
	txn := l.Begin(runID)
	if err := txn.Write(ds, "", rows); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}

func TestExportCSV(t *testing.T) {
	lake := filepath.Join(t.TempDir(), "lake")
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	commitPlatforms(t, lake, "r1", at, map[string]string{"kakaotalk": "KakaoTalk", "line": "LINE"})
	commitPlatforms(t, lake, "r2", at.Add(time.Hour), map[string]string{"kakaotalk": "카카오톡"})
	ds, _ := schema.Lookup("platforms")
	for _, tc := range []struct {
		name  string
		o     ExportOptions
		rows  int64
		names []string
	}{
		{"latest per key", ExportOptions{Datasets: []schema.Dataset{ds}}, 2, []string{"카카오톡", "LINE"}},
		{"every row", ExportOptions{Datasets: []schema.Dataset{ds}, All: true}, 3, []string{"KakaoTalk", "카카오톡", "LINE"}},
		{"with BOM", ExportOptions{Datasets: []schema.Dataset{ds}, BOM: true}, 2, []string{"카카오톡"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "csv")
			done, err := ExportCSV(context.Background(), lake, out, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if len(done) != 1 || done[0].Rows != tc.rows {
				t.Fatalf("exported %+v, want %d rows", done, tc.rows)
			}
			p := filepath.Join(out, "platforms.csv")
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o644 {
				t.Errorf("mode %v, want 0644", st.Mode().Perm())
			}
			b, _ := os.ReadFile(p)
			if got := strings.HasPrefix(string(b), utf8BOM); got != tc.o.BOM {
				t.Errorf("BOM present = %v, want %v", got, tc.o.BOM)
			}
			if !strings.HasPrefix(strings.TrimPrefix(string(b), utf8BOM), "platform_id,name,") {
				t.Errorf("header: %q", b)
			}
			for _, n := range tc.names {
				if !strings.Contains(string(b), ","+n+",") {
					t.Errorf("platforms.csv lacks %q:\n%s", n, b)
				}
			}
			if !tc.o.All && strings.Contains(string(b), ",KakaoTalk,") {
				t.Errorf("the superseded version was exported:\n%s", b)
			}
		})
	}
}

func TestExportDuckDB(t *testing.T) {
	lake := filepath.Join(t.TempDir(), "lake")
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	commitPlatforms(t, lake, "r1", at, map[string]string{"kakaotalk": "KakaoTalk", "line": "LINE"})
	commitPlatforms(t, lake, "r2", at.Add(time.Hour), map[string]string{"kakaotalk": "카카오톡"})
	dst := filepath.Join(t.TempDir(), "out", "g.duckdb")
	done, err := ExportDuckDB(context.Background(), lake, dst, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != len(schema.Datasets()) {
		t.Fatalf("exported %d datasets, want all %d", len(done), len(schema.Datasets()))
	}
	db, err := OpenDuckDB(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	if err := db.QueryRow(`SELECT name FROM platforms WHERE platform_id = 'kakaotalk'`).Scan(&name); err != nil || name != "카카오톡" {
		t.Fatalf("kakaotalk is %q (%v), want the latest version", name, err)
	}
}
