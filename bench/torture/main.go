// Command torture is `make torture`: it builds the gwanmun binary and
// attacks it the way a crash, a busy cron host and a hostile web server
// would, then prints what it counted and exits non-zero on any failure.
//
//  1. kill -9 trials over `ingest`, `run` and `lake compact` at random
//     moments, each followed by `lake verify` and a row count against a
//     clean reference lake;
//  2. concurrent writers (ingest, compact) with readers running `sql`
//     counts while they publish;
//  3. a corpus of hostile servers on 127.0.0.1, read by the real
//     collectors through config overrides of their URLs.
//
// It is not part of `make test`: it takes minutes and measures a machine.
// See docs/reliability.md for how to read its output and the last run.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// counts is the report: every field must be zero except the trial counts.
type counts struct {
	KillTrials     int `json:"kill_trials"`
	KillsDelivered int `json:"kills_delivered"` // the process was still running when killed
	// KilledBeforeLake: trials on an empty folder killed before the run
	// made anything of a lake; verify rightly calls it no lake, the state before.
	KilledBeforeLake int `json:"killed_before_lake"`
	WriterTrials     int `json:"writer_trials"`
	Reads            int `json:"reads"`
	HostileInputs    int `json:"hostile_inputs"`
	BadInputs        int `json:"bad_inputs"`     // hostile inputs that must give a message (the rest are odd but valid)
	ClearMessages    int `json:"clear_messages"` // bad inputs that gave theirs

	VerifyFailures int `json:"verify_failures"`
	Lost           int `json:"lost"`
	Duplicated     int `json:"duplicated"`
	Unrecovered    int `json:"unrecovered"` // the next run could not finish what a killed one left
	FailedReads    int `json:"failed_reads"`
	WrongReads     int `json:"wrong_reads"` // a read that returned neither the before nor the after count
	Panics         int `json:"panics"`
	Hangs          int `json:"hangs"`
	Unclear        int `json:"unclear_messages"`
	WrongRows      int `json:"wrong_rows"` // hostile input: rows landed that were not valid, or valid ones missing
	LogFloods      int `json:"log_floods"`

	// Iceberg is the -iceberg-kills/-iceberg-writers phase (iceberg.go).
	Iceberg icebergCounts `json:"iceberg"`

	MaxRSSMiB12MB float64 `json:"max_rss_mib_12mb_page"`
	Seconds       float64 `json:"seconds"`
}

func (c counts) failures() int {
	return c.VerifyFailures + c.Lost + c.Duplicated + c.Unrecovered + c.FailedReads + c.WrongReads + c.Panics + c.Hangs +
		c.Unclear + c.WrongRows + c.LogFloods + c.Iceberg.failures()
}

type torture struct {
	bin  string
	work string
	rng  *rand.Rand
	c    counts
	logf func(format string, args ...any)
}

func main() {
	kills := flag.Int("kills", 200, "kill -9 trials (split over ingest, run and lake compact)")
	writers := flag.Int("writers", 50, "concurrent-writer trials")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed (printed, to replay a run)")
	bin := flag.String("bin", "", "gwanmun binary to test (default: build ./cmd/gwanmun)")
	keep := flag.Bool("keep", false, "keep the work directory")
	verbose := flag.Bool("v", false, "print every trial")
	only := flag.String("hostile", "", "run only the hostile cases whose name contains this (all when empty)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "torture: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	start := time.Now()
	work, err := os.MkdirTemp("", "gwanmun-torture-")
	if err != nil {
		fatal(err)
	}
	if !*keep {
		defer os.RemoveAll(work)
	}
	t := &torture{work: work, rng: rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15)), logf: func(string, ...any) {}}
	if *verbose {
		t.logf = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
	}
	fmt.Printf("torture: seed %d, %d CPUs, %s/%s, work %s\n", *seed, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, work)
	t.bin = *bin
	if t.bin == "" {
		t.bin = filepath.Join(work, "gwanmun")
		if out, err := exec.Command("go", "build", "-o", t.bin, "./cmd/gwanmun").CombinedOutput(); err != nil {
			fatal(fmt.Errorf("build gwanmun: %v\n%s", err, out))
		}
	}
	phase := func(name string, f func() error) {
		p := time.Now()
		if err := f(); err != nil {
			fatal(fmt.Errorf("%s: %w", name, err))
		}
		fmt.Printf("torture: %s done in %s\n", name, time.Since(p).Round(time.Second))
	}
	phase("hostile inputs", func() error { return t.hostile(*only) })
	phase("kill -9 trials", func() error { return t.kills(*kills) })
	phase("concurrent writers", func() error { return t.writers(*writers) })
	phase("iceberg (PostgreSQL catalog)", t.icebergPhase)
	t.c.Seconds = time.Since(start).Round(time.Second).Seconds()

	b, _ := json.MarshalIndent(t.c, "", "  ")
	fmt.Println(string(b))
	if n := t.c.failures(); n > 0 {
		fmt.Printf("torture: FAIL, %d failures\n", n)
		os.Exit(1)
	}
	fmt.Println("torture: ok")
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "torture:", err)
	os.Exit(1)
}

// result is one finished gwanmun process.
type result struct {
	code           int
	stdout, stderr []byte
	elapsed        time.Duration
	maxRSSKiB      int64
	timedOut       bool
}

// gw runs the binary in dir with a hard deadline; a process still alive
// at the deadline is a hang, killed and reported as such.
func (t *torture) gw(dir string, deadline time.Duration, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GWANMUN_LAKE=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.Bytes(), stderr: errb.Bytes(), elapsed: time.Since(start), timedOut: ctx.Err() != nil}
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSSKiB = ru.Maxrss
		}
	} else if err != nil {
		r.code = -1
		r.stderr = append(r.stderr, []byte(err.Error())...)
	}
	return r
}

// panicked reports a Go panic or runtime crash in a process's stderr.
func panicked(stderr []byte) bool {
	return bytes.Contains(stderr, []byte("panic: ")) || bytes.Contains(stderr, []byte("goroutine ")) ||
		bytes.Contains(stderr, []byte("fatal error: "))
}

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
