package file

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/vocab"
	"github.com/gwanmun/gwanmun/ingest"
)

var update = flag.Bool("update", false, "rewrite testdata/want.json and the generated formats")

var testNow = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

// market is the config block a researcher writes for testdata/market.
const market = `
[sources.file]
[[sources.file.files]]
path = "testdata/market/platforms.csv"
dataset = "platforms"

[[sources.file.files]]
path = "testdata/market/%MAU%"
dataset = "mau"
[sources.file.files.columns]
value = "users"
[sources.file.files.constants]
metric = "mau"
unit = "persons"
estimator = "company-reported"

[[sources.file.files]]
path = "testdata/market/financials.csv"
dataset = "financials"
[sources.file.files.columns]
value = "revenue"
[sources.file.files.constants]
metric = "revenue"
`

func newCollector(t *testing.T, conf string) (*Collector, error) {
	t.Helper()
	cfg, err := ingest.ParseConfig([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := cfg.Source(Name)
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	if err := sc.Decode(&c); err != nil {
		return nil, err
	}
	return build(c, func() time.Time { return testNow })
}

// collect runs a collector and returns the rows that passed the session.
func collect(t *testing.T, c *Collector) ([]schema.Row, *ingest.Session, error) {
	t.Helper()
	var rows []schema.Row
	s := ingest.NewSession(c, ingest.SessionOptions{RunID: "test", Now: func() time.Time { return testNow },
		Sink: func(r schema.Row) error { rows = append(rows, r); return nil }})
	err := c.Collect(context.Background(), s)
	return rows, s, err
}

func marketConfig(mau string) string { return strings.Replace(market, "%MAU%", mau, 1) }

func TestSampleConfig(t *testing.T) {
	cfg, err := ingest.ParseConfig(Sample)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := cfg.Source(Name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(sc)
	if err != nil {
		t.Fatalf("the sample config does not build: %v", err)
	}
	if info := c.Info(); info.Datasets[0] != "mau" || !strings.Contains(info.URL, "mau.csv") {
		t.Fatalf("info %+v", info)
	}
}

func TestCollectMarket(t *testing.T) {
	c, err := newCollector(t, marketConfig("mau.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, s, err := collect(t, c)
	if err != nil || len(s.Errors()) > 0 || s.Rejected() > 0 {
		t.Fatalf("err %v, session errors %v, rejected %d", err, s.Errors(), s.Rejected())
	}
	if len(rows) != 3+5+6 {
		t.Fatalf("%d rows", len(rows))
	}
	got, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "want.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Errorf("rows differ from %s (run with -update and review the diff)", golden)
	}
	// Spot checks worked out from the files by hand.
	m := rows[3].(*schema.MAU)
	if m.PlatformID != "wechat" || m.Value != 1.268e9 || m.PeriodStart != time.Date(2021, 10, 1, 0, 0, 0, 0, time.UTC) ||
		m.PeriodGrain != "quarter" || m.Unit != "persons" || m.Collector != Name || m.Source != "Tencent IR" {
		t.Fatalf("first mau row %+v", m)
	}
	if m.FetchedAt != time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC) || m.SourceTitle == "" || !strings.Contains(m.SourceTitle, "China Stock Market News") {
		t.Fatalf("provenance %+v", m.Provenance)
	}
	sum, _ := sha256File("testdata/market/mau.csv")
	if m.ContentSHA256 != sum {
		t.Fatalf("content hash %s, want the file's %s", m.ContentSHA256, sum)
	}
	f := rows[11].(*schema.Financial)
	if f.Company != "Tencent Holdings" || f.Currency != "CNY" || f.Value != 377_289e6 || f.PeriodGrain != "year" {
		t.Fatalf("financial row %+v", f)
	}
}

// The same rows land from CSV, Parquet, xlsx and JSON Lines; only the
// content hash (the file's own) differs.
func TestFormatsAgree(t *testing.T) {
	var base []byte
	for _, name := range []string{"mau.csv", "mau.parquet", "mau.xlsx", "mau.jsonl"} {
		c, err := newCollector(t, marketConfig(name))
		if err != nil {
			t.Fatal(err)
		}
		rows, s, err := collect(t, c)
		if err != nil || len(s.Errors()) > 0 {
			t.Fatalf("%s: %v %v", name, err, s.Errors())
		}
		var mau []*schema.MAU
		for _, r := range rows {
			if m, ok := r.(*schema.MAU); ok {
				m.ContentSHA256 = ""
				mau = append(mau, m)
			}
		}
		b, _ := json.Marshal(mau)
		if len(mau) != 5 {
			t.Fatalf("%s: %d mau rows", name, len(mau))
		}
		if base == nil {
			base = b
		} else if !bytes.Equal(base, b) {
			t.Errorf("%s rows differ from mau.csv's:\n%s\n%s", name, b, base)
		}
	}
}

// A wrong cell fails the file with file:line:column, and nothing of it
// lands; with skip_bad_rows the rest lands and the bad row is listed.
func TestBadFiles(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"mau in KRW", "mau_krw.jsonl", `testdata/bad/mau_krw.jsonl:1:482: mau is counted in persons, not in "KRW" (currency)`},
		{"unknown currency", "financials_xyz.csv", `testdata/bad/financials_xyz.csv:3:36: revenue: currency "XYZ" is not an ISO 4217 code`},
		{"future period", "mau_future.csv", "testdata/bad/mau_future.csv:3:7: period_start 2031-01-01T00:00:00Z is after the source was read"},
		{"not a number", "mau_text.csv", `testdata/bad/mau_text.csv:2:18: value "1.268 billion": not a number`},
		{"unmapped column", "mau_extra.csv", `testdata/bad/mau_extra.csv:1:34: column "users_m" is not a mau column`},
		{"no citation", "mau_uncited.csv", `testdata/bad/mau_uncited.csv:1: no citation`},
		{"accessed in the future", "mau_accessed.csv", `testdata/bad/mau_accessed.csv:2:328: accessed 2027-01-05 is in the future`},
		{"xlsx wrong unit", "mau_unit.xlsx", `testdata/bad/mau_unit.xlsx[Sheet1]:3:11 (K3): mau is counted in persons, not in "hours" (time)`},
		{"parquet future period", "mau_future.parquet", `testdata/bad/mau_future.parquet:2:3: period_start 2031-01-01T00:00:00Z`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := "mau"
			if strings.HasPrefix(tt.file, "financials") {
				ds = "financials"
			}
			conf := `[sources.file]
[[sources.file.files]]
path = "testdata/bad/` + tt.file + `"
dataset = "` + ds + `"
[sources.file.files.columns]
value = "` + map[string]string{"mau": "users", "financials": "revenue"}[ds] + `"
[sources.file.files.constants]
metric = "` + map[string]string{"mau": "mau", "financials": "revenue"}[ds] + `"
`
			if ds == "mau" && !strings.Contains(tt.file, "krw") && !strings.Contains(tt.file, "unit") {
				conf += "unit = \"persons\"\n"
			}
			if ds == "mau" {
				conf += "estimator = \"company-reported\"\n"
			}
			c, err := newCollector(t, conf)
			if err != nil {
				t.Fatal(err)
			}
			rows, _, err := collect(t, c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
			if len(rows) != 0 {
				t.Fatalf("%d rows of a bad file landed", len(rows))
			}
			if strings.Contains(tt.want, ":1") && strings.HasSuffix(tt.name, "column") || tt.name == "no citation" {
				return // the header is wrong: no row can be trusted
			}
			// skip_bad_rows lands the good rows and lists the bad one.
			c, err = newCollector(t, strings.Replace(conf, "[sources.file]\n", "[sources.file]\nskip_bad_rows = true\n", 1))
			if err != nil {
				t.Fatal(err)
			}
			rows, s, err := collect(t, c)
			if err != nil {
				t.Fatalf("skip_bad_rows: %v", err)
			}
			if len(rows) == 0 || len(s.Errors()) != 1 || !strings.Contains(s.Errors()[0], tt.want) {
				t.Fatalf("skip_bad_rows: %d rows, errors %q", len(rows), s.Errors())
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown key", `pth = "x.csv"`, `config`},
		{"unknown dataset", "path = \"x.csv\"\ndataset = \"users\"", `dataset "users"`},
		{"unknown target column", "path = \"x.csv\"\ndataset = \"mau\"\n[sources.file.files.columns]\nmau = \"users\"", `"mau" is not a column of mau`},
		{"provenance column", "path = \"x.csv\"\ndataset = \"mau\"\n[sources.file.files.constants]\nrun_id = \"x\"", `"run_id" is provenance`},
		{"bad citation", "path = \"x.csv\"\ndataset = \"mau\"\n[sources.file.files.citation]\nurl = \"https://a\"", `citation lacks title, publisher, accessed`},
		{"format", "path = \"x.xls\"\ndataset = \"mau\"", `cannot tell the format`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newCollector(t, "[sources.file]\n[[sources.file.files]]\n"+tt.body+"\n")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// Running the same file twice gives the same rows: same fetched_at (the
// access date), same hash; the lake writes nothing new.
func TestRerunIsIdentical(t *testing.T) {
	var runs [2][]byte
	for i := range runs {
		c, err := newCollector(t, marketConfig("mau.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, _, err := collect(t, c)
		if err != nil {
			t.Fatal(err)
		}
		runs[i], _ = json.Marshal(rows)
	}
	if !bytes.Equal(runs[0], runs[1]) {
		t.Fatal("a rerun gave different rows")
	}
}

// TestWriteFormats writes mau.csv's rows as Parquet, xlsx and JSON Lines
// (and the bad xlsx/Parquet cases) under -update.
func TestWriteFormats(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate")
	}
	header, rows := readCSVFile(t, "testdata/market/mau.csv")
	writeParquet(t, "testdata/market/mau.parquet", header, rows)
	writeXLSX(t, "testdata/market/mau.xlsx", header, rows)
	writeJSONL(t, "testdata/market/mau.jsonl", header, rows)

	future := cloneRows(rows)
	future[1][2] = "2031Q1"
	writeParquet(t, "testdata/bad/mau_future.parquet", header, future)
	h2 := append(append([]string{}, header...), "unit")
	withUnit := cloneRows(rows)
	for i := range withUnit {
		withUnit[i] = append(withUnit[i], "persons")
	}
	withUnit[1][len(h2)-1] = "hours"
	writeXLSX(t, "testdata/bad/mau_unit.xlsx", h2, withUnit)
	krw := cloneRows(withUnit)
	krw[1][len(h2)-1] = "persons"
	krw[0][len(h2)-1] = "KRW"
	writeJSONL(t, "testdata/bad/mau_krw.jsonl", h2, krw)
}

func cloneRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = append([]string{}, r...)
	}
	return out
}

func readCSVFile(t *testing.T, name string) ([]string, [][]string) {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

// typed gives the users column a number type, as a spreadsheet would.
func typed(col, v string) any {
	if col == "users" {
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return v
}

func writeParquet(t *testing.T, name string, header []string, rows [][]string) {
	fields := make([]arrow.Field, len(header))
	for i, h := range header {
		fields[i] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String}
		if h == "users" {
			fields[i].Type = arrow.PrimitiveTypes.Int64
		}
	}
	sch := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	for _, r := range rows {
		for i, h := range header {
			switch fb := b.Field(i).(type) {
			case *array.Int64Builder:
				fb.Append(typed(h, r[i]).(int64))
			case *array.StringBuilder:
				fb.Append(r[i])
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(sch, f, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func writeXLSX(t *testing.T, name string, header []string, rows [][]string) {
	f := excelize.NewFile()
	defer f.Close()
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := f.SetSheetRow("Sheet1", "A1", &cells); err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = typed(header[i], v)
		}
		if err := f.SetSheetRow("Sheet1", "A"+strconv.Itoa(r+2), &vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(name); err != nil {
		t.Fatal(err)
	}
}

func writeJSONL(t *testing.T, name string, header []string, rows [][]string) {
	var buf bytes.Buffer
	for _, row := range rows {
		buf.WriteString("{")
		for i, h := range header {
			if i > 0 {
				buf.WriteString(", ")
			}
			k, _ := json.Marshal(h)
			v, _ := json.Marshal(typed(h, row[i]))
			buf.Write(k)
			buf.WriteString(": ")
			buf.Write(v)
		}
		buf.WriteString("}\n")
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256File(name string) (string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Without a [sources.file] table the collector is idle: ingest skips it,
// and asked for by name it fails saying what to configure.
func TestIdle(t *testing.T) {
	c, err := newCollector(t, "lake = \"x\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Idle() {
		t.Fatal("not idle")
	}
	if _, _, err := collect(t, c); err == nil || !strings.Contains(err.Error(), "[[sources.file.files]]") {
		t.Fatalf("got %v", err)
	}
}

// The shipped second study lands from its config and data files alone.
func TestShippedStudy(t *testing.T) {
	c, err := newCollector(t, "[sources.file]\nstudy = \"facebook_outage_2021\"\n")
	if err != nil {
		t.Fatal(err)
	}
	rows, s, err := collect(t, c)
	if err != nil || len(s.Errors()) > 0 || s.Rejected() > 0 {
		t.Fatalf("err %v, errors %v, rejected %d", err, s.Errors(), s.Rejected())
	}
	count := map[string]int{}
	for _, r := range rows {
		count[r.Dataset()]++
		if p := r.Prov(); p.SourceURL == "" || p.SourceTitle == "" || p.FetchedAt.IsZero() || p.ContentSHA256 == "" {
			t.Fatalf("uncited row %+v", r)
		}
	}
	want := map[string]int{"platforms": 3, "mau": 18, "financials": 3, "incidents": 15, "dependencies": 3}
	for ds, n := range want {
		if count[ds] != n {
			t.Errorf("%s: %d rows, want %d", ds, count[ds], n)
		}
	}
	for _, r := range rows {
		if inc, ok := r.(*schema.Incident); ok && inc.ServiceID == "facebook_backbone" && inc.Event == "start" {
			if inc.IncidentID != "2021-10-04-facebook-outage" || inc.At != time.Date(2021, 10, 4, 15, 40, 0, 0, time.UTC) {
				t.Fatalf("start event %+v", inc)
			}
			return
		}
	}
	t.Fatal("no backbone start event")
}

// The DMA's turnover leg: a revenue series lands as turnover through a
// config block, and the cited FX table turns it into EUR. Tencent's 2021
// revenue, RMB 560,118 million, at the Fed's 2021 averages (6.4508 CNY per
// USD, 1.1830 USD per EUR) is EUR 73.40 billion.
func TestTurnoverInEUR(t *testing.T) {
	conf := `[sources.file]
[[sources.file.files]]
path = "testdata/market/financials.csv"
dataset = "financials"
[sources.file.files.columns]
value = "revenue"
[sources.file.files.constants]
metric = "turnover"
`
	c, err := newCollector(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := collect(t, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		f := r.(*schema.Financial)
		if f.Company != "Tencent Holdings" || f.PeriodLabel != "2021" {
			continue
		}
		eur, used, err := vocab.ToEUR(f.Value, f.Currency, f.PeriodStart.Year())
		if err != nil {
			t.Fatal(err)
		}
		if want := 560_118e6 / 6.4508 / 1.1830; math.Abs(eur-want) > 1 || len(used) != 2 {
			t.Fatalf("EUR %.0f, want %.0f (rates %+v)", eur, want, used)
		}
		if eur < 73.39e9 || eur > 73.41e9 {
			t.Fatalf("EUR %.0f", eur)
		}
		return
	}
	t.Fatal("no Tencent 2021 row")
}

func testPackage() lakestore.DataPackage { return lakestore.NewDataPackage(schema.Datasets()) }
