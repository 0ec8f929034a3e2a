// Command gwanmun measures how much of a country's digital life runs
// through one gateway app: it ingests cited evidence into a Parquet lake,
// analyses it with DuckDB and renders self-contained reports.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gwanmun/gwanmun/cmd/gwanmun/internal/earlysignal"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/ingest/all"
)

// Exit codes, decided here and nowhere else; docs/operations.md lists them.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitPartial     = 3
	exitLocked      = 4
	exitInterrupted = 130
)

func main() {
	// Signals are caught from package initialisation on, not from here.
	ctx := earlysignal.Context()
	defer earlysignal.Stop()
	os.Exit(execute(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs the CLI and maps the outcome to an exit code; tests call it.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return executeApp(ctx, newApp(all.Registry(), stdout, stderr), args)
}

func executeApp(ctx context.Context, app *app, args []string) int {
	stdout, stderr := app.stdout, app.stderr
	root := newRootCmd(app)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	code := exitCode(ctx, err)
	var quiet reported
	if err != nil && !errors.Is(err, errPartial) && !errors.As(err, &quiet) {
		fmt.Fprintf(stderr, "gwanmun: %v\n", err)
		if code == exitUsage {
			fmt.Fprintln(stderr, "Run 'gwanmun --help' for usage.")
		}
	}
	return code
}

// errPartial means the command did its job but some sources failed.
var errPartial = errors.New("finished with errors in some sources")

// reported is an error the command already told the user about (the cron
// summary line of a skipped run), so main only turns it into an exit code.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func exitCode(ctx context.Context, err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, errPartial):
		return exitPartial
	case errors.Is(err, lakestore.ErrLocked):
		return exitLocked
	}
	return exitFailure
}
