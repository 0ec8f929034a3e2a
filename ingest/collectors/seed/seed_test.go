package seed

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwanmun/gwanmun/data"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

func collect(t *testing.T) ([]schema.Row, *ingest.Session) {
	t.Helper()
	var rows []schema.Row
	c := NewFS(data.Seed, "seed")
	s := ingest.NewSession(c, ingest.SessionOptions{RunID: "test", Sink: func(r schema.Row) error {
		rows = append(rows, r)
		return nil
	}})
	if err := c.Collect(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return rows, s
}

func TestSeedLoadsEveryRowCleanly(t *testing.T) {
	rows, s := collect(t)
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("seed produced %d errors, first: %s", len(errs), errs[0])
	}
	if s.Rejected() > 0 {
		t.Fatalf("%d seed rows failed validation", s.Rejected())
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Dataset()]++
		if r.Prov().SourceURL == "" || r.Prov().ContentSHA256 == "" {
			t.Fatalf("%s row without provenance: %+v", r.Dataset(), r)
		}
	}
	// 78 + 37 MAU rows, 26 daily-usage rows and 142 OWID rows.
	want := map[string]int{"mau": 78 + 37 + 26 + 142, "thresholds": 32 + 1, "platforms": 51} // +1: the DOJ/FTC 2023 share presumption (data/seed/README.md)
	for ds, n := range want {
		if counts[ds] != n {
			t.Errorf("%s: %d rows, want %d", ds, counts[ds], n)
		}
	}
	if counts["incidents"] < 47 || counts["services"] != 62+43 || counts["dependencies"] == 0 {
		t.Errorf("counts = %v", counts)
	}
}

func TestSeedKnownFigures(t *testing.T) {
	rows, _ := collect(t)
	var mau *schema.MAU
	var restore *schema.Incident
	var restated, original int
	for _, r := range rows {
		switch v := r.(type) {
		case *schema.MAU:
			if v.PlatformID == "kakaotalk" && v.Country == "KR" && v.PeriodLabel == "2022Q3" && v.Estimator == "company-reported" {
				mau = v
			}
			if v.PlatformID == "kakaotalk" && v.PeriodLabel == "2023-12" {
				if v.Revision == 1 {
					restated++
				} else {
					original++
				}
			}
		case *schema.Incident:
			if v.ServiceID == "kakao_all" && v.Event == "restore" {
				restore = v
			}
		}
	}
	if mau == nil || mau.Value != 47_637_000 || mau.Source != "Kakao IR" || mau.PeriodGrain != "quarter" ||
		!mau.PeriodStart.Equal(time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("KakaoTalk 2022Q3 = %+v, want 47,637,000 company-reported from 2022-07-01", mau)
	}
	if restore == nil {
		t.Fatal("no full-restore event for all Kakao services")
	}
	// 2022-10-20 23:00 KST is 14:00 UTC.
	if want := time.Date(2022, 10, 20, 14, 0, 0, 0, time.UTC); !restore.At.Equal(want) || restore.AtLocal != "2022-10-20T23:00" {
		t.Fatalf("all services restored at %v (%s), want %v", restore.At, restore.AtLocal, want)
	}
	if restated != 1 || original != 1 {
		t.Fatalf("IGAWorks Dec-2023 KakaoTalk: %d original, %d restated; want one of each", original, restated)
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in    string
		start string
		grain string
		bad   bool
	}{
		{"2023Q1", "2023-01-01", "quarter", false},
		{"2022Q3", "2022-07-01", "quarter", false},
		{"2023H1", "2023-01-01", "half", false},
		{"2023H2", "2023-07-01", "half", false},
		{"2023-04", "2023-04-01", "month", false},
		{"2019", "2019-01-01", "year", false},
		{"2022-10-14", "2022-10-14", "day", false},
		{"2023-13", "", "", true},
		{"2023-02-30", "", "", true},
		{"Q3 2022", "", "", true},
		{"", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			start, grain, err := ParsePeriod(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("ParsePeriod(%q) = %v, want an error", tc.in, start)
				}
				return
			}
			if err != nil || start.Format("2006-01-02") != tc.start || grain != tc.grain {
				t.Fatalf("ParsePeriod(%q) = %v %q %v, want %s %s", tc.in, start, grain, err, tc.start, tc.grain)
			}
		})
	}
}

