package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary stand in for gwanmun, with no separate go
// build: with GWANMUN_TEST_CLI=1 it is the CLI for the process-level tests
// (kill -9, concurrent runs, SIGTERM), and testscript puts it on the
// scenarios' PATH as `gwanmun`.
func TestMain(m *testing.M) {
	if os.Getenv("GWANMUN_TEST_CLI") == "1" {
		if os.Getenv("GWANMUN_TEST_SIGTERM_BEFORE_MAIN") == "1" {
			sigtermBeforeMain()
		}
		main()
	}
	// The test binary itself ends on Ctrl-C as usual. Reset, not
	// earlysignal.Stop: Stop cancels the context that `gwanmun` run by a
	// scenario (this binary again, through testscript) would then inherit.
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	testscript.Main(m, map[string]func(){"gwanmun": main})
}

// TestScripts runs the CLI scenarios in testdata/script, each in its own
// empty work directory ($WORK) with a bare environment (no GWANMUN_LAKE
// from the developer's shell) and no network.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exits": cmdExits},
	})
}

// cmdExits is `exits CODE PROGRAM [ARGS...]`: run PROGRAM and fail unless
// it exits with CODE, since `! exec` only tells zero from non-zero and the
// CLI's exit codes are part of its contract.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: code %q: %v", args[0], err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
