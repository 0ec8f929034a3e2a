package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/bench/site"
)

// driver holds the flags of `gwbench all` and what it measured.
type driver struct {
	out       string
	self      string
	ingestBin string
	sections  map[string]bool
	writeRows int64
	scale     []int64
	mauRatio  float64
	pandasMax int64
	pages     int
	conc      int
	threads   int
	memLimit  string
	python    string
	keepLakes bool
	repeat    int
	ingestMax int64
	repo      string
	results   map[string]measured
	ratios    []ratio
	scaleRows []scalePoint
	skipped   []string
	log       io.Writer
	started   time.Time
	machine   string
}

type ratio struct {
	Section string  `json:"section"`
	What    string  `json:"what"`
	Value   float64 `json:"value"`
	Target  string  `json:"target"`
	Met     *bool   `json:"met,omitempty"`
	Detail  string  `json:"detail"`
}

type scalePoint struct {
	Rows          int64   `json:"news_rows"`
	MAURows       int64   `json:"mau_rows"`
	IngestWall    float64 `json:"ingest_s"`
	IngestCPU     float64 `json:"ingest_cpu_s"`
	IngestRSS     float64 `json:"ingest_rss_mib"`
	LakeBytes     int64   `json:"lake_bytes"`
	SuiteLoad     float64 `json:"suite_load_s"`
	SuiteCompute  float64 `json:"suite_compute_s"`
	SuiteRSS      float64 `json:"suite_rss_mib"`
	SuiteCPU      float64 `json:"suite_compute_cpu_s"`
	HandCompute   float64 `json:"hand_compute_s"`
	CatalogSecs   float64 `json:"catalog_s"`
	PandasLoad    float64 `json:"pandas_load_s,omitempty"`
	PandasCompute float64 `json:"pandas_compute_s,omitempty"`
	PandasRSS     float64 `json:"pandas_rss_mib,omitempty"`
	// Generated: news rows made by DuckDB (gen-news), not ingested.
	Generated bool `json:"generated,omitempty"`
}

func runAll(ctx context.Context, args []string) error {
	d := &driver{results: map[string]measured{}, log: os.Stderr, started: time.Now()}
	fs := flag.NewFlagSet("all", flag.ExitOnError)
	fs.StringVar(&d.out, "out", "bench/out", "scratch and results directory")
	fs.StringVar(&d.ingestBin, "gwingest", "", "the gwingest binary (default: next to this one)")
	sections := fs.String("sections", "write,scale,crawl,run", "which benchmarks to run: write, scale, crawl, run")
	fs.Int64Var(&d.writeRows, "write-rows", 1_000_000, "(b) news rows written to Parquet")
	scale := fs.String("scale", "1000000,10000000", "(c) and the scale curve: news rows per step, comma-separated")
	fs.Float64Var(&d.mauRatio, "mau-ratio", 0.1, "synthetic monthly-user rows per news row")
	fs.Int64Var(&d.pandasMax, "pandas-max", 10_000_000, "largest step pandas is run on")
	fs.IntVar(&d.pages, "pages", 5000, "(a) article pages on the local site")
	fs.IntVar(&d.conc, "c", 16, "(a) concurrent requests for every crawler")
	fs.IntVar(&d.threads, "threads", 0, "DuckDB threads for the analysis (0: all cores)")
	fs.StringVar(&d.memLimit, "memory-limit", "", "DuckDB memory_limit for the analysis, e.g. 8GB")
	fs.StringVar(&d.python, "python", "/usr/bin/python3", "Python with Debian's scrapy and pandas")
	fs.BoolVar(&d.keepLakes, "keep", false, "keep the generated lakes under -out")
	fs.IntVar(&d.repeat, "repeat", 1, "run each contender this many times and keep the fastest")
	fs.Int64Var(&d.ingestMax, "ingest-max", 10_000_000, "largest step ingested row by row; larger steps generate news inside DuckDB")
	fs.Parse(args)
	d.sections = map[string]bool{}
	for _, s := range strings.Split(*sections, ",") {
		d.sections[strings.TrimSpace(s)] = true
	}
	for _, s := range strings.Split(*scale, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(s, "_", "")), 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("-scale %q: want row counts like 1000000,10000000", *scale)
		}
		d.scale = append(d.scale, n)
	}
	var err error
	if d.self, err = os.Executable(); err != nil {
		return err
	}
	if d.ingestBin == "" {
		d.ingestBin = filepath.Join(filepath.Dir(d.self), "gwingest")
	}
	if _, err := os.Stat(d.ingestBin); err != nil {
		return fmt.Errorf("gwingest binary: %w (go build -o %s ./bench/cmd/gwingest)", err, d.ingestBin)
	}
	if d.repo, err = repoRoot(); err != nil {
		return err
	}
	if err := os.MkdirAll(d.out, 0o755); err != nil {
		return err
	}
	d.machine = machine()
	d.logf("machine: %s", d.machine)
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"write", d.benchWrite}, {"scale", d.benchScale}, {"crawl", d.benchCrawl}, {"run", d.benchRun},
	}
	for _, s := range steps {
		if !d.sections[s.name] {
			continue
		}
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return d.print(os.Stdout)
}

