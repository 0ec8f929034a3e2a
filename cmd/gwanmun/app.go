package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
	"github.com/gwanmun/gwanmun/ingest/progress"
)

// app holds what every command shares: the collector registry, the output
// streams and the global flags.
type app struct {
	registry *ingest.Registry
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer

	lakeDir     string
	configPath  string
	logLevel    string
	memoryLimit string
	threads     int

	// onAnalysis, when set, hears of every analysis `run` executes; tests
	// count with it.
	onAnalysis func(name string)
	// studyName is --study; empty means the default study.
	studyName string
	// asOf is --as-of (report --snapshot): read the Iceberg tables as of
	// a snapshot or a time.
	asOf string
	// icebergRead is the Iceberg point the views were built on (nil: the
	// lake's files); report tags it (cmd_iceberg.go).
	icebergRead *icebergRead
	// --progress and --progress-interval; clock is swapped by tests.
	progressMode     string
	progressInterval time.Duration
	progressClock    progress.Clock
}

// progress starts the display --progress asks for: auto is a live display
// on a terminal (stderr) and Info log records anywhere else (cron).
func (a *app) progress() progress.Reporter {
	m, _ := progress.ParseMode(a.progressMode) // checked by validate
	if m == progress.Auto || m == "" {
		m = progress.Log
		if isTerminal(a.stderr) {
			m = progress.Bar
		}
	}
	return progress.New(progress.Options{Mode: m, Out: a.stderr, Log: a.logger(), Interval: a.progressInterval, Clock: a.progressClock})
}

// study loads --study, or nil for the default study. (study helper)
func (a *app) study() (*study.Study, error) {
	if a.studyName == "" {
		return nil, nil
	}
	s, err := study.Open(a.studyName, "", time.Now())
	if err != nil {
		return nil, usageError{err}
	}
	return s, nil
}

// useStudy points the news filter and the file collector at --study:
// news terms come from the study, and its data files are landed unless
// the sources file names a study itself. (study helper)
func (a *app) useStudy(cfg *ingest.Config) error {
	s, err := a.study()
	if err != nil || s == nil {
		return err
	}
	newsmatch.UseStudy(s)
	if cfg.Sources == nil {
		cfg.Sources = map[string]map[string]any{}
	}
	if cfg.Sources["file"] == nil {
		cfg.Sources["file"] = map[string]any{}
	}
	if _, ok := cfg.Sources["file"]["study"]; !ok && len(s.Data) > 0 {
		cfg.Sources["file"]["study"] = s.Name
	}
	return nil
}

func newApp(r *ingest.Registry, stdout, stderr io.Writer) *app {
	return &app{registry: r, stdin: os.Stdin, stdout: stdout, stderr: stderr}
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// logger writes diagnostics to stderr: text on a terminal, JSON for cron
// and log collectors. Quiet by default: warnings and errors only.
func (a *app) logger() *slog.Logger {
	level := slog.LevelWarn
	if a.logLevel != "" {
		_ = level.UnmarshalText([]byte(a.logLevel)) // checked by validate
	}
	opts := &slog.HandlerOptions{Level: level}
	if isTerminal(a.stderr) {
		return slog.New(slog.NewTextHandler(a.stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(a.stderr, opts))
}

// config loads the sources file if one was given (or exists by default).
func (a *app) config() (ingest.Config, error) {
	path := a.configPath
	if path == "" {
		if _, err := os.Stat("sources.toml"); err != nil {
			return ingest.Config{}, nil
		}
		path = "sources.toml"
	}
	cfg, err := ingest.LoadConfig(path)
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Check(a.registry)
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "gwanmun",
		Short: "Measure how much of digital daily life runs through one gateway app",
		Long: `gwanmun (관문, "gateway") collects cited evidence on platform users, the services a
gateway app opens and outages, lands it in a Parquet lake, and turns it into
concentration, lock-in and outage-impact figures with self-contained HTML reports.

The default run works offline on the embedded, cited snapshot.`,
		Example: `  gwanmun run                       # seed + bundled recordings -> lake -> analyses -> out/report/index.html
  gwanmun analyze concentration --json
  gwanmun sql "SELECT platform_id, value FROM mau WHERE period_label = '2022Q3'"`,
		Version:       version(),
		Args:          unknownSubcommand,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		SilenceUsage:  true,
		SilenceErrors: true,
		// Global flags are checked before any command does work.
		PersistentPreRunE: func(*cobra.Command, []string) error { return a.validate() },
	}
	root.SetVersionTemplate("gwanmun {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.lakeDir, "lake", envOr("GWANMUN_LAKE", defaultLake), "lake directory (env GWANMUN_LAKE)")
	pf.StringVar(&a.configPath, "config", "", "sources config file (default ./sources.toml if present)")
	pf.StringVar(&a.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	pf.StringVar(&a.memoryLimit, "memory-limit", "", "DuckDB memory limit, e.g. 4GB")
	pf.IntVar(&a.threads, "threads", 0, "DuckDB threads (0 = all cores)")
	pf.StringVar(&a.progressMode, "progress", "auto", "progress display: auto (bar on a terminal, log records otherwise), bar, log (Info records; see --log-level) or off")
	pf.DurationVar(&a.progressInterval, "progress-interval", progress.DefaultInterval, "with log progress: a record per running collector this often")
	pf.StringVar(&a.studyName, "study", "", "study (data/studies/NAME): its incident, news terms, data files and report sections (default "+study.DefaultName+")")
	root.AddCommand(
		newRunCmd(a), newIngestCmd(a), newAnalyzeCmd(a), newReportCmd(a), newSQLCmd(a),
		newSourcesCmd(a), newNotebookCmd(a), newLakeCmd(a), newScheduleCmd(a), newDiffCmd(a),
		newIcebergCmd(a),
	)
	argsAreUsage(root)
	return root
}

// validate checks the global flags.
func (a *app) validate() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return usageError{fmt.Errorf("--log-level %q: want debug, info, warn or error", a.logLevel)}
	}
	if _, err := progress.ParseMode(a.progressMode); err != nil {
		return usageError{fmt.Errorf("--progress %w", err)}
	}
	if a.progressInterval <= 0 {
		return usageError{fmt.Errorf("--progress-interval %v: want a duration above 0", a.progressInterval)}
	}
	if a.threads < 0 {
		return usageError{fmt.Errorf("--threads %d: want 0 (all cores) or more", a.threads)}
	}
	if err := a.dbOptions().Validate(); err != nil {
		return usageError{fmt.Errorf("--memory-limit: %w", err)}
	}
	return nil
}

// unknownSubcommand is the Args rule of a command that only groups
// others: any argument is a subcommand that does not exist.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return fmt.Errorf("unknown command %q for %q (commands: %s)", args[0], cmd.CommandPath(), strings.Join(names, ", "))
}

// argsAreUsage makes every wrong number or kind of arguments, in every
// command, a usage error (exit 2).
func argsAreUsage(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		argsAreUsage(sub)
	}
}

// version is the module version the binary was built as (a tag with `go
// install ...@v1.2.3`, "(devel)" from a checkout) with its VCS revision.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " (" + rev + dirty + ")"
	}
	return v + " " + bi.GoVersion
}

// defaultLake is the lake when neither --lake, GWANMUN_LAKE nor the
// config file names one.
const defaultLake = "data/lake"

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// parseParams reads repeated --param key=value flags.
func parseParams(in []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range in {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Errorf("--param %q: want key=value", p)}
		}
		out[k] = v
	}
	return out, nil
}
