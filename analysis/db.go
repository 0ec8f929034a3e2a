// Package analysis answers the project's questions with SQL over the lake.
// DuckDB runs in memory over the Parquet files committed manifests name;
// nothing is ever written to a shared database file.
package analysis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	_ "github.com/gwanmun/gwanmun/data/iceberg" // reads lakes whose commit log is an Iceberg table

	"github.com/duckdb/duckdb-go/v2" // also registers the "duckdb" database/sql driver

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// Options tune DuckDB for the machine.
type Options struct {
	// MemoryLimit like "4GB"; empty leaves DuckDB's default (80% of RAM).
	MemoryLimit string
	// Threads; 0 leaves DuckDB's default (all cores).
	Threads int
	// Sandbox is for SQL the user did not write (a notebook someone sent,
	// a report's checks): DuckDB may read only files inside the lake,
	// may write none, and no setting can be changed once the views exist.
	Sandbox bool
	// Pin, when set, makes the views read these files (one Iceberg
	// snapshot per table, `--as-of`) instead of the lake's current ones.
	Pin *Pin
}

// Pin is a fixed set of files per dataset and the words that name it.
type Pin struct {
	Files   map[string][]string
	Vintage string
	// Dirs are folders outside the lake the files live in; a sandboxed
	// DB may read them too.
	Dirs []string
}

// DB is an in-memory DuckDB with one view per lake dataset.
type DB struct {
	*sql.DB
	LakeDir string
	// Study names the study whose incident gave the parameters' defaults,
	// recorded in saved results; empty means the default study.
	Study string
	// OnRun, when set, hears of every analysis executed on this DB from
	// outside (not those a Compute step runs inside); tests count with it.
	OnRun   func(name string)
	depth   int // nesting of Run calls, so OnRun sees only the outer ones
	sandbox bool
	// files is what the views name, per dataset; a query that fails after
	// a file moved (published out of staging) re-resolves them once.
	files lakeFiles
	// Vintage names the pinned data (Options.Pin); empty when the views
	// read the lake's current files.
	Vintage  string
	pinned   bool
	readDirs []string
}

