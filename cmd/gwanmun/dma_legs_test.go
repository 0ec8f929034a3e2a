package main

// study helper: the DMA's missing legs come through the file collector.

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// dmaVerdict is the FY2021 Art. 3(2) verdict for facebook on Meta's MAU.
func dmaVerdict(t *testing.T, dir, conf string) map[string]any {
	t.Helper()
	for _, r := range analyzeRows(t, dir, conf, "--study", "facebook_outage_2021", "designation", "--param", "platform=facebook") {
		if r["regime_id"] == "eu_dma_3_2" && r["row_type"] == "verdict" && r["period"] == "FY2021" {
			return r
		}
	}
	t.Fatal("no FY2021 DMA verdict for facebook")
	return nil
}

// Business users, Member States and Union turnover in USD, from a CSV
// (testdata/dma_legs: labelled test input), turn the DMA verdict from
// undetermined to met (Meta IR MAU 2021: (2,853 + 2,895 + 2,910)M / 3 =
// 2,886M, a worldwide figure against the Union line); the turnover is converted to EUR at the Fed's
// cited annual rates.
func TestDMALegsFromFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	conf := "[sources.file]\nstudy = \"facebook_outage_2021\"\n"
	if code, out, errs := runWithConfig(t, dir, conf, "ingest", "--source", "seed", "--source", "file"); code != exitOK {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	if v := dmaVerdict(t, dir, conf)["verdict"]; v != "undetermined: business_users, eu_turnover, market_cap, member_states, years have no data" {
		t.Fatalf("without the legs: %v", v)
	}
	legs, err := filepath.Abs(filepath.Join("testdata", "dma_legs"))
	if err != nil {
		t.Fatal(err)
	}
	q := func(p string) string { b, _ := json.Marshal(filepath.Join(legs, p)); return string(b) }
	cite := `
[sources.file.files.citation]
document = "testdata/dma_legs: invented test input, not facts"
title = "Test input for the DMA legs"
publisher = "gwanmun tests"
accessed = "2026-12-01"
`
	conf += `
[[sources.file.files]]
path = ` + q("mau.csv") + `
dataset = "mau"
[sources.file.files.constants]
estimator = "company-reported"
source = "test input"
` + cite + `
[[sources.file.files]]
path = ` + q("financials.csv") + `
dataset = "financials"
` + cite
	if code, out, errs := runWithConfig(t, dir, conf, "ingest", "--source", "file"); code != exitOK {
		t.Fatalf("ingest the legs: exit %d\n%s%s", code, out, errs)
	}
	r := dmaVerdict(t, dir, conf)
	if r["verdict"] != "met" || r["legs"] != "AND: art_3_2_a met; business_users met (20,000 vs 10,000); mau met (2,886,000,000 vs 45,000,000); years met (3 vs 3)" {
		t.Fatalf("with the legs: %v / %v", r["verdict"], r["legs"])
	}
	// USD 10bn in 2019 at USD 1.1194 per EUR (Fed G.5A) = EUR 8.93bn.
	for _, l := range analyzeRows(t, dir, conf, "--study", "facebook_outage_2021", "designation", "--param", "platform=facebook") {
		if l["metric"] == "eu_turnover" && l["period"] == "FY2021" {
			if l["crosses"] != "true" {
				t.Fatalf("turnover leg %v", l)
			}
			return
		}
	}
	t.Fatal("no FY2021 turnover leg")
}
