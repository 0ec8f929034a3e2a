package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/progress"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

type ingestOptions struct {
	sources     []string
	mode        string
	record      string
	noArchive   bool
	replay      string
	demo        bool
	runID       string
	lockWait    time.Duration
	ifOlderThan time.Duration
	incremental bool
	lag         time.Duration
	// prog is the running ingest's progress display (set by runIngest).
	prog progress.Reporter
}

// addFlags registers the flags ingest and schedule share.
func (o *ingestOptions) addFlags(f *pflag.FlagSet) {
	f.StringArrayVar(&o.sources, "source", nil, "collector to run (repeatable; default: all enabled)")
	f.StringVar(&o.mode, "mode", "", "live, record or replay (default live; --record/--replay imply the mode)")
	f.StringVar(&o.record, "record", "", "record mode: directory for WARC files")
	f.BoolVar(&o.noArchive, "no-archive", false, "live mode without the WARC archive the config's archive key (default: archive/ in the lake) keeps")
	f.StringVar(&o.replay, "replay", "", "replay mode: a WARC file or a folder of recorded responses")
	f.BoolVar(&o.demo, "demo", false, "replay each collector's bundled recording (offline)")
	f.DurationVar(&o.lockWait, "wait", 0, "wait this long for a running ingest to finish instead of skipping (exit 4) at once")
	f.DurationVar(&o.ifOlderThan, "if-older-than", 0, "run only sources whose last completed run is older than this, e.g. 24h (catch-up after a missed slot)")
	f.BoolVar(&o.incremental, "incremental", false, "news sources start from the newest article the lake holds, less --lag")
	f.DurationVar(&o.lag, "lag", 72*time.Hour, "with --incremental: re-fetch this much before the cursor to catch late edits")
}

func newIngestCmd(a *app) *cobra.Command {
	o := &ingestOptions{}
	c := &cobra.Command{
		Use:   "ingest",
		Short: "Run collectors and land their rows in the lake",
		Long: `Run collectors (all enabled ones unless --source is given) as one lake
transaction. Safe under cron: locked, idempotent (unchanged input writes
nothing), and quiet: when stdout is not a terminal it prints one JSON
summary line per run, and stderr gets JSON logs only for what needs a
human (a failed source, a rejected row, a stale lock taken over).

A live run archives every exchange as WARC (the config's archive key; by
default archive/ inside the lake), so each live row names the response it
came from; archive = "off" or --no-archive opts out.

If another ingest holds the lake, this one does nothing and exits 4 with a
"skipped" summary; --wait makes it queue instead. --if-older-than runs only
the sources whose last completed run is older than the given age, so a
cron job that also runs at boot catches up on a missed slot.

Exit codes: 0 ok (or up to date), 1 failed, 2 usage, 3 partial (some
sources failed), 4 skipped (another run holds the lake), 130 interrupted.`,
		Example: `  gwanmun ingest --source seed
  gwanmun ingest --demo                              # seed + every bundled recording, offline
  gwanmun ingest --source wikitable                  # live, archived to WARC (archive/ in the lake)
  gwanmun ingest --source wikitable --no-archive     # live, nothing archived: rows carry no warc_record_id
  gwanmun ingest --source wikitable --record archive/  # live, archived to the folder given
  gwanmun ingest --source wikitable --replay archive/wikitable.warc.gz
  gwanmun ingest --if-older-than 20h                 # cron at boot and daily: catch up once`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum, err := runIngest(cmd.Context(), a, o)
			return reportIngest(a, sum, err)
		},
	}
	o.addFlags(c.Flags())
	c.Flags().StringVar(&o.runID, "run-id", "", "run id (default: time-based)")
	return c
}

// validate checks the flags ingest and schedule share.
func (o *ingestOptions) validate() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--wait", o.lockWait}, {"--if-older-than", o.ifOlderThan}, {"--lag", o.lag}} {
		if d.v < 0 {
			return usageError{fmt.Errorf("%s %v: want a duration of 0 or more", d.name, d.v)}
		}
	}
	if o.runID != "" {
		if err := lakestore.ValidRunID(o.runID); err != nil {
			return usageError{fmt.Errorf("--run-id: %w", err)}
		}
	}
	_, err := o.resolveMode()
	return err
}

