package analysis

import (
	"context"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/study"
)

// Each shipped study gives the analyses its own defaults; the default
// study's are the catalog's.
func TestForStudy(t *testing.T) {
	fb, err := study.Open("facebook_outage_2021", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		study           *study.Study
		analysis, param string
		want            string
	}{
		{study.Default(), "network_effects", "company", "Kakao Corp"},
		{study.Default(), "network_effects", "platform", "kakaotalk"},
		{study.Default(), "network_effects", "country", "KR"},
		{study.Default(), "blast_radius", "source", "IGAWorks Mobile Index"},
		{study.Default(), "blast_radius", "failed", "sk_cc_pangyo"},
		{study.Default(), "blast_radius", "as_of", "2022-10-15"},
		{study.Default(), "outage_impact", "tz", "Asia/Seoul"},
		{study.Default(), "concentration", "category", "messenger"},
		{study.Default(), "concentration_sensitivity", "markets", "messenger;messenger,social;social;portal;video;video,social;maps;content"},
		{study.Default(), "designation", "country", "KR"},
		{fb, "network_effects", "company", "Meta Platforms"},
		{fb, "network_effects", "platform", "facebook"},
		{fb, "network_effects", "country", "WORLD"},
		{fb, "blast_radius", "source", "Meta IR"},
		{fb, "blast_radius", "failed", "facebook_backbone"},
		{fb, "blast_radius", "as_of", "2021-10-04"},
		{fb, "outage_impact", "tz", "UTC"},
		{fb, "news_volume", "incident", "2021-10-04-facebook-outage"},
		{fb, "concentration", "category", "social,messenger"},
		{fb, "concentration", "country", "WORLD"},
		{fb, "concentration_sensitivity", "markets", "social,messenger"},
		{fb, "designation", "country", "WORLD"},
		{fb, "mau_trend", "country", ""},
		{study.Default(), "lockin", "login_nodes", "kakao:kakao_login,kakaotalk:kakao_login,naver:naver_login,naver:naver_id"},
		{fb, "lockin", "login_nodes", ""}, // the facebook study names no login node
	}
	for _, tt := range tests {
		a, err := Find(ForStudy(tt.study), tt.analysis)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, p := range a.Params {
			if p.Name == tt.param {
				got = p.Default
			}
		}
		if got != tt.want {
			t.Errorf("%s: %s %s default %q, want %q", tt.study.Name, tt.analysis, tt.param, got, tt.want)
		}
	}
	// Catalog is the default study's.
	for i, a := range ForStudy(study.Default()) {
		for j, p := range a.Params {
			if Catalog[i].Params[j] != p {
				t.Errorf("Catalog %s %s = %+v, default study gives %+v", a.Name, p.Name, Catalog[i].Params[j], p)
			}
		}
	}
}

// Every Study key a parameter names is one StudyDefaults fills.
func TestStudyKeys(t *testing.T) {
	_ = ForStudy(nil) // panics on an unknown key
	d := StudyDefaults(study.Default())
	for _, k := range StudyKeys {
		if d[k] == "" {
			t.Errorf("the default study gives no %s", k)
		}
	}
}

// The sql command's variables are the study's defaults.
func TestSetStudyVariables(t *testing.T) {
	db, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, tt := range []struct{ name, want string }{{"pangyo_fire_2022", "KR|Asia/Seoul"}, {"facebook_outage_2021", "WORLD|UTC"}} {
		s, err := study.Open(tt.name, "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetStudyVariables(ctx, s); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := db.QueryRowContext(ctx, `SELECT getvariable('country') || '|' || getvariable('tz')`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: variables %q, want %q", tt.name, got, tt.want)
		}
	}
}
