package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/data/lakestore"
)

// The questions (c) asks every contender: the monthly HHI of one market
// (the concentration analysis) and the daily count of articles and new
// story clusters around the incident (the news_volume analysis). Each side reports checksums so the
// driver can confirm they computed the same thing.

// handConcentration is the monthly-HHI question as one hand-written
// DuckDB query straight on the Parquet files: latest row per natural key,
// the market's shares, HHI per month.
const handConcentration = `
WITH mau AS (
  SELECT platform_id, country, metric, period_start, period_grain, estimator, source, value, unit, flags
  FROM read_parquet(%s)
  QUALIFY row_number() OVER (PARTITION BY platform_id, country, metric, period_start, period_grain, source, revision
                             ORDER BY fetched_at DESC, run_id DESC) = 1
), platforms AS (
  SELECT platform_id, category FROM read_parquet(%s)
  QUALIFY row_number() OVER (PARTITION BY platform_id ORDER BY fetched_at DESC, run_id DESC) = 1
), m AS (
  SELECT m.*, value / sum(value) OVER (PARTITION BY country, period_start, period_grain, metric, source) AS share
  FROM mau m JOIN platforms p USING (platform_id)
  WHERE p.category = $category AND m.country = $country AND m.unit = 'persons'
    AND m.metric IN ('mau', 'daily_users', 'daily_active_users')
    AND NOT list_contains(coalesce(m.flags, []), 'superseded')
)
SELECT count(*) AS markets, sum(hhi) AS hhi_sum FROM (
  SELECT sum(power(100 * share, 2)) AS hhi FROM m
  GROUP BY country, period_start, period_grain, metric, estimator, source HAVING count(*) >= 2)`

// handDaily is the news_volume question (articles and new story clusters
// per KST day, from 28 days before the incident's day to 14 after) as one
// hand-written query on the Parquet files.
const handDaily = `
WITH n AS (
  SELECT article_id, cluster_id, published_at FROM read_parquet(%s)
  QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY fetched_at DESC, run_id DESC) = 1
), arts AS (
  SELECT coalesce(nullif(cluster_id, ''), article_id) AS cluster, CAST(timezone('Asia/Seoul', published_at) AS DATE) AS day
  FROM n WHERE published_at IS NOT NULL
), win AS (
  SELECT d0 - 28 AS lo, d0 + 14 AS hi FROM (
    SELECT CAST(timezone('Asia/Seoul', min("at")) AS DATE) AS d0 FROM read_parquet(%s)
    WHERE incident_id = '2022-10-15-pangyo-fire' AND event = 'start')
)
SELECT (SELECT hi - lo + 1 FROM win) AS days,
       (SELECT count(*) FROM arts, win WHERE day BETWEEN lo AND hi) AS articles,
       (SELECT count(*) FROM (SELECT min(day) AS day FROM arts GROUP BY cluster), win WHERE day BETWEEN lo AND hi) AS clusters`