func (d *driver) logf(format string, a ...any) {
	fmt.Fprintf(d.log, "[%6.1fs] %s\n", time.Since(d.started).Seconds(), fmt.Sprintf(format, a...))
}

// run starts a gwbench child and keeps its measurement under key.
func (d *driver) run(key string, args ...string) (measured, error) {
	return d.measure(key, append([]string{d.self}, args...)...)
}

// runIngest starts a gwingest child (no DuckDB linked in).
func (d *driver) runIngest(key string, args ...string) (measured, error) {
	return d.measure(key, append([]string{d.ingestBin}, args...)...)
}

// runIngestFresh is runIngest for a child that writes a lake: the paths
// in fresh are removed before every repetition, so each one starts from
// the same state (a second run into the same lake would be a rerun, or
// refused for its fixed run id).
func (d *driver) runIngestFresh(key string, fresh []string, args ...string) (measured, error) {
	return d.measureFresh(key, fresh, append([]string{d.ingestBin}, args...)...)
}

// measure runs argv -repeat times and keeps the fastest run: on a shared
// machine the fastest is the one least disturbed by other work.
func (d *driver) measure(key string, argv ...string) (measured, error) {
	return d.measureFresh(key, nil, argv...)
}

// measureFresh is measure with the paths in fresh removed before each run.
func (d *driver) measureFresh(key string, fresh []string, argv ...string) (measured, error) {
	var best measured
	for i := 0; i < max(1, d.repeat); i++ {
		for _, p := range fresh {
			if err := os.RemoveAll(p); err != nil {
				return best, fmt.Errorf("%s: reset %s: %w", key, p, err)
			}
		}
		load := loadAvg()
		m, err := child(key, nil, argv...)
		if err != nil {
			return m, err
		}
		m.Load = load
		d.logf("%-28s wall %7.2fs  cpu %7.2fs  rss %7.1f MiB  load %s  %v", key, m.Wall, m.CPU, m.MaxRSS, load, compact(m.Report))
		if i == 0 || m.Wall < best.Wall {
			best = m
		}
	}
	d.results[key] = best
	return best, nil
}

// loadAvg is the 1-minute load average when a measurement starts, kept
// with it so a noisy number can be recognised as one.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func compact(r map[string]any) string {
	b, _ := json.Marshal(r)
	return string(b)
}

func (d *driver) add(section, what string, value float64, target string, met *bool, detail string) {
	d.ratios = append(d.ratios, ratio{section, what, value, target, met, detail})
}

func atLeast(v, t float64) *bool { b := v >= t; return &b }
func atMost(v, t float64) *bool  { b := v <= t; return &b }

