// Command gwingest holds the ingest-side contenders of the benchmarks:
// our collectors and the bare colly crawler over the local site, the
// ingest runner on synthetic rows, and data/lakestore's Parquet writer. It
// links no DuckDB (neither does package ingest), so the peak memory
// gwbench measures for these children is the crawler's or writer's own.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"syscall"
)

var subcommands = map[string]func(context.Context, []string) error{
	"crawl":      runCrawlChild,
	"serve":      runServe,
	"ingest":     runIngestChild,
	"write-lake": runWriteLake,
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
		fmt.Fprintf(os.Stderr, "usage: gwingest %v [flags] (started by gwbench all)\n", names)
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
		fmt.Fprintf(os.Stderr, "gwingest %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// report prints the child's own figures as its last stdout line.
func report(v any) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

// cpuNow is this process's CPU time so far (all threads, user + system).
func cpuNow() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6 + float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6
}