// runAnalyzeChild answers (c)'s questions either through the analysis
// suite (analysis.Open's views + the catalogued SQL) or as hand-written
// single queries, timing opening ("load") and the queries ("compute").
func runAnalyzeChild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("analyze", flag.ExitOnError)
	lakeDir := fs.String("lake", "", "lake directory")
	mode := fs.String("mode", "suite", "suite, hand, or catalog (every catalogued analysis with its defaults)")
	threads := fs.Int("threads", 0, "DuckDB threads (0: all cores)")
	mem := fs.String("memory-limit", "", "DuckDB memory_limit, e.g. 8GB")
	fs.Parse(args)
	opts := analysis.Options{Threads: *threads, MemoryLimit: *mem}
	params := map[string]string{"category": synth.MarketCategory, "country": synth.MarketCountry}
	out := map[string]any{}
	start, cpu0 := time.Now(), cpuNow()
	var cpu1 float64
	switch *mode {
	case "suite", "catalog":
		db, err := analysis.Open(ctx, *lakeDir, opts)
		if err != nil {
			return err
		}
		defer db.Close()
		out["load_s"], cpu1 = time.Since(start).Seconds(), cpuNow()
		t0 := time.Now()
		if *mode == "catalog" {
			for _, a := range analysis.Catalog {
				t := time.Now()
				if _, err := db.Run(ctx, a, nil); err != nil {
					return err
				}
				out[a.Name+"_s"] = time.Since(t).Seconds()
			}
			out["compute_s"] = time.Since(t0).Seconds()
			break
		}
		a, err := analysis.Lookup("concentration")
		if err != nil {
			return err
		}
		tab, err := db.Run(ctx, a, params)
		if err != nil {
			return err
		}
		// The suite also measures time spent; the question is about users.
		hi, unit := tab.Col("hhi"), tab.Col("unit")
		var sum float64
		markets := 0
		for _, r := range tab.Rows {
			if v, ok := r[hi].(float64); ok && (unit < 0 || r[unit] == "persons") {
				sum += v
				markets++
			}
		}
		out["hhi_s"] = time.Since(t0).Seconds()
		out["markets"], out["hhi_sum"] = markets, sum
		t1 := time.Now()
		nv, err := analysis.Lookup("news_volume")
		if err != nil {
			return err
		}
		vol, err := db.Run(ctx, nv, nil)
		if err != nil {
			return err
		}
		var articles, clusters int64
		for _, r := range vol.Records() {
			articles += toInt(r["articles"])
			clusters += toInt(r["clusters"])
		}
		out["daily_s"] = time.Since(t1).Seconds()
		out["days"], out["articles"], out["clusters"] = len(vol.Rows), articles, clusters
		out["compute_s"] = time.Since(t0).Seconds()
	case "hand":
		db, err := sql.Open("duckdb", "")
		if err != nil {
			return err
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if *threads > 0 {
			if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", *threads)); err != nil {
				return err
			}
		}
		if *mem != "" {
			if _, err := db.ExecContext(ctx, fmt.Sprintf("SET memory_limit = %s", quote(*mem))); err != nil {
				return err
			}
		}
		files, err := lakestore.VisibleFiles(*lakeDir)
		if err != nil {
			return err
		}
		out["load_s"], cpu1 = time.Since(start).Seconds(), cpuNow()
		t0 := time.Now()
		var markets int64
		var hhiSum float64
		q := fmt.Sprintf(handConcentration, fileList(files["mau"]), fileList(files["platforms"]))
		if err := db.QueryRowContext(ctx, q, sql.Named("category", params["category"]), sql.Named("country", params["country"])).Scan(&markets, &hhiSum); err != nil {
			return fmt.Errorf("hand concentration: %w", err)
		}
		out["hhi_s"] = time.Since(t0).Seconds()
		out["markets"], out["hhi_sum"] = markets, hhiSum
		t1 := time.Now()
		var days, articles, clusters int64
		if err := db.QueryRowContext(ctx, fmt.Sprintf(handDaily, fileList(files["news"]), fileList(files["incidents"]))).Scan(&days, &articles, &clusters); err != nil {
			return fmt.Errorf("hand daily: %w", err)
		}
		out["daily_s"] = time.Since(t1).Seconds()
		out["days"], out["articles"], out["clusters"] = days, articles, clusters
		out["compute_s"] = time.Since(t0).Seconds()
	default:
		return fmt.Errorf("mode %q: want suite, hand or catalog", *mode)
	}
	out["load_cpu_s"], out["compute_cpu_s"] = cpu1-cpu0, cpuNow()-cpu1
	report(out)
	return nil
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func fileList(fs []string) string {
	q := make([]string, len(fs))
	for i, f := range fs {
		q[i] = quote(f)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// runExportCSV writes the columns the pandas script needs as CSV files
// (what a researcher without a Parquet reader would load). Not timed.
func runExportCSV(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export-csv", flag.ExitOnError)
	lakeDir := fs.String("lake", "", "lake directory")
	dir := fs.String("out", "", "output directory")
	fs.Parse(args)
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	db, err := analysis.Open(ctx, *lakeDir, analysis.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	exports := map[string]string{
		"news.csv":      "SELECT article_id, cluster_id, published_at, fetched_at, run_id FROM news_all",
		"incidents.csv": "SELECT incident_id, service_id, event, \"at\", source_url, fetched_at, run_id FROM incidents_all",
		"mau.csv":       "SELECT platform_id, country, metric, period_start, period_grain, estimator, source, revision, value, unit, array_to_string(flags, '|') AS flags, fetched_at, run_id FROM mau_all",
		"platforms.csv": "SELECT platform_id, category, fetched_at, run_id FROM platforms_all",
	}
	for name, q := range exports {
		dst := filepath.Join(*dir, name)
		if _, err := db.ExecContext(ctx, "COPY ("+q+") TO "+quote(dst)+" (HEADER, DELIMITER ',')"); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
	}
	report(map[string]any{"dir": *dir})
	return nil
}
