// Command gwbench runs gwanmun's benchmarks side by side with the tools a
// researcher would otherwise use (Scrapy, pandas, a bare colly crawler,
// DuckDB's own Parquet writer) and prints the table of ratios. `gwbench
// all` is the driver; the other subcommands, and those of gwingest (the
// ingest-side contenders, built without DuckDB so their memory is their
// own), are the contenders it starts as child processes, so each one's CPU
// time and peak memory come from the kernel's accounting of that process
// alone. See BENCHMARKS.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"syscall"
)

var subcommands = map[string]func(context.Context, []string) error{
	"all":          runAll,
	"write-duckdb": runWriteDuckDB,
	"analyze":      runAnalyzeChild,
	"export-csv":   runExportCSV,
	"gen-news":     runGenNews,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 || subcommands[os.Args[1]] == nil {
		names := make([]string, 0, len(subcommands))
		for n := range subcommands {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: gwbench %v [flags]\n  gwbench all -h  for the driver's flags\n", names)
		os.Exit(2)
	}
	// GWBENCH_CPUPROFILE=file profiles a contender, to see where time goes.
	if path := os.Getenv("GWBENCH_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := subcommands[os.Args[1]](ctx, os.Args[2:]); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintf(os.Stderr, "gwbench %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
