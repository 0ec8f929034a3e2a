// Command gwingest holds the ingest-side contenders of the benchmarks:
// our collectors and the bare colly crawler over the local site, the
// ingest runner on synthetic rows, and data/lakestore's Parquet writer. It
// links no DuckDB (neither does package ingest), so the peak memory
// gwbench measures for these children is the crawler's or writer's own.
package main

import (
	"encoding/json"
	"fmt"
	"syscall"

	"github.com/gwanmun/gwanmun/bench/subcmd"
)

func main() {
	subcmd.Main("gwingest", " (started by gwbench all)", map[string]subcmd.Func{
		"crawl":      runCrawlChild,
		"serve":      runServe,
		"ingest":     runIngestChild,
		"write-lake": runWriteLake,
	})
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
