package main

// study helper: --study sets the defaults of analyze and sql.

import (
	"encoding/json"
	"strings"
	"testing"
)

// analyzeDefault is one parameter's default in `analyze --list --json`.
func analyzeDefault(t *testing.T, dir string, args []string, name, param string) string {
	t.Helper()
	code, out, errs := runWithConfig(t, dir, "", append(args, "analyze", "--list", "--json", name)...)
	if code != exitOK {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
	}
	var list []analysisInfo
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list[0].Params {
		if p.Name == param {
			return p.Default
		}
	}
	t.Fatalf("%s has no parameter %s", name, param)
	return ""
}

func TestStudyDefaults(t *testing.T) {
	dir := t.TempDir()
	fb := []string{"--study", "facebook_outage_2021"}
	for _, tt := range []struct {
		analysis, param, pangyo, facebook string
	}{
		{"network_effects", "company", "Kakao Corp", "Meta Platforms"},
		{"network_effects", "platform", "kakaotalk", "facebook"},
		{"network_effects", "grain", "year", "quarter"},
		{"blast_radius", "source", "IGAWorks Mobile Index", "Meta IR"},
		{"blast_radius", "failed", "sk_cc_pangyo", "facebook_backbone"},
		{"outage_impact", "country", "KR", "WORLD"},
		{"news_attention", "tz", "Asia/Seoul", "UTC"},
		{"concentration", "category", "messenger", "social,messenger"},
	} {
		if got := analyzeDefault(t, dir, nil, tt.analysis, tt.param); got != tt.pangyo {
			t.Errorf("default study: %s %s = %q, want %q", tt.analysis, tt.param, got, tt.pangyo)
		}
		if got := analyzeDefault(t, dir, []string{"--study", "pangyo_fire_2022"}, tt.analysis, tt.param); got != tt.pangyo {
			t.Errorf("--study pangyo_fire_2022: %s %s = %q, want %q", tt.analysis, tt.param, got, tt.pangyo)
		}
		if got := analyzeDefault(t, dir, fb, tt.analysis, tt.param); got != tt.facebook {
			t.Errorf("--study facebook_outage_2021: %s %s = %q, want %q", tt.analysis, tt.param, got, tt.facebook)
		}
	}

	// With the study's data landed, analyze and sql need no --param.
	conf := "[sources.file]\nstudy = \"facebook_outage_2021\"\n"
	if code, out, errs := runWithConfig(t, dir, conf, "ingest", "--source", "file"); code != exitOK {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	var hit []string
	for _, r := range analyzeRows(t, dir, conf, append(fb, "blast_radius")...) {
		if r["is_failed_node"] == false && r["users"] != nil {
			hit = append(hit, r["node"].(string))
		}
	}
	if strings.Join(hit, ",") != "facebook" {
		t.Errorf("--study facebook_outage_2021 blast_radius weighted nodes %v, want facebook (Meta IR's MAU, worldwide)", hit)
	}
	q := "SELECT getvariable('country') || ' ' || getvariable('incident') || ' ' || getvariable('gateway') AS v"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "KR 2022-10-15-pangyo-fire kakaotalk"},
		{fb, "WORLD 2021-10-04-facebook-outage facebook"},
	} {
		code, out, errs := runWithConfig(t, dir, conf, append(tt.args, "sql", "--csv", q)...)
		if code != exitOK || strings.TrimSpace(out) != "v\n"+tt.want {
			t.Errorf("sql %v: exit %d %q %s, want %q", tt.args, code, out, errs, tt.want)
		}
	}
}
