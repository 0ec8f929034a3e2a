package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
	icb "github.com/gwanmun/gwanmun/data/iceberg"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/ingest"
)

// icebergConfig is the [iceberg] table of the sources file; ok is false
// when it turns the mirror off.
func icebergConfig(cfg ingest.Config) (icb.Config, bool, error) {
	c := icb.Config{Catalog: cfg.Iceberg.Catalog, Warehouse: cfg.Iceberg.Warehouse,
		S3Endpoint: cfg.Iceberg.S3Endpoint, S3Region: cfg.Iceberg.S3Region}
	if err := c.Validate(); err != nil {
		return c, false, usageError{fmt.Errorf("sources config: %w", err)}
	}
	on := cfg.Iceberg.Enabled == nil || *cfg.Iceberg.Enabled
	return c, on, nil
}

// adoptIceberg makes the lake's Iceberg catalog its commit log before a
// command writes to it (data/iceberg.Adopt): from then on a run is
// committed by appending to the catalog's _runs table. With the tables
// turned off nothing is adopted, and an adopted lake cannot be turned
// back, nor pointed at another catalog: those are errors naming the
// setting (exit 2).
func (a *app) adoptIceberg(ctx context.Context, cfg ingest.Config, dir string, wait time.Duration) error {
	c, on, err := icebergConfig(cfg)
	if err != nil {
		return err
	}
	if !on {
		if _, adopted, err := lakestore.ReadLogSpec(dir); err != nil || adopted {
			if err != nil {
				return err
			}
			return usageError{fmt.Errorf("sources config: [iceberg] enabled = false, but lake %s commits to its Iceberg catalog (%s); remove the setting", dir, lakestore.CommitLogFile)}
		}
		return nil
	}
	if _, err := icb.AdoptLake(ctx, dir, c, wait, a.logger()); err != nil {
		if errors.Is(err, icb.ErrOtherLog) {
			return usageError{err}
		}
		// Not adopted (the lake is locked or unwritable, the catalog is
		// down, the run was interrupted): the lake keeps its folder log,
		// which is safe, and the command goes on to report what it finds
		// (a locked lake is "skipped", exit 4). The next command adopts.
		level := slog.LevelWarn
		if errors.Is(err, lakestore.ErrLocked) || ctx.Err() != nil {
			level = slog.LevelDebug // the command itself says so
		}
		a.logger().Log(ctx, level, "the lake still commits to its _manifests folder: moving its log into the Iceberg catalog failed; the next ingest or compaction tries again",
			"lake", dir, "err", err)
	}
	return nil
}

// lakeIceberg is the catalog a command on lake dir uses: the one an
// adopted lake commits to (its _commitlog.json; ingest and compaction
// refuse settings naming another), else the [iceberg] settings.
func lakeIceberg(cfg ingest.Config, dir string) (icb.Config, bool, error) {
	if c, ok, err := icb.AdoptedConfig(dir); err != nil || ok {
		return c, ok, err
	}
	return icebergConfig(cfg)
}

// syncIceberg registers what the lake committed as Iceberg snapshots. It
// runs after the lake's own commit, so a failure here loses nothing: the
// run is in the lake, and the next ingest, compaction or `gwanmun iceberg
// sync` registers it. It is logged, not returned.
func (a *app) syncIceberg(ctx context.Context, cfg ingest.Config, dir string) {
	c, on, err := lakeIceberg(cfg, dir)
	if err != nil || !on || ctx.Err() != nil || lakestore.CheckLake(dir) != nil {
		return
	}
	if _, err := a.doSyncIceberg(ctx, c, dir); err != nil {
		a.logger().Warn("the Iceberg tables are behind the lake; the next ingest or `gwanmun iceberg sync` registers the missing runs",
			"lake", dir, "err", err)
	}
}