func runIngest(ctx context.Context, a *app, o *ingestOptions) (ingest.Summary, error) {
	if err := o.validate(); err != nil {
		return ingest.Summary{}, err
	}
	cfg, err := a.config()
	if err != nil {
		return ingest.Summary{}, usageError{err}
	}
	if err := a.useStudy(&cfg); err != nil {
		return ingest.Summary{}, err
	}
	mode, err := o.resolveMode()
	if err != nil {
		return ingest.Summary{}, err
	}
	// A live run archives every exchange unless told not to, so each live
	// row names the archived response it came from.
	if mode == ingest.Live && !o.noArchive {
		if dir := cfg.ArchiveDir(a.configDir(), a.lakeFor(cfg)); dir != "" {
			archived := *o
			archived.record, o = dir, &archived
			mode = ingest.Record
		}
	}
	if o.runID != "" {
		// Reusing an id would replace its committed manifest.
		if err := lakestore.CheckNewRunID(a.lakeFor(cfg), o.runID); err != nil {
			if errors.Is(err, lakestore.ErrRunIDUsed) {
				return ingest.Summary{}, usageError{fmt.Errorf("--run-id: %w", err)}
			}
			return ingest.Summary{}, err
		}
	}
	names := o.sources
	if len(names) == 0 {
		names = a.registry.Names()
	}
	var cursors map[string]time.Time
	if o.incremental {
		if cursors, err = lakestore.NewsCursors(a.lakeFor(cfg)); err != nil {
			return ingest.Summary{}, err
		}
	}
	st, err := a.study()
	if err != nil {
		return ingest.Summary{}, err
	}
	otherStudy := st != nil && st.Name != study.Default().Name
	var cols []ingest.Collector
	var skipped []string
	entries := map[string]ingest.Entry{}
	for _, n := range names {
		e, err := a.registry.Get(n)
		if err != nil {
			return ingest.Summary{}, usageError{err}
		}
		sc, err := cfg.Source(n)
		if err != nil {
			return ingest.Summary{}, usageError{err}
		}
		if !sc.Enabled && len(o.sources) == 0 {
			continue
		}
		c, err := e.New(sc)
		if err != nil {
			return ingest.Summary{}, usageError{fmt.Errorf("source %s: %w", n, err)}
		}
		if o.demo && c.Info().Kind == "web" && (e.Recording == nil || otherStudy) {
			// Nothing bundled to replay: the bundled recordings hold the
			// default study's requests only, and a made-up answer for
			// another study's requests would be evidence nobody saw.
			if otherStudy && e.Recording != nil && len(o.sources) > 0 {
				return ingest.Summary{}, usageError{fmt.Errorf("source %s: its bundled recording holds the default study's requests, not study %s's; use --live or --replay DIR", n, st.Name)}
			}
			skipped = append(skipped, n)
			continue
		}
		// study helper: the file collector with no files configured.
		if idle, ok := c.(interface{ Idle() bool }); ok && idle.Idle() && len(o.sources) == 0 {
			continue
		}
		if inc, ok := c.(ingest.Incremental); ok && !cursors[n].IsZero() {
			inc.Since(cursors[n].Add(-o.lag))
		}
		entries[c.Info().Name] = e
		cols = append(cols, c)
	}
	if otherStudy && len(skipped) > 0 {
		a.logger().Info("demo: web sources without a bundled recording for this study are skipped",
			"study", st.Name, "sources", strings.Join(skipped, ","))
	}
	o.prog = a.progress()
	defer o.prog.Close()
	r := &ingest.Runner{
		LakeDir: a.lakeFor(cfg), Log: a.logger(), Mode: mode, Bundled: o.demo, UserAgent: userAgent(cfg), RunID: o.runID,
		LockWait: o.lockWait, IfOlderThan: o.ifOlderThan, Progress: o.prog,
		Transport: func(c ingest.Collector) (http.RoundTripper, io.Closer, error) {
			return a.transport(cfg, c, entries[c.Info().Name], mode, o)
		},
	}
	if err := a.adoptIceberg(ctx, cfg, r.LakeDir, o.lockWait); err != nil {
		return ingest.Summary{}, err
	}
	sum, err := r.Run(ctx, cols)
	// After the lake's commit point: register the run in the Iceberg
	// tables (a failure is logged; the next run completes it).
	a.syncIceberg(ctx, cfg, r.LakeDir)
	return sum, err
}