// benchWrite is (b): the same rows to Parquet by data/lakestore and by DuckDB.
func (d *driver) benchWrite(context.Context) error {
	dir := filepath.Join(d.out, "write")
	os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	lk, err := d.runIngestFresh("write/lake", []string{filepath.Join(dir, "lake")}, "write-lake", "-lake", filepath.Join(dir, "lake"), "-rows", strconv.FormatInt(d.writeRows, 10))
	if err != nil {
		return err
	}
	dk, err := d.run("write/duckdb", "write-duckdb", "-lake", filepath.Join(dir, "lake"), "-out", filepath.Join(dir, "duckdb.parquet"))
	if err != nil {
		return err
	}
	d1, err := d.run("write/duckdb-1thread", "write-duckdb", "-threads", "1", "-lake", filepath.Join(dir, "lake"), "-out", filepath.Join(dir, "duckdb1.parquet"))
	if err != nil {
		return err
	}
	if int64(dk.num("rows")) != d.writeRows {
		return fmt.Errorf("DuckDB copied %v rows, want %d", dk.num("rows"), d.writeRows)
	}
	lr, err := d.runIngestFresh("write/lake-records", []string{filepath.Join(dir, "lake-records")}, "write-lake", "-records", "-lake", filepath.Join(dir, "lake-records"), "-rows", strconv.FormatInt(d.writeRows, 10))
	if err != nil {
		return err
	}
	if int64(lr.num("rows")) != d.writeRows {
		return fmt.Errorf("the record path wrote %v rows, want %d", lr.num("rows"), d.writeRows)
	}
	rr := lr.num("seconds") / dk.num("seconds")
	d.add("b", fmt.Sprintf("Parquet write of %s news rows as Arrow record batches (the bulk path): data/lakestore time ÷ DuckDB COPY time", human(d.writeRows)), rr, "≤ 1.5", atMost(rr, 1.5),
		fmt.Sprintf("lake %.2fs (of which row sums %.2fs), %d files %s; DuckDB %.2fs", lr.num("seconds"), lr.num("hash_seconds"), int(lr.num("files")), mib(lr.num("bytes")), dk.num("seconds")))
	d.add("b", "  same, CPU seconds (load-robust)", lr.num("cpu_s")/dk.num("cpu_s"), "(load-robust)", nil,
		fmt.Sprintf("lake %.2f CPU s, DuckDB %.2f CPU s", lr.num("cpu_s"), dk.num("cpu_s")))
	r := lk.num("seconds") / dk.num("seconds")
	d.add("b", fmt.Sprintf("Parquet write of %s news rows as row structs (the row path): data/lakestore time ÷ DuckDB COPY time", human(d.writeRows)), r, "(context)", nil,
		fmt.Sprintf("lake %.2fs (of which idempotency hash %.2fs) %s; DuckDB %.2fs %s (2 threads), %.2fs single-threaded",
			lk.num("seconds"), lk.num("hash_seconds"), mib(lk.num("bytes")), dk.num("seconds"), mib(dk.num("bytes")), d1.num("seconds")))
	r1 := lk.num("seconds") / d1.num("seconds")
	d.add("b", "  same, DuckDB limited to 1 thread (our writer uses one core)", r1, "(context)", nil, "")
	d.add("b", "  CPU seconds: data/lakestore ÷ DuckDB COPY (2 threads)", lk.num("cpu_s")/dk.num("cpu_s"), "(load-robust)", nil,
		fmt.Sprintf("lake %.2f CPU s, DuckDB %.2f CPU s", lk.num("cpu_s"), dk.num("cpu_s")))
	return nil
}