func (a *app) doSyncIceberg(ctx context.Context, c icb.Config, dir string) ([]icb.Registered, error) {
	m, err := icb.Open(ctx, dir, c, a.logger())
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return m.Sync(ctx)
}

// readPin is what the read commands' views read: --as-of's snapshots;
// else, when the lake has Iceberg tables that hold every committed run,
// their current snapshots (so a report names the snapshot of every table
// it read); else nil, the lake's own files. Without --as-of nothing about
// the tables can fail a read: a catalog that cannot be opened (a
// read-only lake, a server down) means reading the lake's files.
func (a *app) readPin(ctx context.Context, dir string) (*analysis.Pin, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, usageError{err}
	}
	c, on, err := lakeIceberg(cfg, dir)
	if err != nil {
		return nil, err
	}
	if a.asOf == "" {
		if !on || !icb.Exists(dir, c) {
			return nil, nil
		}
		p, err := a.currentPin(ctx, dir, c)
		if err != nil || p == nil {
			a.logger().Debug("reading the lake's files, not its Iceberg tables", "err", err)
			return nil, nil
		}
		return p, nil
	}
	if !icb.Exists(dir, c) {
		return nil, usageError{fmt.Errorf("--as-of %s: lake %s has no Iceberg tables (run `gwanmun iceberg sync`)", a.asOf, dir)}
	}
	m, err := icb.Open(ctx, dir, c, a.logger())
	if err != nil {
		return nil, err
	}
	defer m.Close()
	p, err := m.Pin(ctx, a.asOf)
	if err != nil {
		return nil, usageError{err}
	}
	a.icebergRead = &icebergRead{dir: dir, c: c, pin: p}
	return toAnalysisPin(m, p), nil
}

// currentPin is the tables' current snapshots, or nil when they lag the
// lake (a run committed but not registered yet).
func (a *app) currentPin(ctx context.Context, dir string, c icb.Config) (*analysis.Pin, error) {
	m, err := icb.Open(ctx, dir, c, a.logger())
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if n, err := m.Pending(ctx); err != nil || n > 0 {
		return nil, err
	}
	p, err := m.Pin(ctx, "")
	if err != nil {
		return nil, err
	}
	a.icebergRead = &icebergRead{dir: dir, c: c, pin: p}
	return toAnalysisPin(m, p), nil
}

// icebergRead is the Iceberg point a read command's views were built on.
type icebergRead struct {
	dir string
	c   icb.Config
	pin *icb.Pin
}

// pinReport tags the snapshots a rendered report read, so `iceberg
// expire` keeps them and `report --snapshot` of this report keeps
// working. A report read from the lake's files pins nothing; a tag that
// cannot be written (a read-only catalog) is a warning, not a failure:
// the report is written.
func (a *app) pinReport(ctx context.Context) {
	r := a.icebergRead
	if r == nil || r.pin == nil || r.pin.SnapshotID == 0 {
		return
	}
	m, err := icb.Open(ctx, r.dir, r.c, a.logger())
	if err == nil {
		err = m.PinReport(ctx, r.pin)
		m.Close()
	}
	if err != nil {
		a.logger().Warn("the report's Iceberg snapshots are not tagged; `gwanmun iceberg expire` may remove them", "snapshot", r.pin.SnapshotID, "err", err)
	}
}

func toAnalysisPin(m *icb.Mirror, p *icb.Pin) *analysis.Pin {
	out := &analysis.Pin{Files: p.Files, Vintage: p.Vintage()}
	if lp, ok := icb.LocalPath(m.Warehouse); ok {
		if abs, err := filepath.Abs(lp); err == nil {
			out.Dirs = []string{abs}
		}
	}
	return out
}

// addAsOf registers --as-of on a read command.
func addAsOf(c *cobra.Command, a *app) {
	c.Flags().StringVar(&a.asOf, "as-of", "", "read the Iceberg tables as of a snapshot id or a time (RFC 3339 or a date)")
}

func newIcebergCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "iceberg",
		Short: "The lake's datasets as Apache Iceberg tables (sync, snapshots, tables, expire)",
		Long: `Every lake dataset is also an Apache Iceberg table in a catalog (by default
SQLite at <lake>/_iceberg/catalog.db, warehouse <lake>/_iceberg/warehouse), so
Spark, Trino and DuckDB read it as it is (docs/iceberg.md). Ingest and
compaction register each committed run as one snapshot per table; "sync"
registers what a killed process left unregistered.`,
		Args: cobra.NoArgs,
	}
	var out outputFlags
	sync := &cobra.Command{
		Use:   "sync",
		Short: "Register every committed lake run the Iceberg tables do not hold yet",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := out.resolve()
			if err != nil {
				return err
			}
			cfg, dir, err := a.icebergLake()
			if err != nil {
				return err
			}
			c, _, err := lakeIceberg(cfg, dir)
			if err != nil {
				return err
			}
			regs, err := a.doSyncIceberg(cmd.Context(), c, dir)
			if err != nil {
				return err
			}
			if regs == nil {
				regs = []icb.Registered{}
			}
			p := printer{w: a.stdout, format: format}
			if format == "json" {
				return p.json(regs)
			}
			t := &analysis.Table{Columns: []string{"table", "run_id", "snapshot_id", "operation", "files_added", "files_removed"}}
			for _, r := range regs {
				t.Rows = append(t.Rows, []any{r.Dataset, r.RunID, r.SnapshotID, r.Operation, r.Added, r.Removed})
			}
			return p.table(t)
		},
	}
	out.add(sync)
	snaps := listCommand(a, "snapshots", "List every table's snapshots (ids for --as-of and report --snapshot)",
		(*icb.Mirror).Snapshots,
		[]string{"table", "snapshot_id", "operation", "run_id", "committed_at", "current", "files", "rows", "tags"},
		func(s icb.SnapshotInfo) []any {
			return []any{s.Table, s.SnapshotID, s.Operation, s.RunID, s.CommittedAt.Format(time.RFC3339), s.Current, s.Files, s.Rows, strings.Join(s.Tags, " ")}
		})
	tables := listCommand(a, "tables", "List the tables with their location and current metadata file",
		(*icb.Mirror).Tables,
		[]string{"table", "snapshot_id", "metadata_location"},
		func(x icb.TableInfo) []any { return []any{x.Table, x.SnapshotID, x.MetadataLocation} })
	c.AddCommand(sync, snaps, tables, newIcebergExpireCmd(a))
	return c
}

// listCommand is an iceberg subcommand that lists what list returns from
// the lake's catalog: a table, or JSON (an empty list, never null).
func listCommand[T any](a *app, use, short string, list func(*icb.Mirror, context.Context) ([]T, error), cols []string, row func(T) []any) *cobra.Command {
	var out outputFlags
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := out.resolve()
			if err != nil {
				return err
			}
			m, err := a.openMirror(cmd.Context())
			if err != nil {
				return err
			}
			defer m.Close()
			items, err := list(m, cmd.Context())
			if err != nil {
				return err
			}
			p := printer{w: a.stdout, format: format}
			if format == "json" {
				if items == nil {
					items = []T{}
				}
				return p.json(items)
			}
			t := &analysis.Table{Columns: cols}
			for _, it := range items {
				t.Rows = append(t.Rows, row(it))
			}
			return p.table(t)
		},
	}
	out.add(c)
	return c
}

// icebergLake is the config and the existing lake an iceberg command
// works on.
func (a *app) icebergLake() (ingest.Config, string, error) {
	cfg, err := a.config()
	if err != nil {
		return cfg, "", usageError{err}
	}
	dir, err := a.existingLake()
	return cfg, dir, err
}

