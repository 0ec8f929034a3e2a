// Command gwbench runs gwanmun's benchmarks side by side with the tools a
// researcher would otherwise use (Scrapy, pandas, a bare colly crawler,
// DuckDB's own Parquet writer) and prints the table of ratios. `gwbench
// all` is the driver; the other subcommands, and those of gwingest (the
// ingest-side contenders, built without DuckDB so their memory is their
// own), are the contenders it starts as child processes, so each one's CPU
// time and peak memory come from the kernel's accounting of that process
// alone. See BENCHMARKS.md.
package main

import "github.com/gwanmun/gwanmun/bench/subcmd"

func main() {
	subcmd.Main("gwbench", "\n  gwbench all -h  for the driver's flags", map[string]subcmd.Func{
		"all":          runAll,
		"write-duckdb": runWriteDuckDB,
		"analyze":      runAnalyzeChild,
		"export-csv":   runExportCSV,
		"gen-news":     runGenNews,
	})
}
