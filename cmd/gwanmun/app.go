package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// app holds what every command shares: the collector registry, the output
// streams and the global flags.
type app struct {
	registry *ingest.Registry
	stdout   io.Writer
	stderr   io.Writer

	lakeDir     string
	configPath  string
	logLevel    string
	memoryLimit string
	threads     int
	// studyName is --study; empty means the default study.
	studyName string
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
	return &app{registry: r, stdout: stdout, stderr: stderr}
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// logger writes diagnostics to stderr: text on a terminal, JSON for cron
// and log collectors. Quiet by default: warnings and errors only.
func (a *app) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		level = slog.LevelWarn
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
	return ingest.LoadConfig(path)
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
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.lakeDir, "lake", envOr("GWANMUN_LAKE", "data/lake"), "lake directory (env GWANMUN_LAKE)")
	pf.StringVar(&a.configPath, "config", "", "sources config file (default ./sources.toml if present)")
	pf.StringVar(&a.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	pf.StringVar(&a.memoryLimit, "memory-limit", "", "DuckDB memory limit, e.g. 4GB")
	pf.IntVar(&a.threads, "threads", 0, "DuckDB threads (0 = all cores)")
	pf.StringVar(&a.studyName, "study", "", "study (data/studies/NAME): its incident, news terms, data files and report sections (default "+study.DefaultName+")")
	root.AddCommand(
		newRunCmd(a), newIngestCmd(a), newAnalyzeCmd(a), newReportCmd(a), newSQLCmd(a),
		newSourcesCmd(a), newNotebookCmd(a), newLakeCmd(a), newScheduleCmd(a),
	)
	return root
}

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