// openMirror opens the catalog of an existing lake for reading.
func (a *app) openMirror(ctx context.Context) (*icb.Mirror, error) {
	cfg, dir, err := a.icebergLake()
	if err != nil {
		return nil, err
	}
	c, _, err := lakeIceberg(cfg, dir)
	if err != nil {
		return nil, err
	}
	if !icb.Exists(dir, c) {
		return nil, usageError{errors.New("lake " + dir + " has no Iceberg tables yet (run `gwanmun iceberg sync`)")}
	}
	return icb.Open(ctx, dir, c, a.logger())
}

type expireOptions struct {
	olderThan     string
	retainLast    int
	includePinned bool
	dryRun        bool
	out           outputFlags
}

func newIcebergExpireCmd(a *app) *cobra.Command {
	o := &expireOptions{}
	c := &cobra.Command{
		Use:   "expire",
		Short: "Expire old Iceberg snapshots of every table and remove the files only they named",
		Long: `Expire every table's snapshots whose run the lake committed before --older-than
(a duration back from now, e.g. 720h or 30d, or a time: RFC 3339 or a date,
read as its start in UTC), keeping each table's newest --retain-last snapshots
(at least 1: the current snapshot is never expired) and every snapshot a
rendered report tagged (gwanmun-report-<id>) unless --include-pinned. One
metadata commit per table; only after it succeeded are the manifest lists,
manifests and data files no remaining snapshot names deleted from the
warehouse (the lake's own files are untouched). --as-of a time inside an
expired span is then an error.`,
		Example: `  gwanmun iceberg expire --older-than 30d
  gwanmun iceberg expire --older-than 2026-11-01 --retain-last 5 --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := o.out.resolve()
			if err != nil {
				return err
			}
			before, err := parseOlderThan(o.olderThan, time.Now())
			if err != nil {
				return usageError{err}
			}
			if o.retainLast < 1 {
				return usageError{fmt.Errorf("--retain-last %d: must be at least 1 (the current snapshot is never expired)", o.retainLast)}
			}
			m, err := a.openMirror(cmd.Context())
			if err != nil {
				return err
			}
			defer m.Close()
			res, err := m.Expire(cmd.Context(), icb.ExpireOptions{Before: before, RetainLast: o.retainLast,
				IncludePinned: o.includePinned, DryRun: o.dryRun})
			if err != nil {
				return err
			}
			if res == nil {
				res = []icb.Expired{}
			}
			p := printer{w: a.stdout, format: format}
			if format == "json" {
				return p.json(res)
			}
			t := &analysis.Table{Columns: []string{"table", "expired", "kept", "kept_pinned", "files_removed"}}
			for _, r := range res {
				t.Rows = append(t.Rows, []any{r.Table, len(r.Expired), r.Kept, r.Pinned, r.FilesRemoved})
			}
			return p.table(t)
		},
	}
	c.Flags().StringVar(&o.olderThan, "older-than", "", "expire snapshots committed before this: a duration back from now (720h, 30d) or a time (RFC 3339 or a date); required")
	c.Flags().IntVar(&o.retainLast, "retain-last", 1, "keep each table's newest N snapshots whatever their age (at least 1)")
	c.Flags().BoolVar(&o.includePinned, "include-pinned", false, "also expire snapshots a saved report tagged (its `report --snapshot` stops working)")
	c.Flags().BoolVar(&o.dryRun, "dry-run", false, "list what would be expired and change nothing")
	o.out.add(c)
	return c
}

// parseOlderThan reads --older-than: a duration (Go syntax, or whole days
// "30d") back from now, an RFC 3339 time, or a date (its start, UTC).
func parseOlderThan(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, errors.New("--older-than is required (a duration such as 30d or 720h, or a time)")
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil {
			if n < 0 {
				return time.Time{}, fmt.Errorf("--older-than %q: a negative age", v)
			}
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("--older-than %q: a negative age", v)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--older-than %q: want a duration (30d, 720h) or a time (RFC 3339 or 2006-01-02)", v)
}
