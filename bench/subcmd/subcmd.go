// Package subcmd is the one main of the benchmark commands (gwbench,
// gwingest): pick a subcommand by name, profile it on request, and exit
// 2 on a usage error or 1 on failure.
package subcmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"syscall"
)

// Func is one subcommand, given the arguments after its name.
type Func func(ctx context.Context, args []string) error

// Main runs the subcommand os.Args[1] names; usage is printed after the
// list of names when none matches.
func Main(prog, usage string, cmds map[string]Func) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 || cmds[os.Args[1]] == nil {
		names := make([]string, 0, len(cmds))
		for n := range cmds {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: %s %v [flags]%s\n", prog, names, usage)
		os.Exit(2)
	}
	// GWBENCH_CPUPROFILE=file profiles a contender, to see where time goes.
	if path := os.Getenv("GWBENCH_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := cmds[os.Args[1]](ctx, os.Args[2:]); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintf(os.Stderr, "%s %s: %v\n", prog, os.Args[1], err)
		os.Exit(1)
	}
}