// lakeFor is the lake a command works on: --lake (or GWANMUN_LAKE) when
// given, else the config file's lake key, a relative one resolved against
// the config file's directory (cron's working directory is $HOME), else
// data/lake.
func (a *app) lakeFor(cfg ingest.Config) string {
	switch {
	case a.lakeDir != defaultLake || cfg.Lake == "":
		return a.lakeDir
	case filepath.IsAbs(cfg.Lake):
		return cfg.Lake
	}
	return filepath.Join(a.configDir(), cfg.Lake)
}

// configDir is the folder relative paths in the config file are resolved
// against.
func (a *app) configDir() string {
	if a.configPath == "" {
		return "."
	}
	return filepath.Dir(a.configPath)
}

func (o *ingestOptions) resolveMode() (ingest.Mode, error) {
	switch {
	case o.noArchive && (o.demo || o.record != "" || o.replay != "" || (o.mode != "" && o.mode != string(ingest.Live))):
		return "", usageError{errors.New("--no-archive is for live runs; it excludes --record, --replay, --demo and --mode record")}
	case o.demo:
		return ingest.Replay, nil
	case o.record != "" && o.replay != "":
		return "", usageError{errors.New("--record and --replay exclude each other")}
	case o.record != "":
		return ingest.Record, nil
	case o.replay != "":
		return ingest.Replay, nil
	case o.mode == "":
		return ingest.Live, nil
	}
	m, err := ingest.ParseMode(o.mode)
	if err != nil {
		return "", usageError{err}
	}
	if m == ingest.Replay {
		return "", usageError{errors.New("replay mode needs --replay PATH or --demo")}
	}
	return m, nil
}

func userAgent(cfg ingest.Config) string {
	if cfg.Politeness.UserAgent != "" {
		return cfg.Politeness.UserAgent
	}
	return ingest.DefaultUserAgent
}

