package lakestore

import (
	"path/filepath"
	"testing"
	"time"
)

func TestList(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	commitPlatforms(t, dir, "r1", at, map[string]string{"kakaotalk": "KakaoTalk", "line": "LINE"})
	commitPlatforms(t, dir, "r2", at.Add(time.Hour), map[string]string{"kakaotalk": "카카오톡"})
	for _, files := range []bool{false, true} {
		l, err := List(dir, files)
		if err != nil {
			t.Fatal(err)
		}
		var p DatasetListing
		for _, d := range l.Datasets {
			if d.Dataset == "platforms" {
				p = d
			}
		}
		if l.Manifests != 2 || p.Files != 2 || p.Rows != 3 || p.Runs != 2 || p.Partitions != 1 || p.LastCommit == nil {
			t.Fatalf("listing %+v, platforms %+v", l, p)
		}
		if want := map[bool]int{false: 0, true: 2}[files]; len(l.Files) != want || l.Writer != nil {
			t.Fatalf("files=%v: %d files listed, writer %v", files, len(l.Files), l.Writer)
		}
	}
}
