package appranking

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

// The strict loader gives exactly the table the CSV holds, read plainly
// (as the collector read it before the loader checked it): 93 aliases.
func TestDefaultTables(t *testing.T) {
	r := csv.NewReader(strings.NewReader(string(aliasesCSV)))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	plain := map[string]string{}
	for _, f := range recs[1:] {
		plain[f[0]] = f[1]
	}
	if len(plain) != 93 || !reflect.DeepEqual(Default.aliases, plain) {
		t.Errorf("loader gives %d aliases, the CSV %d; differ: %v", len(Default.aliases), len(plain), !reflect.DeepEqual(Default.aliases, plain))
	}
	var names []string
	for _, p := range Default.panels {
		names = append(names, p.name+"/"+p.country)
	}
	if want := []string{"IGAWorks Mobile Index/KR", "WiseApp·Retail/KR"}; !reflect.DeepEqual(names, want) {
		t.Errorf("panels %q, want %q", names, want)
	}
	for text, want := range map[string]string{
		"모바일인덱스에 따르면": "IGAWorks Mobile Index", "(자료: 와이즈앱·리테일)": "WiseApp·Retail", "Mobile Index data": "IGAWorks Mobile Index",
	} {
		if p, ok := Default.panelOf("no panel here", text); !ok || p.name != want {
			t.Errorf("panelOf(%q) = %q, %v; want %q", text, p.name, ok, want)
		}
	}
}

func TestTableErrors(t *testing.T) {
	for _, tt := range []struct {
		name, csv, want string
		panels          bool
	}{
		{"header misspelt", "alias,platfrom_id\nx,y\n", `t.csv:1: header "alias,platfrom_id", want "alias,platform_id"`, false},
		{"no rows", "# only a comment\nalias,platform_id\n", "t.csv: no rows", false},
		{"extra field", "alias,platform_id\n라인,line,x\n", "t.csv:2: 3 fields, want 2 (alias,platform_id)", false},
		{"alias twice once normalised", "alias,platform_id\nLINE Messenger,line\nline messenger,line\n", `t.csv:3: alias "line messenger" is line 2's alias again`, false},
		{"not a lake id", "alias,platform_id\n라인,LINE App\n", `t.csv:2: platform_id "LINE App"`, false},
		{"empty alias", "alias,platform_id\n(x),line\n", `t.csv:2: alias "(x)" is empty once normalised`, false},
		{"panel header", "panel,pattern\nP,p\n", `want "panel,country,pattern"`, true},
		{"panel country", "panel,country,pattern\nP,Japan,p\n", `t.csv:2: country "Japan"`, true},
		{"panel pattern", "panel,country,pattern\nP,JP,(\n", "t.csv:2: pattern: error parsing regexp", true},
		{"panel twice", "panel,country,pattern\nP,JP,a\nP,JP,b\n", `t.csv:3: panel "P" twice`, true},
	} {
		var err error
		if tt.panels {
			_, err = ParsePanels([]byte(tt.csv), "t.csv")
		} else {
			_, err = ParseAliases([]byte(tt.csv), "t.csv")
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// The user's own tables replace the default ones: another alias table
// gives other ids, another panel table another source and country, and a
// bad file is a config error naming its key.
func TestOwnTables(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	aliases := write("aliases.csv", "alias,platform_id\n유튜브,yt\n카카오톡,talk_app\n")
	panels := write("panels.csv", "panel,country,pattern\nAny Panel,JP,와이즈앱|모바일인덱스\n")
	c := recordtest.New(t, New, Name, "[sources.appranking]\naliases = '"+aliases+"'\npanels = '"+panels+"'\n")
	rows, s := collect(t, c, recordtest.Files(pages))
	got := map[string]string{}
	for _, r := range rows {
		m := r.(*schema.MAU)
		got[m.PlatformID] = m.Source + "/" + m.Country
	}
	// Every article names 카카오톡, one 유튜브; every other app is now
	// unknown.
	if want := map[string]string{"talk_app": "Any Panel/JP", "yt": "Any Panel/JP"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	if errs := strings.Join(s.Errors(), "\n"); !strings.Contains(errs, `unknown app "네이버"`) {
		t.Errorf("errors lack the unknown apps:\n%s", errs)
	}
	bad := write("bad.csv", "alias,id\n")
	for _, key := range []string{"aliases", "panels"} {
		cfg, err := ingest.ParseConfig([]byte("[sources.appranking]\n" + key + " = '" + bad + "'\n"))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := cfg.Source(Name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(sc)
		if err == nil || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "bad.csv:1: header") {
			t.Errorf("%s = bad.csv: %v", key, err)
		}
	}
}