var reMemory = regexp.MustCompile(`^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Open starts DuckDB and registers the lake's views. A missing lake gives
// empty views, so analyses on a fresh checkout return no rows, not errors.
// A dataset whose files DuckDB cannot read gets a view that fails with
// the file's name, so one damaged file fails only its own dataset.
func Open(ctx context.Context, lakeDir string, o Options) (*DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	// One connection: views and temp tables live per connection.
	db.SetMaxOpenConns(1)
	d := &DB{DB: db, LakeDir: lakeDir, sandbox: o.Sandbox}
	if o.Pin != nil {
		d.pinned, d.Vintage, d.readDirs = true, o.Pin.Vintage, o.Pin.Dirs
		d.files = lakeFiles{found: o.Pin.Files, missing: map[string][]string{}}
		if d.files.found == nil {
			d.files.found = map[string][]string{}
		}
	}
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
	if err := d.registerFX(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if o.Sandbox {
		if err := d.lockDown(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return d, nil
}

// Sandboxed reports whether the DB was opened with Options.Sandbox.
func (d *DB) Sandboxed() bool { return d.sandbox }

// lockDown turns external access off except for reading the lake (the
// views read its Parquet files when queried, and re-resolve them there),
// then locks the configuration so SQL cannot turn it back on.
func (d *DB) lockDown(ctx context.Context) error {
	abs, err := filepath.Abs(d.LakeDir)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	// A trailing separator: the lake itself, not every sibling sharing
	// its prefix ("lake-old").
	dir := strings.TrimSuffix(abs, string(filepath.Separator)) + string(filepath.Separator)
	allowed := []string{sqlString(dir)}
	for _, extra := range d.readDirs {
		allowed = append(allowed, sqlString(strings.TrimSuffix(extra, string(filepath.Separator))+string(filepath.Separator)))
	}
	for _, stmt := range []string{
		"SET allowed_directories = [" + strings.Join(allowed, ", ") + "]",
		"SET enable_external_access = false",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET lock_configuration = true",
	} {
		// Fixed statements; the one value is quoted by sqlString.
		if _, err := d.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("sandbox: %s: %w", stmt, err)
		}
	}
	return nil
}

// registerViews creates, per dataset, `<name>_all` (every committed row)
// and `<name>` (the latest row per natural key). Identifiers come from the
// schema package and paths from our own manifests, never from users.
func (d *DB) registerViews(ctx context.Context) error {
	if !d.pinned {
		lf, err := lookupFiles(d.LakeDir)
		if err != nil {
			return err
		}
		d.files = lf
	}
	for _, ds := range schema.Datasets() {
		if err := d.registerDataset(ctx, ds); err != nil {
			return err
		}
	}
	return nil
}

// lakeFiles is where each dataset's visible files are, and which
// committed files are missing altogether.
type lakeFiles struct {
	found, missing map[string][]string
}

func (lf lakeFiles) same(o lakeFiles, dataset string) bool {
	return slices.Equal(lf.found[dataset], o.found[dataset]) && slices.Equal(lf.missing[dataset], o.missing[dataset])
}

func lookupFiles(dir string) (lakeFiles, error) {
	found, err := lakestore.VisibleFiles(dir)
	lf := lakeFiles{found: found, missing: map[string][]string{}}
	var me *lakestore.MissingFilesError
	if errors.As(err, &me) {
		lf.missing, err = me.Files, nil
	}
	return lf, err
}

// registerDataset creates one dataset's two views. When DuckDB cannot
// read its files (a damaged footer fails already here), the files are
// looked up once more, in case one moved, and then the views are made to
// fail with the damaged (or missing) file's name: the other datasets stay
// readable.
func (d *DB) registerDataset(ctx context.Context, ds schema.Dataset) error {
	var why string
	for attempt := 0; ; attempt++ {
		if miss := d.files.missing[ds.Name]; len(miss) > 0 {
			why = fmt.Sprintf("file %s named by a committed manifest is missing", path.Join(filepath.ToSlash(d.LakeDir), miss[0]))
			break
		}
		files := d.files.found[ds.Name]
		err := d.createViews(ctx, ds, viewSource(ds, files))
		if err == nil || ctx.Err() != nil {
			return err
		}
		if attempt == 0 && !d.pinned {
			if fresh, ferr := lookupFiles(d.LakeDir); ferr == nil && !fresh.same(d.files, ds.Name) {
				d.files.found[ds.Name], d.files.missing[ds.Name] = fresh.found[ds.Name], fresh.missing[ds.Name]
				continue
			}
		}
		why = d.badFile(ctx, files, err)
		break
	}
	msg := fmt.Sprintf("dataset %s is unreadable: %s (run `gwanmun lake verify`)", ds.Name, why)
	if err := d.createViews(ctx, ds, failingSelect(ds, msg)); err != nil {
		return fmt.Errorf("view %s: %w", ds.Name, err)
	}
	return nil
}

// badFile names the first file DuckDB cannot open on its own, with why.
func (d *DB) badFile(ctx context.Context, files []string, whole error) string {
	for _, f := range files {
		q := "DESCRIBE SELECT * FROM read_parquet(" + sqlString(f) + ")"
		if _, err := d.ExecContext(ctx, q); err != nil {
			return fmt.Sprintf("file %s: %s", f, firstLine(err))
		}
	}
	return firstLine(whole)
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// viewSource is the SELECT behind `<name>_all` over the given files.
func viewSource(ds schema.Dataset, files []string) string {
	if len(files) == 0 {
		return emptySelect(ds)
	}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = sqlString(f)
	}
	sel, err := lakestore.SelectColumns(ds, files)
	if err != nil {
		sel = columnList(ds) // a damaged footer: the view fails and badFile names the file
	}
	return fmt.Sprintf("SELECT %s FROM read_parquet([%s], union_by_name = true, hive_partitioning = false)",
		sel, strings.Join(quoted, ", "))
}

func (d *DB) createViews(ctx context.Context, ds schema.Dataset, all string) error {
	if _, err := d.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW %s_all AS %s", ds.Name, all)); err != nil {
		return fmt.Errorf("view %s_all: %w", ds.Name, err)
	}
	latest := lakestore.LatestSelect(ds, ds.Name+"_all")
	if _, err := d.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", ds.Name, latest)); err != nil {
		return fmt.Errorf("view %s: %w", ds.Name, err)
	}
	return nil
}

// reresolve looks the lake's files up again after a query failed; when
// any moved (a run being published between Open and the query, or a
// compaction), the views of the datasets concerned are recreated and it
// reports true, so the caller retries once.
func (d *DB) reresolve(ctx context.Context) bool {
	if d.pinned {
		return false // a snapshot's files never move
	}
	fresh, err := lookupFiles(d.LakeDir)
	if err != nil {
		return false
	}
	moved := false
	for _, ds := range schema.Datasets() {
		if fresh.same(d.files, ds.Name) {
			continue
		}
		moved = true
		d.files.found[ds.Name], d.files.missing[ds.Name] = fresh.found[ds.Name], fresh.missing[ds.Name]
		if err := d.registerDataset(ctx, ds); err != nil {
			return false
		}
	}
	return moved
}

// ErrNotOneQuery refuses SQL that is not exactly one read-only query.
var ErrNotOneQuery = errors.New("want exactly one query (SELECT, WITH, FROM, ...)")

// CheckQuery accepts q only if it is one statement and that statement is
// a query: no COPY, ATTACH, CREATE, SET or PRAGMA, and no second
// statement after a semicolon. It prepares q without running it (the
// driver's PrepareContext would run all but the last statement).
func (d *DB) CheckQuery(ctx context.Context, q string) error {
	conn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("check query: unexpected driver connection %T", dc)
		}
		st, err := c.Prepare(q)
		if err != nil {
			if strings.Contains(err.Error(), "multi-statement") {
				return fmt.Errorf("%w, not several statements", ErrNotOneQuery)
			}
			return err
		}
		defer st.Close()
		typ, err := st.(*duckdb.Stmt).StatementType()
		if err != nil {
			return err
		}
		if typ != duckdb.STATEMENT_TYPE_SELECT {
			return fmt.Errorf("%w, not %s", ErrNotOneQuery, stmtName(typ))
		}
		return nil
	})
}

var reViewName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// CreateTempView makes the one query q (see CheckQuery) a temporary view,
// as notebooks do for each named block. A lake view's name is refused:
// replacing `mau` would change every later count.
func (d *DB) CreateTempView(ctx context.Context, name, q string) error {
	if !reViewName.MatchString(name) {
		return fmt.Errorf("view name %q: use lower-case letters, digits and _", name)
	}
	for _, ds := range schema.Datasets() {
		if name == ds.Name || name == ds.Name+"_all" {
			return fmt.Errorf("view name %q would hide the lake view of that name", name)
		}
	}
	err := d.CheckQuery(ctx, q)
	if err != nil && !errors.Is(err, ErrNotOneQuery) && ctx.Err() == nil && d.reresolve(ctx) {
		err = d.CheckQuery(ctx, q) // it binds q, so it reads the files too
	}
	if err != nil {
		return explainSandbox(err)
	}
	// name is checked above and q is one query, so the statement is one
	// CREATE of a temporary view.
	stmt := "CREATE OR REPLACE TEMP VIEW " + name + " AS\n" + q
	_, err = d.ExecContext(ctx, stmt)
	if err != nil && ctx.Err() == nil && d.reresolve(ctx) {
		_, err = d.ExecContext(ctx, stmt)
	}
	return explainSandbox(err)
}

// explainSandbox says why a sandboxed query may not touch a file.
func explainSandbox(err error) error {
	if err != nil && strings.Contains(err.Error(), "disabled by configuration") {
		return fmt.Errorf("this SQL may read only the lake's views, not other files or extensions: %w", err)
	}
	return err
}

func stmtName(t duckdb.StmtType) string {
	switch t {
	case duckdb.STATEMENT_TYPE_COPY:
		return "COPY"
	case duckdb.STATEMENT_TYPE_ATTACH:
		return "ATTACH"
	case duckdb.STATEMENT_TYPE_DETACH:
		return "DETACH"
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC:
		return "CREATE"
	case duckdb.STATEMENT_TYPE_DROP:
		return "DROP"
	case duckdb.STATEMENT_TYPE_INSERT:
		return "INSERT"
	case duckdb.STATEMENT_TYPE_UPDATE:
		return "UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		return "DELETE"
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return "SET"
	case duckdb.STATEMENT_TYPE_PRAGMA:
		return "PRAGMA"
	case duckdb.STATEMENT_TYPE_LOAD:
		return "LOAD/INSTALL"
	case duckdb.STATEMENT_TYPE_EXPORT:
		return "EXPORT"
	case duckdb.STATEMENT_TYPE_EXPLAIN:
		return "EXPLAIN"
	case duckdb.STATEMENT_TYPE_CALL:
		return "CALL"
	}
	return "non-query"
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

// failingSelect has the dataset's columns and fails with msg when run;
// error() has side effects, so DuckDB never folds it away.
func failingSelect(ds schema.Dataset, msg string) string {
	return strings.TrimSuffix(emptySelect(ds), " WHERE false") + " WHERE error(" + sqlString(msg) + ") IS NULL"
}

func ident(s string) string     { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
