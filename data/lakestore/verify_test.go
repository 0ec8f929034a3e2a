package lakestore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

func TestReadRowsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := versionedRows(3, time.Date(2024, 1, 1, 12, 0, 0, 123456000, time.UTC), 5)
	commit(t, dir, "r1", in)
	files, _ := VisibleFiles(dir)
	ds, _ := schema.Lookup("mau")
	var got []string
	for _, f := range files["mau"] {
		rows, err := ReadRows(f, ds)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			got = append(got, rowJSON(r))
		}
	}
	want := map[string]bool{}
	for _, r := range in {
		want[rowJSON(r)] = true
	}
	if len(got) != len(in) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(in))
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("row read back differs from every row written: %s", g)
		}
	}
}

func TestVerifyCleanLake(t *testing.T) {
	dir := t.TempDir()
	threeRuns(t, dir)
	rep, err := Verify(dir)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	d := rep.Datasets[0]
	if d.Dataset != "mau" || d.Files != 6 || d.Rows != 12 || d.Keys != 6 || d.Shadowed != 6 || d.Conflicts != 0 {
		t.Fatalf("mau report = %+v", d)
	}
}

// TestVerifyFindsDamage breaks a healthy lake one way per case.
func TestVerifyFindsDamage(t *testing.T) {
	firstFile := func(t *testing.T, dir string) string {
		ms, _ := ReadManifests(dir)
		return filepath.Join(dir, filepath.FromSlash(ms[0].Files[0].Path))
	}
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir string)
		want   string
	}{
		{"missing file", func(t *testing.T, dir string) { os.Remove(firstFile(t, dir)) }, "is missing"},
		{"truncated file", func(t *testing.T, dir string) {
			f := firstFile(t, dir)
			st, _ := os.Stat(f)
			os.Truncate(f, st.Size()/2)
		}, "manifest says"},
		{"flipped byte", func(t *testing.T, dir string) {
			f := firstFile(t, dir)
			b, _ := os.ReadFile(f)
			b[len(b)/2] ^= 0xff
			os.WriteFile(f, b, 0o644)
		}, "sha256"},
		{"orphan file", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(firstFile(t, dir))
			os.WriteFile(filepath.Join(dir, "mau", "year=2020", "part-stray.parquet"), b, 0o644)
		}, "no manifest names it"},
		{"file named twice", func(t *testing.T, dir string) {
			ms, _ := ReadManifests(dir)
			m := ms[1]
			m.Files = append(m.Files, ms[0].Files[0])
			b, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(dir, ManifestDir, m.RunID+".json"), b, 0o644)
		}, "is named by runs"},
		{"wrong schema", func(t *testing.T, dir string) {
			// A platforms file passed off as mau: right bytes, wrong columns.
			l, _ := Open(dir, "p", nil)
			ds, _ := schema.Lookup("platforms")
			txn := l.Begin("p")
			txn.Write(ds, "", []schema.Row{&schema.Platform{PlatformID: "x", Name: "X"}})
			m, _ := txn.Commit([]string{"test"})
			l.Close()
			mau, _ := schema.Lookup("mau")
			m.Files[0].Dataset, m.Files[0].DatasetVersion = "mau", mau.Version
			b, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(dir, ManifestDir, "p.json"), b, 0o644)
		}, "dataset mau v2 has"},
		{"ambiguous key", func(t *testing.T, dir string) {
			at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			a, b := versionedRows(1, at, 1), versionedRows(1, at, 2)
			l, _ := Open(dir, "amb", nil)
			ds, _ := schema.Lookup("mau")
			txn := l.Begin("amb")
			for _, r := range append(a, b...) {
				r.Prov().RunID = "amb"
				txn.Write(ds, partOf(r), []schema.Row{r})
			}
			txn.Commit([]string{"test"})
			l.Close()
		}, "natural key(s) have two different rows"},
		{"path outside the lake", func(t *testing.T, dir string) {
			ms, _ := ReadManifests(dir)
			m := ms[0]
			m.Supersedes = []string{"../../etc/passwd.parquet"}
			b, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(dir, ManifestDir, m.RunID+".json"), b, 0o644)
		}, "bad file path"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			threeRuns(t, dir)
			c.break_(t, dir)
			rep, err := Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), c.want) {
				t.Fatalf("problems %q, want one saying %q", rep.Problems, c.want)
			}
		})
	}
}

func TestVerifyNotesWhatRecoveryWillFix(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, "first", 0)
	crashAt(t, dir, "staged")
	rep, err := Verify(dir)
	if err != nil || !rep.OK() {
		t.Fatalf("an interrupted run is not a problem: %v %v", err, rep.Problems)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "run crashed was interrupted") {
		t.Fatalf("notes %q do not mention the interrupted run", rep.Notes)
	}
}