// benchScale ingests each step, then asks (c)'s questions of that lake
// through the suite, as hand-written queries and in pandas.
func (d *driver) benchScale(ctx context.Context) error {
	for _, n := range d.scale {
		if err := d.scaleStep(ctx, n); err != nil {
			return err
		}
	}
	var pts []scalePoint
	for _, p := range d.scaleRows {
		if !p.Generated {
			pts = append(pts, p)
		}
	}
	if all := d.scaleRows; len(all) >= 2 {
		a, b := all[0], all[len(all)-1]
		d.add("scale", fmt.Sprintf("suite compute time slope b in t ∝ rows^b (%s → %s)", human(a.Rows), human(b.Rows)), slope(a.Rows, b.Rows, a.SuiteCompute, b.SuiteCompute), "≈ 1 (linear)", nil,
			fmt.Sprintf("%.2fs → %.2fs", a.SuiteCompute, b.SuiteCompute))
		d.add("scale", "  same, on CPU seconds", slope(a.Rows, b.Rows, a.SuiteCPU, b.SuiteCPU), "(load-robust)", nil,
			fmt.Sprintf("%.2f → %.2f CPU s", a.SuiteCPU, b.SuiteCPU))
		d.add("scale", fmt.Sprintf("suite peak RSS at %s ÷ at %s rows", human(b.Rows), human(a.Rows)), b.SuiteRSS/a.SuiteRSS, "(context)", nil,
			fmt.Sprintf("%.0f MiB → %.0f MiB; DuckDB memory_limit %q, threads %d", a.SuiteRSS, b.SuiteRSS, d.memLimit, d.threads))
	}
	if len(pts) >= 2 {
		a, b := pts[0], pts[len(pts)-1]
		growth := float64(b.Rows) / float64(a.Rows)
		rss := b.IngestRSS / a.IngestRSS
		d.add("scale", fmt.Sprintf("ingest peak RSS at %s ÷ at %s rows (%.0f× the input)", human(b.Rows), human(a.Rows), growth), rss, "≈ 1 (flat; ≤ 1.25)", atMost(rss, 1.25),
			fmt.Sprintf("%.0f MiB → %.0f MiB", a.IngestRSS, b.IngestRSS))
		d.add("scale", "ingest time slope b in t ∝ rows^b", slope(a.Rows, b.Rows, a.IngestWall, b.IngestWall), "≈ 1 (linear)", nil,
			fmt.Sprintf("%.1f s per million rows at the largest step", b.IngestWall/float64(b.Rows)*1e6))
		d.add("scale", "  same, on CPU seconds", slope(a.Rows, b.Rows, a.IngestCPU, b.IngestCPU), "(load-robust)", nil,
			fmt.Sprintf("%.1f CPU s per million rows at the largest step", b.IngestCPU/float64(b.Rows)*1e6))
	}
	return nil
}

