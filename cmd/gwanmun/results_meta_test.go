package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
)

// `analyze` saves each result with the parameters it ran with, defaults
// and the --study's incident included, and the vintage of the lake read.
func TestAnalyzeSavesItsParameters(t *testing.T) {
	lake := seedLake(t)
	vintage, err := analysis.LakeVintage(lake)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		study, incident, asOf, country, concentration string
	}{
		{"", "2022-10-15-pangyo-fire", "2022-10-15", "KR",
			`{"category":"messenger","country":"KR","internet_users":"","merge":"discord,telegram"}`},
		// The study's own market and country, not the default study's.
		{"facebook_outage_2021", "2021-10-04-facebook-outage", "2021-10-04", "WORLD",
			`{"category":"social,messenger","country":"WORLD","internet_users":"","merge":"discord,telegram"}`},
	} {
		results := t.TempDir()
		args := []string{"analyze", "outage_impact", "concentration", "--param", "merge=discord,telegram", "--results", results, "--json"}
		if tc.study != "" {
			args = append([]string{"--study", tc.study}, args...)
		}
		if code, _, errs := runCLI(t, lake, args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		db, err := analysis.Open(context.Background(), "", analysis.Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		meta := func(name string) map[string]string {
			kv, err := db.Query(context.Background(), "SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)", filepath.Join(results, name+".parquet"))
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, r := range kv.Rows {
				out[r[0].(string)] = r[1].(string)
			}
			return out
		}
		study := tc.study
		if study == "" {
			study = "pangyo_fire_2022"
		}
		m := meta("outage_impact")
		var p map[string]string
		if err := json.Unmarshal([]byte(m[analysis.MetaParams]), &p); err != nil {
			t.Fatal(err)
		}
		if p["incident"] != tc.incident || p["as_of"] != tc.asOf || p["country"] != tc.country || m[analysis.MetaAsOf] != tc.asOf ||
			m[analysis.MetaStudy] != study || m[analysis.MetaLakeVintage] != vintage || vintage == "e3b0c44298fc1c14 (0 files)" {
			t.Errorf("study %q: outage_impact saved with %v", tc.study, m)
		}
		if c := meta("concentration"); c[analysis.MetaParams] != tc.concentration {
			t.Errorf("concentration saved with %v", c)
		}
		db.Close()
	}
}
