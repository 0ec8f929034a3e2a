package analysis

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
)

// Results executes an analysis once per set of parameter values; a value
// equal to the default is the same set. Analyses a Compute step runs
// inside are not outer executions.
func TestResultsRunEachAnalysisOnce(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	runs := map[string]int{}
	db.OnRun = func(name string) { runs[name]++ }
	res := NewResults(db)
	dir := t.TempDir()
	for _, step := range []struct {
		name   string
		params map[string]string
		save   bool
	}{
		{"concentration", nil, true},
		{"concentration", map[string]string{"category": "messenger", "country": "KR"}, false}, // the defaults
		{"concentration", map[string]string{"category": "portal"}, false},                     // a different result
		{"concentration_sensitivity", nil, true},
		{"concentration_sensitivity", nil, false},
		{"outage_impact", nil, true},
		{"outage_impact", map[string]string{"incident": "2022-10-15-pangyo-fire"}, false},
	} {
		a, _ := Lookup(step.name)
		dst := ""
		if step.save {
			dst = filepath.Join(dir, step.name+".parquet")
		}
		t1, err := res.Save(ctx, a, step.params, dst)
		if err != nil {
			t.Fatal(err)
		}
		if len(t1.Rows) == 0 {
			t.Fatalf("%s %v: no rows", step.name, step.params)
		}
		if step.save {
			got, err := db.Query(ctx, "SELECT count(*) AS n FROM read_parquet(?)", dst)
			if err != nil || got.Rows[0][0] != int64(len(t1.Rows)) {
				t.Fatalf("%s saved %v rows (%v), computed %d", step.name, got, err, len(t1.Rows))
			}
		}
	}
	want := map[string]int{"concentration": 2, "concentration_sensitivity": 1, "outage_impact": 1}
	for name, n := range want {
		if runs[name] != n {
			t.Errorf("%s executed %d times, want %d (all: %v)", name, runs[name], n, runs)
		}
	}
	if len(runs) != len(want) {
		t.Errorf("executions %v, want %v", runs, want)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		o  Options
		ok bool
	}{
		{Options{}, true},
		{Options{MemoryLimit: "4GB", Threads: 2}, true},
		{Options{MemoryLimit: "512 MiB"}, true},
		{Options{MemoryLimit: "abc"}, false},
		{Options{MemoryLimit: "4GB'; SET x = '1"}, false},
		{Options{Threads: -5}, false},
	} {
		if err := tc.o.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v, want ok=%v", tc.o, err, tc.ok)
		}
	}
}

// RunSave's single execution (materialised once, then scanned and copied)
// gives exactly what Run gives, row order included, for every analysis.
func TestRunSaveEqualsRun(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	dir := t.TempDir()
	for _, a := range Catalog {
		want, err := db.Run(ctx, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.RunSave(ctx, a, nil, filepath.Join(dir, a.Name+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: RunSave and Run differ (%d vs %d rows)", a.Name, len(got.Rows), len(want.Rows))
		}
	}
}

// A saved result records how it was made: every parameter with defaults
// filled in, as_of, the study and the lake's vintage, in the Parquet
// file's key-value metadata — from the SQL path, the Compute path and a
// result saved again from the cache alike.
func TestSavedResultsRecordTheirParameters(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	dir := t.TempDir()
	res := NewResults(db)
	vintage, err := LakeVintage(db.LakeDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		params map[string]string
		file   string
		want   map[string]string
		asOf   string
	}{
		{"concentration", map[string]string{"merge": "discord,telegram"}, "concentration.parquet",
			map[string]string{"category": "messenger", "country": "KR", "internet_users": "", "merge": "discord,telegram"},
			"none: concentration takes no as_of parameter"},
		{"lockin", map[string]string{"as_of": "2022-10-15"}, "lockin.parquet",
			map[string]string{"gateway": "", "country": "KR", "source": "IGAWorks Mobile Index", "kinds": defaultCentralityKinds, "as_of": "2022-10-15",
				"login_nodes": "kakao:kakao_login,kakaotalk:kakao_login,naver:naver_login,naver:naver_id"},
			"2022-10-15"},
		{"blast_radius", nil, "blast_radius.parquet",
			map[string]string{"failed": "sk_cc_pangyo", "kinds": "", "country": "KR", "source": "IGAWorks Mobile Index", "as_of": "2022-10-15"},
			"2022-10-15"},
		// The same result again: saved from the cache, still with its parameters.
		{"lockin", map[string]string{"as_of": "2022-10-15"}, "lockin-again.parquet",
			map[string]string{"gateway": "", "country": "KR", "source": "IGAWorks Mobile Index", "kinds": defaultCentralityKinds, "as_of": "2022-10-15",
				"login_nodes": "kakao:kakao_login,kakaotalk:kakao_login,naver:naver_login,naver:naver_id"},
			"2022-10-15"},
	} {
		a, _ := Lookup(tc.name)
		dst := filepath.Join(dir, tc.file)
		if _, err := res.Save(ctx, a, tc.params, dst); err != nil {
			t.Fatal(err)
		}
		meta := readMeta(t, db, dst)
		var params map[string]string
		if err := json.Unmarshal([]byte(meta[MetaParams]), &params); err != nil || !reflect.DeepEqual(params, tc.want) {
			t.Errorf("%s: params %s (%v), want %v", tc.file, meta[MetaParams], err, tc.want)
		}
		want := map[string]string{MetaAnalysis: tc.name, MetaAsOf: tc.asOf, MetaStudy: "pangyo_fire_2022", MetaLakeVintage: vintage}
		for k, v := range want {
			if meta[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.file, k, meta[k], v)
			}
		}
	}
	// The vintage names the data: the seed test lake has no manifests.
	if vintage != "e3b0c44298fc1c14 (0 files)" {
		t.Errorf("vintage of a lake without manifests: %s", vintage)
	}
}

func readMeta(t *testing.T, db *DB, file string) map[string]string {
	t.Helper()
	kv, err := db.Query(context.Background(), "SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(?)", file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range kv.Rows {
		out[asString(r[0])] = asString(r[1])
	}
	return out
}