func (d *driver) scaleStep(_ context.Context, n int64) error {
	lake := filepath.Join(d.out, "lake-"+human(n))
	os.RemoveAll(lake)
	if !d.keepLakes {
		defer os.RemoveAll(lake)
	}
	mau := int64(float64(n) * d.mauRatio)
	tag := human(n)
	var pt scalePoint
	if n <= d.ingestMax {
		ing, err := d.runIngestFresh("scale/ingest-"+tag, []string{lake}, "ingest", "-lake", lake, "-seed", "-news", strconv.FormatInt(n, 10), "-mau", strconv.FormatInt(mau, 10))
		if err != nil {
			return err
		}
		pt = scalePoint{Rows: n, MAURows: mau, IngestWall: ing.Wall, IngestCPU: ing.CPU, IngestRSS: ing.MaxRSS}
	} else {
		// Past -ingest-max the news rows are generated inside DuckDB: the
		// step tests the analyses at that size, not the ingest path.
		mau = min(mau, d.ingestMax/10)
		if _, err := d.runIngestFresh("scale/ingest-mau-"+tag, []string{lake}, "ingest", "-lake", lake, "-seed", "-news", "0", "-mau", strconv.FormatInt(mau, 10)); err != nil {
			return err
		}
		if _, err := d.run("scale/gen-news-"+tag, "gen-news", "-lake", lake, "-rows", strconv.FormatInt(n, 10)); err != nil {
			return err
		}
		pt = scalePoint{Rows: n, MAURows: mau, Generated: true}
	}
	pt.LakeBytes = dirSize(lake)
	aargs := []string{"-lake", lake, "-threads", strconv.Itoa(d.threads)}
	if d.memLimit != "" {
		aargs = append(aargs, "-memory-limit", d.memLimit)
	}
	suite, err := d.run("scale/suite-"+tag, append([]string{"analyze", "-mode", "suite"}, aargs...)...)
	if err != nil {
		return err
	}
	hand, err := d.run("scale/hand-"+tag, append([]string{"analyze", "-mode", "hand"}, aargs...)...)
	if err != nil {
		return err
	}
	cat, err := d.run("scale/catalog-"+tag, append([]string{"analyze", "-mode", "catalog"}, aargs...)...)
	if err != nil {
		return err
	}
	if err := sameAnswers(suite, hand); err != nil {
		return fmt.Errorf("suite and hand-written queries disagree: %w", err)
	}
	pt.SuiteLoad, pt.SuiteCompute, pt.SuiteRSS = suite.num("load_s"), suite.num("compute_s"), suite.MaxRSS
	pt.SuiteCPU = suite.num("compute_cpu_s")
	pt.HandCompute, pt.CatalogSecs = hand.num("compute_s"), cat.Wall
	sTotal := suite.num("load_s") + suite.num("compute_s")
	hTotal := hand.num("load_s") + hand.num("compute_s")
	r := sTotal / hTotal
	d.add("c", fmt.Sprintf("%s news + %s MAU rows: suite time ÷ hand-written DuckDB queries", tag, human(mau)), r, "≤ 1.5", atMost(r, 1.5),
		fmt.Sprintf("suite %.2fs (HHI %.2fs, daily %.2fs), hand %.2fs (HHI %.2fs, daily %.2fs)",
			sTotal, suite.num("hhi_s"), suite.num("daily_s"), hTotal, hand.num("hhi_s"), hand.num("daily_s")))
	if pt.Generated {
		yes := true
		d.add("scale", fmt.Sprintf("analysis suite on %s news rows completes on this machine", tag), suite.num("compute_s"), "completes, no OOM", &yes,
			fmt.Sprintf("seconds to compute; peak RSS %.0f MiB; the whole catalog %.1fs; DuckDB memory_limit %q, threads %d", suite.MaxRSS, cat.Wall, d.memLimit, d.threads))
	}
	sCPU := suite.num("load_cpu_s") + suite.num("compute_cpu_s")
	d.add("c", "  CPU seconds: suite ÷ hand-written", sCPU/(hand.num("load_cpu_s")+hand.num("compute_cpu_s")), "(load-robust)", nil, "")
	if n <= d.pandasMax && d.hasPandas() {
		csv := filepath.Join(d.out, "csv-"+tag)
		if _, err := d.run("scale/export-csv-"+tag, "export-csv", "-lake", lake, "-out", csv); err != nil {
			return err
		}
		pd, err := d.measure("scale/pandas-"+tag, d.python,
			filepath.Join(d.repo, "bench/pandas/metrics.py"), csv, "messenger", "KR")
		os.RemoveAll(csv)
		if err != nil {
			return err
		}
		if err := sameAnswers(suite, pd); err != nil {
			return fmt.Errorf("suite and pandas disagree: %w", err)
		}
		pt.PandasLoad, pt.PandasCompute, pt.PandasRSS = pd.num("load_s"), pd.num("compute_s"), pd.MaxRSS
		pTotal := pd.num("load_s") + pd.num("compute_s")
		r := pTotal / sTotal
		d.add("c", fmt.Sprintf("%s news + %s MAU rows: pandas time ÷ suite time (load + compute)", tag, human(mau)), r, "≥ 30", atLeast(r, 30),
			fmt.Sprintf("pandas load %.2fs + compute %.2fs (%.0f MiB); suite open %.3fs + compute %.2fs (%.0f MiB)",
				pd.num("load_s"), pd.num("compute_s"), pd.MaxRSS, suite.num("load_s"), suite.num("compute_s"), suite.MaxRSS))
		rc := pd.num("compute_s") / suite.num("compute_s")
		d.add("c", "  compute only: pandas ÷ suite", rc, "(context)", nil, "")
		pCPU := pd.num("load_cpu_s") + pd.num("compute_cpu_s")
		d.add("c", "  CPU seconds (load + compute): pandas ÷ suite", pCPU/sCPU, "(load-robust)", nil,
			fmt.Sprintf("pandas %.2f CPU s, suite %.2f CPU s", pCPU, sCPU))
	} else if n > d.pandasMax {
		d.skipped = append(d.skipped, fmt.Sprintf("pandas at %s rows (above -pandas-max %s)", tag, human(d.pandasMax)))
	}
	d.scaleRows = append(d.scaleRows, pt)
	return nil
}

