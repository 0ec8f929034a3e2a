package irrelease

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

// The embedded issuer is the one the rows (want.json) were made with.
func TestDefaultIssuer(t *testing.T) {
	is := DefaultIssuer
	if got := []string{is.Company, is.Source, is.Platform, is.HomeCountry}; !reflect.DeepEqual(got, []string{"Kakao Corp", "Kakao IR", "kakaotalk", "KR"}) {
		t.Errorf("issuer %q", got)
	}
	if len(is.rules) != 13 {
		t.Errorf("%d keyword rules, want 13 (all four name patterns set)", len(is.rules))
	}
}

// ownIssuer is another company's issuer file, as a user writes it.
const ownIssuer = `company = "Example Corp"
source = "Example IR"
platform = "example_talk"
home_country = "JP"
platform_names = "예제톡"
company_names = "예제(?:[는가의]|\\s)"
`

// An article about the own issuer gives its rows under its names (and
// its home country for 국내 and 해외), and nothing under the default one.
func TestOwnIssuer(t *testing.T) {
	is, err := ParseIssuer([]byte(ownIssuer), "own.toml")
	if err != nil {
		t.Fatal(err)
	}
	body := article("2022-11-03",
		"예제는 2022년 3분기 매출 2조573억원, 영업이익 3302억원을 기록했다.",
		"예제톡 국내 MAU는 2022년 3분기 4,300만명, 해외 MAU는 1,200만명이다.")
	rows := func(is *Issuer) []string {
		pg, err := is.parse(body)
		if err != nil {
			return []string{err.Error()}
		}
		var out []string
		for _, r := range pg.rows {
			switch r := r.(type) {
			case *schema.MAU:
				out = append(out, fmt.Sprintf("mau %s %s %s %s %.0f", r.PlatformID, r.Source, r.Country, r.PeriodLabel, r.Value))
			case *schema.Financial:
				out = append(out, fmt.Sprintf("%s %s %s %.0f", r.Company, r.Metric, r.PeriodLabel, r.Value))
			}
		}
		return out
	}
	want := []string{
		"Example Corp revenue 2022Q3 2057300000000",
		"Example Corp operating_profit 2022Q3 330200000000",
		"mau example_talk Example IR JP 2022Q3 43000000",
		"mau example_talk Example IR WORLD_EX_JP 2022Q3 12000000",
	}
	if got := rows(is); !reflect.DeepEqual(got, want) {
		t.Errorf("own issuer:\n%q\nwant\n%q", got, want)
	}
	if got := rows(DefaultIssuer); len(got) != 1 || !strings.Contains(got[0], "no kakaotalk MAU") {
		t.Errorf("default issuer on another company's article: %q", got)
	}
}

func TestIssuerErrors(t *testing.T) {
	for _, tt := range []struct{ name, file, want string }{
		{"misspelt key", strings.Replace(ownIssuer, "platform_names", "platfrom_names", 1), `own.toml:5:1: unknown key "platfrom_names"`},
		{"wrong type", strings.Replace(ownIssuer, `home_country = "JP"`, `home_country = 392`, 1), `own.toml:4:16: key "home_country"`},
		{"required", strings.Replace(ownIssuer, `source = "Example IR"`, ``, 1), "own.toml: company and source are required"},
		{"not a lake id", strings.Replace(ownIssuer, `"example_talk"`, `"Example Talk"`, 1), `platform "Example Talk": want a lake id`},
		{"country", strings.Replace(ownIssuer, `"JP"`, `"Japan"`, 1), `home_country "Japan"`},
		{"bad pattern", ownIssuer + "other_names = \"(\"\n", "own.toml: other_names: error parsing regexp"},
		{"pattern matching nothing in particular", ownIssuer + "panel_names = \"x?\"\n", `panel_names "x?" matches the empty string`},
		{"no company names", strings.Replace(ownIssuer, "company_names", "#", 1), "company_names is required"},
	} {
		if _, err := ParseIssuer([]byte(tt.file), "own.toml"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// issuer = "file.toml" in the sources file replaces the default; a bad
// file is a config error naming the key.
func TestIssuerKey(t *testing.T) {
	dir := t.TempDir()
	own, bad := filepath.Join(dir, "own.toml"), filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(own, []byte(ownIssuer), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(ownIssuer+"sorce = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := recordtest.New(t, New, Name, "[sources.irrelease]\nissuer = '"+own+"'\n")
	if d := c.Info().Description; !strings.Contains(d, "example_talk MAU and Example Corp revenue") {
		t.Errorf("description %q", d)
	}
	cfg, err := ingest.ParseConfig([]byte("[sources.irrelease]\nissuer = '" + bad + "'\n"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := cfg.Source(Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(sc); err == nil || !strings.Contains(err.Error(), `"issuer"`) || !strings.Contains(err.Error(), `bad.toml:7:1: unknown key "sorce"`) {
		t.Errorf("bad issuer file: %v", err)
	}
}