// seedKeys are the embedded seed's keys.
func seedKeys(t *testing.T) *keys {
	t.Helper()
	sub, err := fs.Sub(data.Seed, "seed")
	if err != nil {
		t.Fatal(err)
	}
	k, err := readKeys(sub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestClassifyRejectsUnknownNotes(t *testing.T) {
	k := seedKeys(t)
	if _, err := k.classify("some blog said so", "a blog"); err == nil {
		t.Fatal("an unattributable figure must not get an estimator")
	}
	c, err := k.classify("IGAWorks Mobile Index panel estimate, ANDROID ONLY, June 2020", "")
	if err != nil || c.estimator != "panel" || c.flags[0] != "android_only" {
		t.Fatalf("classify = %+v, %v", c, err)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/want.json")

// TestWant pins every row the snapshot gives, so a change to data/seed or
// to the loader shows up as a reviewed diff of testdata/want.json.
func TestWant(t *testing.T) {
	rows, _ := collect(t)
	recordtest.Golden(t, recordtest.Want, recordtest.Tagged(rows), *update)
}

// seedFS is the embedded seed with keys.toml edited by edit.
func seedFS(t *testing.T, edit func(string) string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(data.Seed, "seed", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.Seed, p)
		if err != nil {
			return err
		}
		if path.Base(p) == KeysFile {
			b = []byte(edit(string(b)))
		}
		m[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func collectFS(t *testing.T, fsys fs.FS) ([]schema.Row, error) {
	t.Helper()
	var rows []schema.Row
	c := NewFS(fsys, "seed")
	s := ingest.NewSession(c, ingest.SessionOptions{RunID: "test", Sink: func(r schema.Row) error {
		rows = append(rows, r)
		return nil
	}})
	err := c.Collect(context.Background(), s)
	if err == nil && len(s.Errors()) > 0 {
		err = errors.New(strings.Join(s.Errors(), "\n"))
	}
	return rows, err
}

// The keys, not Go, say who measured a figure, in which currency a
// financial file is, which gateway a label is and how a threshold is keyed:
// edit them and the rows follow.
func TestKeysDriveTheLoad(t *testing.T) {
	fsys := seedFS(t, func(s string) string {
		s = strings.Replace(s, `source = "IGAWorks Mobile Index"`, `source = "Panel X"`, 1)
		s = strings.Replace(s, `currency = "KRW"`, `currency = "JPY"`, 1)
		s = strings.Replace(s, "label = \"KakaoTalk\"\ngateway = \"kakao\"", "label = \"KakaoTalk\"\ngateway = \"g1\"", 1)
		s = strings.Replace(s, `id = "eu_dsa_vlop"`, `id = "dsa"`, 1)
		s = strings.Replace(s, `zone_name = "KST"`, `zone_name = "L"`, 1)
		return strings.Replace(s, `utc_offset = "+09:00"`, `utc_offset = "+01:00"`, 1)
	})
	rows, err := collectFS(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	var panel, krw, jpy, g1, dsa int
	var fire *schema.Incident
	for _, r := range rows {
		switch v := r.(type) {
		case *schema.MAU:
			if v.Source == "Panel X" && v.Estimator == "panel" {
				panel++
			}
		case *schema.Financial:
			switch v.Currency {
			case "KRW":
				krw++
			case "JPY":
				jpy++
			}
		case *schema.Service:
			if v.GatewayID == "g1" {
				g1++
			}
		case *schema.Threshold:
			if v.RegimeID == "dsa" && v.LegalText == "https://eur-lex.europa.eu/eli/reg/2022/2065/oj" {
				dsa++
			}
		case *schema.Incident:
			if v.AtLocal == "2022-10-15T15:19" && fire == nil {
				fire = v
			}
		}
	}
	if panel == 0 || krw != 0 || jpy == 0 || g1 != 28 || dsa == 0 {
		t.Errorf("panel %d, KRW %d, JPY %d, g1 services %d, dsa thresholds %d", panel, krw, jpy, g1, dsa)
	}
	// 15:19 at UTC+01:00 is 14:19 UTC.
	if fire == nil || fire.UTCOffset != "+01:00" || !fire.At.Equal(time.Date(2022, 10, 15, 14, 19, 0, 0, time.UTC)) {
		t.Errorf("fire start %+v", fire)
	}
}

// A keys file with a key the loader does not know, a wrong type or a bad
// value fails the load with an error naming it; nothing is guessed.
func TestBadKeys(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(string) string
		want string
	}{
		"unknown key": {func(s string) string { return strings.Replace(s, "utc_offset =", "utc_ofset =", 1) }, `unknown key "utc_ofset"`},
		"unknown nested key": {func(s string) string { return strings.Replace(s, "impaired_hosting = true", "impaired = true", 1) },
			`unknown key "services.gateways.impaired"`},
		"wrong type":       {func(s string) string { return strings.Replace(s, "always = true", `always = "yes"`, 1) }, `key "services.building_blocks.always"`},
		"unknown currency": {func(s string) string { return strings.Replace(s, `currency = "KRW"`, `currency = "WON"`, 1) }, `currency "WON" is not an ISO 4217 code`},
		"bad offset":       {func(s string) string { return strings.Replace(s, `"+09:00"`, `"KST"`, 1) }, `utc_offset "KST": want +HH:MM`},
		"no rule measures": {func(s string) string {
			return strings.Replace(s, `words = ["igaworks"]`, `words = ["igaworks panel v2"]`, 1)
		},
			"cannot tell who measured this figure"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := collectFS(t, seedFS(t, tc.edit))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load error %v, want %q", err, tc.want)
			}
		})
	}
}