func (d *driver) hasPandas() bool {
	if exec.Command(d.python, "-c", "import pandas").Run() != nil {
		d.skipped = append(d.skipped, "pandas: "+d.python+" cannot import pandas (bench/run.sh installs python3-pandas)")
		return false
	}
	return true
}

// sameAnswers checks two contenders computed the same metrics.
func sameAnswers(a, b measured) error {
	for _, k := range []string{"markets", "days", "articles", "clusters"} {
		if a.num(k) != b.num(k) {
			return fmt.Errorf("%s: %s %v, %s %v", k, a.Name, a.num(k), b.Name, b.num(k))
		}
	}
	ha, hb := a.num("hhi_sum"), b.num("hhi_sum")
	if math.Abs(ha-hb) > 1e-6*math.Max(1, math.Abs(ha)) {
		return fmt.Errorf("hhi_sum: %s %v, %s %v", a.Name, ha, b.Name, hb)
	}
	return nil
}

// benchCrawl is (a): the same local site crawled by each contender at the
// same concurrency, one after the other, while this process serves it.
func (d *driver) benchCrawl(ctx context.Context) error {
	s, stop, err := site.Serve(d.pages, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer stop()
	dir := filepath.Join(d.out, "crawl")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	feeds := filepath.Join(dir, "feeds.txt")
	if err := os.WriteFile(feeds, []byte(strings.Join(s.Feeds(), "\n")+"\n"), 0o644); err != nil {
		return err
	}
	urls := make([]string, s.Pages())
	for i := range urls {
		urls[i] = s.Base() + site.ArticlePath(i)
	}
	pagesFile := filepath.Join(dir, "pages.txt")
	if err := os.WriteFile(pagesFile, []byte(strings.Join(urls, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	c := strconv.Itoa(d.conc)
	d.logf("site: %d SYNTHETIC pages, %d feeds at %s, concurrency %d", d.pages, len(s.Feeds()), s.Base(), d.conc)
	colly, err := d.runIngest("crawl/colly", "crawl", "-impl", "colly", "-feeds", feeds, "-c", c, "-out", filepath.Join(dir, "colly.jsonl"))
	if err != nil {
		return err
	}
	live, liveErr := d.runIngestFresh("crawl/gwanmun-live", []string{filepath.Join(dir, "lake-live")}, "crawl", "-impl", "gwanmun", "-feeds", feeds, "-pages", pagesFile, "-c", c, "-out", filepath.Join(dir, "lake-live"), "-mode", "live")
	rec, recErr := d.runIngestFresh("crawl/gwanmun-record", []string{filepath.Join(dir, "lake-record"), filepath.Join(dir, "archive.warc.gz")}, "crawl", "-impl", "gwanmun", "-feeds", feeds, "-pages", pagesFile, "-c", c, "-out", filepath.Join(dir, "lake-record"),
		"-mode", "record", "-warc", filepath.Join(dir, "archive.warc.gz"))
	var scrapy measured
	var scrapyErr error
	if exec.Command(d.python, "-c", "import scrapy").Run() != nil {
		scrapyErr = fmt.Errorf("%s cannot import scrapy (bench/run.sh installs python3-scrapy)", d.python)
	} else {
		scrapy, scrapyErr = d.measure("crawl/scrapy", d.python, filepath.Join(d.repo, "bench/scrapy/feed_spider.py"),
			feeds, c, filepath.Join(dir, "scrapy.jsonl"))
	}
	pages := float64(d.pages)
	for _, m := range []struct {
		m   measured
		err error
	}{{colly, nil}, {live, liveErr}, {rec, recErr}, {scrapy, scrapyErr}} {
		if m.err == nil && m.m.num("pages") != pages {
			return fmt.Errorf("%s extracted %v pages, want %d", m.m.Name, m.m.num("pages"), d.pages)
		}
	}
	pps := func(m measured) float64 { return pages / m.Wall }
	cpp := func(m measured) float64 { return m.CPU / pages * 1000 }
	detail := func(m measured) string {
		return fmt.Sprintf("%s %.0f pages/s, %.2f ms CPU/page, %.0f MiB", m.Name, pps(m), cpp(m), m.MaxRSS)
	}
	if liveErr != nil {
		d.skipped = append(d.skipped, "crawl by our collector: "+liveErr.Error())
		return nil
	}
	if scrapyErr == nil {
		r := pps(live) / pps(scrapy)
		d.add("a", "pages/s: gwanmun live ÷ Scrapy", r, "≥ 10", atLeast(r, 10), detail(live)+"; "+detail(scrapy))
		m := scrapy.MaxRSS / live.MaxRSS
		d.add("a", "peak RSS: Scrapy ÷ gwanmun live", m, "≥ 3", atLeast(m, 3), "")
		cr := cpp(scrapy) / cpp(live)
		d.add("a", "CPU s/page: Scrapy ÷ gwanmun live", cr, "(context)", nil, "")
	} else {
		d.skipped = append(d.skipped, "Scrapy: "+scrapyErr.Error())
	}
	r := live.Wall / colly.Wall
	d.add("a", "time: gwanmun live ÷ bare colly", r, "≤ 2", atMost(r, 2), detail(live)+"; "+detail(colly))
	d.add("a", "CPU s/page: gwanmun live ÷ bare colly", cpp(live)/cpp(colly), "(context)", nil, "")
	if recErr == nil {
		d.add("a", "time: gwanmun record (WARC) ÷ bare colly", rec.Wall/colly.Wall, "(reported)", nil, detail(rec))
	} else {
		d.skipped = append(d.skipped, "record mode crawl: "+recErr.Error())
	}
	return nil
}

// benchRun is (d): `gwanmun run` end to end on the embedded snapshot, on
// a fresh lake and again on the same lake (the idempotent rerun).
func (d *driver) benchRun(context.Context) error {
	dir, err := filepath.Abs(filepath.Join(d.out, "run"))
	if err != nil {
		return err
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "gwanmun")
	build := exec.Command("go", "build", "-o", bin, "./cmd/gwanmun")
	build.Dir = d.repo
	if out, err := build.CombinedOutput(); err != nil {
		d.skipped = append(d.skipped, "gwanmun run: build failed: "+tail(string(out), 300))
		return nil
	}
	args := []string{bin, "run", "--lake", filepath.Join(dir, "lake"), "-o", filepath.Join(dir, "report"), "--results", filepath.Join(dir, "results")}
	var ms []measured
	for _, name := range []string{"run/fresh", "run/rerun"} {
		// In its own directory, so no sources.toml of the checkout is read.
		m, err := childIn(dir, name, nil, args...)
		if err != nil {
			d.skipped = append(d.skipped, "gwanmun run: "+err.Error())
			return nil
		}
		d.results[name] = m
		d.logf("%-28s wall %7.2fs  cpu %7.2fs  rss %7.1f MiB", name, m.Wall, m.CPU, m.MaxRSS)
		ms = append(ms, m)
	}
	d.add("d", "gwanmun run on the embedded snapshot: wall seconds (fresh lake)", ms[0].Wall, "(reported)", nil,
		fmt.Sprintf("cpu %.2fs, peak RSS %.0f MiB; rerun on the same lake %.2fs, %.0f MiB", ms[0].CPU, ms[0].MaxRSS, ms[1].Wall, ms[1].MaxRSS))
	return nil
}

func slope(n0, n1 int64, t0, t1 float64) float64 {
	return math.Log(t1/t0) / math.Log(float64(n1)/float64(n0))
}

func human(n int64) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.FormatInt(n/1_000_000, 10) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.FormatInt(n/1000, 10) + "k"
	}
	return strconv.FormatInt(n, 10)
}

func mib(b float64) string { return fmt.Sprintf("%.0f MiB", b/(1<<20)) }

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func repoRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("find the module root (run from the checkout): %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func machine() string {
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, cpu, _ = strings.Cut(l, ": ")
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 1 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			mem = fmt.Sprintf("%.1f GiB", kb/(1<<20))
		}
	}
	return fmt.Sprintf("%d cores (%s), %s RAM, %s/%s, %s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// print writes the table of ratios, the scale curve and the raw results.
func (d *driver) print(w io.Writer) error {
	fmt.Fprintf(w, "\ngwanmun benchmarks — %s — %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), d.machine)
	fmt.Fprintln(w, "| | ratio / value | target | met | measured side by side |")
	fmt.Fprintln(w, "|---|---:|---|---|---|")
	for _, r := range d.ratios {
		met := ""
		if r.Met != nil {
			met = map[bool]string{true: "yes", false: "**no**"}[*r.Met]
		}
		fmt.Fprintf(w, "| (%s) %s | %.2f | %s | %s | %s |\n", r.Section, r.What, r.Value, r.Target, met, r.Detail)
	}
	if len(d.scaleRows) > 0 {
		fmt.Fprintln(w, "\nScale curve (synthetic news rows; monthly-user rows = news × mau-ratio; seed included):")
		fmt.Fprintln(w, "\n| news rows | MAU rows | ingest s | ingest CPU s | ingest peak RSS MiB | lake MiB | suite open s | suite compute s | suite RSS MiB | hand-written s | whole catalog s | pandas load s | pandas compute s | pandas RSS MiB |")
		fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, p := range d.scaleRows {
			pd := "| – | – | – |"
			if p.PandasLoad > 0 {
				pd = fmt.Sprintf("| %.2f | %.2f | %.0f |", p.PandasLoad, p.PandasCompute, p.PandasRSS)
			}
			ing := fmt.Sprintf("%.1f | %.1f | %.0f", p.IngestWall, p.IngestCPU, p.IngestRSS)
			if p.Generated {
				ing = "generated by DuckDB | – | –"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.0f | %.3f | %.2f | %.0f | %.2f | %.2f %s\n",
				human(p.Rows), human(p.MAURows), ing, float64(p.LakeBytes)/(1<<20),
				p.SuiteLoad, p.SuiteCompute, p.SuiteRSS, p.HandCompute, p.CatalogSecs, pd)
		}
	}
	for _, s := range d.skipped {
		fmt.Fprintf(w, "\nskipped: %s", s)
	}
	fmt.Fprintln(w)
	b, _ := json.MarshalIndent(map[string]any{
		"machine": d.machine, "ratios": d.ratios, "scale": d.scaleRows, "results": d.results, "skipped": d.skipped,
		"flags": map[string]any{"write_rows": d.writeRows, "scale": d.scale, "pages": d.pages, "c": d.conc,
			"threads": d.threads, "memory_limit": d.memLimit, "mau_ratio": d.mauRatio},
	}, "", "  ")
	path := filepath.Join(d.out, "results.json")
	fmt.Fprintf(w, "\nraw results: %s\n", path)
	return os.WriteFile(path, b, 0o644)
}
