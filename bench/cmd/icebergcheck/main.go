// Command icebergcheck reads a lake's Iceberg tables with icebird (an
// independent Iceberg reader in JavaScript) and compares every table with
// what `gwanmun sql` reads: `make iceberg-check` runs it on the lake
// `make demo` leaves. Exit 1 when a table differs or cannot be read, 2 on
// a bad flag, 3 when icebird could not be installed from npm (offline):
// the check did not run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"text/tabwriter"

	"github.com/gwanmun/gwanmun/bench/icebergcheck"
)

func main() {
	lake := flag.String("lake", "data/lake", "the lake (adopted into its Iceberg catalog)")
	bench := flag.String("bench", "bench", "the bench folder: node/read_iceberg.mjs and its node_modules")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "icebergcheck: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(*lake, *bench); err != nil {
		fmt.Fprintln(os.Stderr, "icebergcheck:", err)
		if errors.Is(err, errNoReader) {
			os.Exit(3)
		}
		os.Exit(1)
	}
}

// errNoReader means icebird is not installed and npm could not install it.
var errNoReader = errors.New("icebird is not installed and npm could not install it (is the npm registry reachable?); the check did not run")

func run(lake, bench string) error {
	if _, err := os.Stat(filepath.Join(bench, "node_modules", "icebird", "package.json")); err != nil {
		cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir, cmd.Stdout, cmd.Stderr = bench, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("npm install in %s: %w: %w", bench, err, errNoReader)
		}
	}
	res, err := icebergcheck.Check(context.Background(), lake, filepath.Join(bench, "node", "read_iceberg.mjs"))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "table\ticebird rows\tgwanmun rows\ticebird sum(value)\tgwanmun sum(value)\tsame")
	bad := 0
	for _, r := range res {
		if !r.Same {
			bad++
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.6g\t%.6g\t%v\n", r.Table, r.Icebird.Rows, r.Gwanmun.Rows, r.Icebird.ValueSum, r.Gwanmun.ValueSum, r.Same)
	}
	tw.Flush()
	if bad > 0 {
		return errors.New(fmt.Sprint(bad, " table(s) read differently by icebird and gwanmun"))
	}
	fmt.Printf("icebird (an independent Iceberg reader) and gwanmun read the same rows from all %d tables of %s\n", len(res), lake)
	return nil
}