// transport builds one web collector's transport from the politeness
// config and the mode. In demo mode the collector's bundled WARC is copied
// out of the binary to a temporary file the replay reads.
func (a *app) transport(cfg ingest.Config, c ingest.Collector, e ingest.Entry, mode ingest.Mode, o *ingestOptions) (http.RoundTripper, io.Closer, error) {
	name := c.Info().Name
	pol, err := cfg.SourcePoliteness(name)
	if err != nil {
		return nil, nil, err
	}
	tc := transport.Config{
		Mode: transport.Mode(mode), UserAgent: userAgent(cfg), RespectRobots: true,
		MaxRetries: pol.MaxRetries, MaxBodyBytes: pol.MaxBodyBytes,
		Delay: pol.Delay.Duration, Timeout: pol.Timeout.Duration, Logger: a.logger(),
	}
	if pol.RespectRobots != nil {
		tc.RespectRobots = *pol.RespectRobots
	}
	if o.prog == nil {
		o.prog = progress.Nop()
	}
	if pc := o.prog.Counters(name); pc != nil {
		tc.Sleep = pc.Sleep // politeness waits show in the progress display
	}
	var cleanup func()
	switch {
	case o.demo:
		path, done, err := extractRecording(e.Recording, name)
		if err != nil {
			return nil, nil, err
		}
		tc.WARCPath, cleanup = path, done
	case mode == ingest.Replay:
		if st, err := os.Stat(o.replay); err == nil && st.IsDir() && !hasWARC(o.replay) {
			tc.ReplayDir = o.replay
		} else {
			tc.WARCPath = o.replay
		}
	case mode == ingest.Record:
		if err := os.MkdirAll(o.record, 0o755); err != nil {
			return nil, nil, fmt.Errorf("record dir: %w", err)
		}
		tc.WARCPath = filepath.Join(o.record, fmt.Sprintf("%s-%s.warc.gz", name, time.Now().UTC().Format("20060102T150405Z")))
	}
	t, err := transport.New(tc)
	if err != nil {
		if cleanup != nil {
			cleanup()
		}
		return nil, nil, err
	}
	return t, closerFunc(func() error {
		err := t.Close()
		if cleanup != nil {
			cleanup()
		}
		return err
	}), nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func hasWARC(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.warc*"))
	return len(m) > 0
}

func extractRecording(fsys fs.FS, name string) (string, func(), error) {
	if fsys == nil {
		return "", nil, fmt.Errorf("source %s has no bundled recording", name)
	}
	b, err := fs.ReadFile(fsys, "recording.warc.gz")
	if err != nil {
		return "", nil, fmt.Errorf("source %s: bundled recording: %w", name, err)
	}
	dir, err := os.MkdirTemp("", "gwanmun-replay-")
	if err != nil {
		return "", nil, err
	}
	p := filepath.Join(dir, name+".warc.gz")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return p, func() { os.RemoveAll(dir) }, nil
}

// staleAfter is how long a lock may be held before a skipped run says so
// on stderr: an ingest that long is probably stuck.
const staleAfter = 24 * time.Hour

// reportIngest prints a run's summary, whatever its outcome, and turns the
// outcome into the error main maps to an exit code. A run that never
// started (bad flags or config) has no summary, only its error.
func reportIngest(a *app, sum ingest.Summary, err error) error {
	if sum.RunID == "" {
		return err
	}
	perr := reportSummary(a, sum)
	switch {
	case sum.Status == ingest.StatusSkipped:
		if sum.Holder != nil && time.Since(sum.Holder.StartedAt) > staleAfter {
			a.logger().Warn("the lake has been locked for a long time; is that run stuck?",
				"holder_pid", sum.Holder.PID, "holder_host", sum.Holder.Host,
				"holder_since", sum.Holder.StartedAt, "holder_run_id", sum.Holder.RunID)
		}
		// Overlapping cron slots are routine: the summary line is enough.
		return reported{err}
	case sum.Status == ingest.StatusInterrupted:
		return reported{err}
	case err != nil:
		return err
	}
	return perr
}

// reportSummary prints the run summary: a table on a terminal, one JSON
// line otherwise (cron mails stay short), and turns a partial run into
// exit code 3.
func reportSummary(a *app, sum ingest.Summary) error {
	p := printer{w: a.stdout}
	if isTerminal(a.stdout) {
		switch sum.Status {
		case ingest.StatusSkipped, ingest.StatusInterrupted, ingest.StatusUpToDate:
			fmt.Fprintf(a.stdout, "run %s: %s", sum.RunID, sum.Status)
			if sum.Error != "" {
				fmt.Fprintf(a.stdout, " — %s", sum.Error)
			}
			fmt.Fprintln(a.stdout)
		default:
			fmt.Fprintf(a.stdout, "run %s: %s — %d rows in %d files (%d files unchanged)\n",
				sum.RunID, sum.Status, sum.RowsWritten, sum.FilesWritten, sum.FilesSkipped)
		}
		for _, c := range sum.Collectors {
			if c.Status == ingest.StatusUpToDate {
				fmt.Fprintf(a.stdout, "  %-14s %-10s last completed %s\n", c.Collector, c.Status, c.LastCompleted.Format(time.RFC3339))
				continue
			}
			fmt.Fprintf(a.stdout, "  %-14s %-10s emitted %d, written %d, rejected %d, requests %d\n",
				c.Collector, c.Status, c.RowsEmitted, c.RowsWritten, c.RowsRejected, c.Requests)
			for _, e := range c.Errors {
				fmt.Fprintf(a.stdout, "      ! %s\n", e)
			}
		}
	} else if err := p.line(sum); err != nil {
		return err
	}
	switch sum.Status {
	case ingest.StatusFailed:
		if sum.Error != "" {
			return errors.New(sum.Error)
		}
		return errors.New("every source failed")
	case ingest.StatusPartial:
		return errPartial
	}
	return nil
}
