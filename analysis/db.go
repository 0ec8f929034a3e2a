// Package analysis answers the project's questions with SQL over the lake.
// DuckDB runs in memory over the Parquet files committed manifests name;
// nothing is ever written to a shared database file.
package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// Options tune DuckDB for the machine.
type Options struct {
	// MemoryLimit like "4GB"; empty leaves DuckDB's default (80% of RAM).
	MemoryLimit string
	// Threads; 0 leaves DuckDB's default (all cores).
	Threads int
}

// DB is an in-memory DuckDB with one view per lake dataset.
type DB struct {
	*sql.DB
	LakeDir string
	// OnRun, when set, hears of every analysis executed on this DB from
	// outside (not those a Compute step runs inside); tests count with it.
	OnRun func(name string)
	depth int // nesting of Run calls, so OnRun sees only the outer ones
}

var reMemory = regexp.MustCompile(`^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Open starts DuckDB and registers the lake's views. A missing lake gives
// empty views, so analyses on a fresh checkout return no rows, not errors.
func Open(ctx context.Context, lakeDir string, o Options) (*DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	// One connection: views and temp tables live per connection.
	db.SetMaxOpenConns(1)
	d := &DB{DB: db, LakeDir: lakeDir}
	if o.MemoryLimit != "" {
		if !reMemory.MatchString(o.MemoryLimit) {
			db.Close()
			return nil, fmt.Errorf("memory limit %q: want e.g. 4GB", o.MemoryLimit)
		}
		// SET takes no bound parameters; the value was checked above.
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET memory_limit = '%s'", o.MemoryLimit)); err != nil {
			db.Close()
			return nil, fmt.Errorf("set memory_limit: %w", err)
		}
	}
	if o.Threads > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", o.Threads)); err != nil {
			db.Close()
			return nil, fmt.Errorf("set threads: %w", err)
		}
	}
	if err := d.registerViews(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// registerViews creates, per dataset, `<name>_all` (every committed row)
// and `<name>` (the latest row per natural key). Identifiers come from the
// schema package and paths from our own manifests, never from users.
func (d *DB) registerViews(ctx context.Context) error {
	files, err := lakestore.VisibleFiles(d.LakeDir)
	if err != nil {
		return err
	}
	for _, ds := range schema.Datasets() {
		all := emptySelect(ds)
		if fs := files[ds.Name]; len(fs) > 0 {
			quoted := make([]string, len(fs))
			for i, f := range fs {
				quoted[i] = sqlString(f)
			}
			all = fmt.Sprintf("SELECT %s FROM read_parquet([%s], union_by_name = true, hive_partitioning = false)",
				columnList(ds), strings.Join(quoted, ", "))
		}
		if _, err := d.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW %s_all AS %s", ds.Name, all)); err != nil {
			return fmt.Errorf("view %s_all: %w", ds.Name, err)
		}
		latest := fmt.Sprintf("SELECT * FROM %s_all %s", ds.Name, lakestore.LatestSQL(ds))
		if _, err := d.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", ds.Name, latest)); err != nil {
			return fmt.Errorf("view %s: %w", ds.Name, err)
		}
	}
	return nil
}

// columnList selects the schema's columns in order, casting each so files
// written by older versions (a column missing) still line up.
func columnList(ds schema.Dataset) string {
	cols := ds.Columns()
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", ident(c.Name), c.SQLType(), ident(c.Name))
	}
	return strings.Join(out, ", ")
}

func emptySelect(ds schema.Dataset) string {
	cols := ds.Columns()
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = fmt.Sprintf("CAST(NULL AS %s) AS %s", c.SQLType(), ident(c.Name))
	}
	return "SELECT " + strings.Join(out, ", ") + " WHERE false"
}

func ident(s string) string     { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
