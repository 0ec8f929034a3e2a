package main

// study helper: issue 12's done-when check, end to end through the CLI.

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// marketConfig is the config block a researcher writes to bring another
// market (Tencent in CNY, Facebook in USD) into the lake: no Go.
func marketConfig(t *testing.T, mauFile string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "ingest", "collectors", "file", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	q := func(p string) string { b, _ := json.Marshal(filepath.Join(dir, p)); return string(b) }
	return `
[sources.file]
[[sources.file.files]]
path = ` + q("market/platforms.csv") + `
dataset = "platforms"

[[sources.file.files]]
path = ` + q(mauFile) + `
dataset = "mau"
[sources.file.files.columns]
value = "users"
[sources.file.files.constants]
metric = "mau"
unit = "persons"
estimator = "company-reported"

[[sources.file.files]]
path = ` + q("market/financials.csv") + `
dataset = "financials"
[sources.file.files.columns]
value = "revenue"
[sources.file.files.constants]
metric = "revenue"
`
}

func runWithConfig(t *testing.T, dir, conf string, args ...string) (int, string, string) {
	t.Helper()
	cfg := filepath.Join(dir, "sources.toml")
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := execute(context.Background(), append([]string{"--config", cfg, "--lake", filepath.Join(dir, "lake")}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func analyzeRows(t *testing.T, dir, conf string, args ...string) []map[string]any {
	t.Helper()
	code, out, errs := runWithConfig(t, dir, conf, append([]string{"analyze", "--json", "--results", ""}, args...)...)
	if code != exitOK {
		t.Fatalf("analyze %v: exit %d\n%s%s", args, code, out, errs)
	}
	var res []analysisResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		var one analysisResult
		if err2 := json.Unmarshal([]byte(out), &one); err2 != nil {
			t.Fatalf("analyze output: %v\n%s", err, out)
		}
		res = []analysisResult{one}
	}
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	return res[0].Rows
}

func TestFileImportDoneWhen(t *testing.T) {
	for _, mau := range []string{"market/mau.csv", "market/mau.parquet", "market/mau.xlsx"} {
		t.Run(filepath.Ext(mau), func(t *testing.T) {
			dir := t.TempDir()
			conf := marketConfig(t, mau)
			if code, out, errs := runWithConfig(t, dir, conf, "ingest", "--source", "file"); code != exitOK {
				t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
			}
			// Provenance: the rows name their source and collector.
			code, out, errs := runWithConfig(t, dir, conf, "sql", "--format", "csv",
				"SELECT collector, source_url FROM mau WHERE platform_id = 'qq'")
			if code != exitOK || !strings.Contains(out, "file,https://chinastockmarketnews.com/post/557550.html") {
				t.Fatalf("provenance: exit %d\n%s%s", code, out, errs)
			}

			rows := analyzeRows(t, dir, conf, "concentration", "--param", "category=messenger", "--param", "country=CN")
			if len(rows) != 1 {
				t.Fatalf("concentration: %d rows: %v", len(rows), rows)
			}
			// WeChat 1,268M and QQ 552M: shares 1268/1820 and 552/1820.
			s1, s2 := 1268.0/1820, 552.0/1820
			want := 10000 * (s1*s1 + s2*s2)
			if hhi, _ := rows[0]["hhi"].(float64); math.Abs(hhi-want) > 1e-6 || rows[0]["leader"] != "wechat" {
				t.Fatalf("concentration row %v, want HHI %.4f", rows[0], want)
			}

			rows = analyzeRows(t, dir, conf, "network_effects", "--param", "company=Meta Platforms",
				"--param", "platform=facebook", "--param", "country=WORLD", "--param", "grain=quarter")
			if len(rows) == 0 {
				t.Fatal("network_effects: no fits")
			}
			for _, r := range rows {
				if n, _ := r["n_points"].(float64); n != 3 {
					t.Fatalf("network_effects row %v: want 3 points (Q3 2019, 2020, 2021)", r)
				}
			}
		})
	}
}

// A wrong unit, currency or column fails the run (exit 1) naming
// file:line:column, and nothing of the file lands.
func TestFileImportBadInput(t *testing.T) {
	tests := []struct{ name, mau, fin, want string }{
		{"unit", "bad/mau_krw.jsonl", "market/financials.csv", `mau_krw.jsonl:1:482: mau is counted in persons, not in "KRW"`},
		{"currency", "market/mau.csv", "bad/financials_xyz.csv", `financials_xyz.csv:3:36: revenue: currency "XYZ" is not an ISO 4217 code`},
		{"column", "bad/mau_extra.csv", "market/financials.csv", `mau_extra.csv:1:34: column "users_m" is not a mau column`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			conf := marketConfig(t, tt.mau)
			conf = strings.Replace(conf, "market/financials.csv", tt.fin, 1)
			if tt.name == "unit" {
				conf = strings.Replace(conf, "unit = \"persons\"\n", "", 1)
			}
			// Only the bad file is configured, so the run lands nothing.
			conf = onlyFile(conf, filepath.Base(map[bool]string{true: tt.fin, false: tt.mau}[tt.name == "currency"]))
			code, out, errs := runWithConfig(t, dir, conf, "ingest", "--source", "file")
			if code != exitFailure {
				t.Fatalf("exit %d, want %d\n%s%s", code, exitFailure, out, errs)
			}
			if !strings.Contains(strings.ReplaceAll(out+errs, `\"`, `"`), tt.want) {
				t.Fatalf("output does not name the cell %q:\n%s%s", tt.want, out, errs)
			}
			code, out, _ = runWithConfig(t, dir, conf, "sql", "--format", "csv",
				"SELECT (SELECT count(*) FROM mau WHERE collector = 'file') + (SELECT count(*) FROM financials WHERE collector = 'file') AS n")
			if code != exitOK || strings.TrimSpace(out) != "n\n0" {
				t.Fatalf("rows of a bad file landed: exit %d %q", code, out)
			}
		})
	}
}

// onlyFile keeps the [[sources.file.files]] entry whose path ends in name.
func onlyFile(conf, name string) string {
	parts := strings.Split(conf, "[[sources.file.files]]")
	out := parts[0]
	for _, p := range parts[1:] {
		if strings.Contains(strings.SplitN(p, "\n", 3)[1], name) {
			out += "[[sources.file.files]]" + p
		}
	}
	return out
}

// The second study lands from its config block alone and its incident
// answers the outage analyses: the backbone failed at 15:40 UTC and the
// apps were coming back at 22:30 UTC, 6 h 50 min later.
func TestSecondStudyIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	conf := "[sources.file]\nstudy = \"facebook_outage_2021\"\n"
	if code, out, errs := runWithConfig(t, dir, conf, "ingest", "--source", "file"); code != exitOK {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	rows := analyzeRows(t, dir, conf, "outage_durations", "--param", "incident=2021-10-04-facebook-outage", "--param", "root=facebook_backbone")
	found := false
	for _, r := range rows {
		b, _ := json.Marshal(r)
		if r["service_id"] == "facebook" {
			found = true
			if !strings.Contains(string(b), "6.8333") {
				t.Fatalf("facebook outage row %s: want 6.8333 hours to first restore", b)
			}
		}
	}
	if !found {
		t.Fatalf("no facebook row in %v", rows)
	}
	rows = analyzeRows(t, dir, conf, "blast_radius", "--param", "failed=facebook_backbone", "--param", "country=WORLD", "--param", "as_of=2021-10-04")
	var hit []string
	for _, r := range rows {
		if r["is_failed_node"] == false {
			hit = append(hit, r["node"].(string))
		}
	}
	if strings.Join(hit, ",") != "facebook,instagram,whatsapp" {
		t.Fatalf("blast radius %v, want facebook, instagram, whatsapp", hit)
	}

	// --study renders the study's own report: its title and sections,
	// nothing of the default study's incident.
	out := filepath.Join(dir, "report")
	if code, stdout, errs := runWithConfig(t, dir, conf, "--study", "facebook_outage_2021", "report", "-o", out); code != exitOK {
		t.Fatalf("report: exit %d\n%s%s", code, stdout, errs)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	// Six sections, methods and references; the print appendix of wide
	// tables, when there is one, has a heading of its own.
	sections := strings.Count(html, "<h2>") - strings.Count(html, `<section class="appendix">`)
	if !strings.Contains(html, "the 2021-10-04 Facebook outage</h1>") || strings.Contains(html, "Pangyo") || sections != 6+2 {
		t.Fatalf("the study's report is not its own: %d sections", sections)
	}
	// Nothing Korea-centred: no Korean market, gateway, panel or clock;
	// the MAU trend and network effects are Facebook's, worldwide.
	for _, bad := range []string{"Korea", "Kakao", "kakaotalk", "IGAWorks", "KST", "Asia/Seoul"} {
		if strings.Contains(html, bad) {
			t.Errorf("the facebook study's report names %q", bad)
		}
	}
	for _, want := range []string{"Meta IR", "2,910", "UTC"} {
		if !strings.Contains(html, want) {
			t.Errorf("the facebook study's report lacks %q", want)
		}
	}
	if code, _, _ := runWithConfig(t, dir, conf, "--study", "no_such_study", "report", "-o", out); code != exitUsage {
		t.Fatalf("unknown study: exit %d, want %d", code, exitUsage)
	}
}
