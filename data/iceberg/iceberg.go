// Package iceberg mirrors the lake as Apache Iceberg tables, one per
// dataset, in a catalog that Spark, Trino and DuckDB attach to as it is.
// Every committed lake run becomes one Iceberg snapshot per dataset it
// touched (an append; a compaction is an overwrite that removes the files
// it superseded), its summary naming the gwanmun run id. The lake's
// manifests stay the writer's commit point; Sync replays every manifest
// the tables do not yet name, so a process killed between the two commits
// leaves the mirror one step behind, and the next Sync completes it.
package iceberg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/rest"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	iceio "github.com/apache/iceberg-go/io"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // registers the s3:// file IO
	"github.com/apache/iceberg-go/table"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver (pure Go)

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// Namespace holds gwanmun's tables in the catalog.
const Namespace = "gwanmun"

// CatalogName is the catalog's name in the SQL catalog's rows; engines
// attaching the same database must use it (docs/iceberg.md).
const CatalogName = "gwanmun"

// Summary properties every snapshot gwanmun commits carries.
const (
	PropRunID       = "gwanmun.run-id"
	PropCommittedAt = "gwanmun.committed-at"
	PropCollectors  = "gwanmun.collectors"
)

// Mirror is an open catalog holding a lake's tables.
type Mirror struct {
	Lake      string
	Warehouse string // URL: file:///… or s3://…
	Kind      CatalogKind
	// inLake: the catalog and warehouse are the defaults inside the lake
	// folder, so a table elsewhere means the folder was moved or copied.
	inLake bool
	// adopted: the catalog's _runs table is the lake's commit log, so
	// every committed file was placed in the warehouse before its commit.
	adopted bool
	cat     catalog.Catalog
	db      *sql.DB
	props   ice.Properties // file IO properties
	log     *slog.Logger
}

// CatalogPath is the default SQLite catalog of a lake.
func CatalogPath(lakeDir string) string { return filepath.Join(lakeDir, Dir, "catalog.db") }

// Exists reports whether a lake has a default (SQLite) catalog, so
// readers know there is a mirror to read without creating one.
func Exists(lakeDir string, c Config) bool {
	if k, err := c.Kind(); err != nil || k != SQLite {
		return err == nil
	}
	_, err := os.Stat(CatalogPath(lakeDir))
	return err == nil
}

// Open connects to the configured catalog (creating the default SQLite
// one and the namespace if need be).
func Open(ctx context.Context, lakeDir string, c Config, log *slog.Logger) (*Mirror, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	kind, _ := c.Kind()
	wh, err := c.warehouseURL(lakeDir)
	if err != nil {
		return nil, err
	}
	props := ice.Properties{"warehouse": wh}
	if c.S3Endpoint != "" {
		props[iceio.S3EndpointURL] = c.S3Endpoint
		props[iceio.S3ForceVirtualAddressing] = "false"
	}
	if c.S3Region != "" {
		props[iceio.S3Region] = c.S3Region
	}
	for env, key := range map[string]string{"AWS_ACCESS_KEY_ID": iceio.S3AccessKeyID, "AWS_SECRET_ACCESS_KEY": iceio.S3SecretAccessKey, "AWS_REGION": iceio.S3Region} {
		if v := os.Getenv(env); v != "" && props[key] == "" {
			props[key] = v
		}
	}
	if p, ok := LocalPath(wh); ok {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, fmt.Errorf("iceberg warehouse %s: %w", p, err)
		}
	}
	_, adopted, err := lakestore.ReadLogSpec(lakeDir)
	if err != nil {
		return nil, err
	}
	m := &Mirror{Lake: lakeDir, Warehouse: wh, Kind: kind, props: props, log: log,
		inLake: kind == SQLite && c.Warehouse == "", adopted: adopted}
	switch kind {
	case SQLite, Postgres:
		driver, dsn, dialect := "pgx", c.Catalog, sqlcat.Postgres
		if kind == SQLite {
			path := CatalogPath(lakeDir)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, fmt.Errorf("iceberg catalog %s: %w", path, err)
			}
			// WAL and a busy timeout: a reader and the writer, or two
			// writers, wait for each other instead of failing.
			driver, dsn, dialect = "sqlite", "file:"+path+"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)", sqlcat.SQLite
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			return nil, fmt.Errorf("open iceberg catalog: %w", err)
		}
		if kind == SQLite {
			db.SetMaxOpenConns(1)
		}
		cat, err := newSQLCatalog(ctx, db, dialect, props)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open iceberg catalog (%s): %w", kind, err)
		}
		m.db, m.cat = db, cat
	case REST:
		cat, err := rest.NewCatalog(ctx, CatalogName, c.Catalog, rest.WithWarehouseLocation(wh), rest.WithAdditionalProps(props))
		if err != nil {
			return nil, fmt.Errorf("open iceberg REST catalog %s: %w", c.Catalog, err)
		}
		m.cat = cat
	}
	if err := m.ensureNamespace(ctx); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// newSQLCatalog creates the catalog's tables; two writers creating them
// at once may collide, so it tries again.
func newSQLCatalog(ctx context.Context, db *sql.DB, d sqlcat.SupportedDialect, props ice.Properties) (*sqlcat.Catalog, error) {
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		cat, err := sqlcat.NewCatalog(CatalogName, db, d, props)
		if err == nil {
			return cat, nil
		}
		last = err
		if err := pause(ctx, attempt); err != nil {
			return nil, err
		}
	}
	return nil, last
}

// Close releases the catalog connection.
func (m *Mirror) Close() error {
	if m.db != nil {
		return m.db.Close()
	}
	return nil
}

func (m *Mirror) ensureNamespace(ctx context.Context) error {
	ns := table.Identifier{Namespace}
	ok, err := m.cat.CheckNamespaceExists(ctx, ns)
	if err != nil {
		return fmt.Errorf("iceberg namespace %s: %w", Namespace, err)
	}
	if ok {
		return nil
	}
	err = m.cat.CreateNamespace(ctx, ns, ice.Properties{"comment": "gwanmun lake datasets"})
	if err != nil && !errors.Is(err, catalog.ErrNamespaceAlreadyExists) {
		return fmt.Errorf("create iceberg namespace %s: %w", Namespace, err)
	}
	return nil
}

// Ident is a dataset's table identifier.
func Ident(dataset string) table.Identifier { return table.Identifier{Namespace, dataset} }

// TableLocation is where a dataset's table keeps its metadata and data.
func (m *Mirror) TableLocation(dataset string) string {
	return m.Warehouse + "/" + Namespace + "/" + dataset
}

// Table loads a dataset's table; ok is false when it does not exist yet.
func (m *Mirror) Table(ctx context.Context, dataset string) (*table.Table, bool, error) {
	t, err := m.cat.LoadTable(ctx, Ident(dataset))
	if errors.Is(err, catalog.ErrNoSuchTable) {
		return nil, false, nil
	}
	if err != nil {
		if m.inLake {
			if err := m.checkHome(ctx); err != nil {
				return nil, false, err
			}
		}
		return nil, false, fmt.Errorf("load iceberg table %s: %w", dataset, err)
	}
	if m.inLake && !strings.HasPrefix(t.Location(), m.Warehouse+"/") {
		return nil, false, m.movedError(t.Location())
	}
	return t, true, nil
}

// ErrMoved means a lake folder holding its own catalog and warehouse was
// moved or copied after its tables were created: Iceberg metadata names
// files by absolute path, so the tables still point at the old place.
var ErrMoved = errors.New("the lake folder was moved or copied after its Iceberg tables were made")

func (m *Mirror) movedError(loc string) error {
	return fmt.Errorf("lake %s: %w: its catalog's tables are at %s, not under %s. Iceberg records absolute paths: "+
		"move the folder back, or make the old path lead to it (ln -s NEW_PATH OLD_LAKE_PATH); to share the data elsewhere use `gwanmun lake export`, run where the lake was made",
		m.Lake, ErrMoved, loc, m.Warehouse)
}

// checkHome explains a table that failed to load because its metadata
// is at a path the lake folder no longer has.
func (m *Mirror) checkHome(ctx context.Context) error {
	var loc string
	err := m.db.QueryRowContext(ctx, `SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? LIMIT 1`,
		CatalogName, Namespace).Scan(&loc)
	if err != nil || loc == "" || strings.HasPrefix(loc, m.Warehouse+"/") {
		return nil
	}
	if i := strings.LastIndex(loc, "/metadata/"); i > 0 {
		loc = loc[:i]
	}
	return m.movedError(loc)
}

// ensureTable loads or creates a dataset's table.
func (m *Mirror) ensureTable(ctx context.Context, ds schema.Dataset) (*table.Table, error) {
	t, ok, err := m.Table(ctx, ds.Name)
	if err != nil || ok {
		return t, err
	}
	props := ice.Properties{
		"format-version":          "2",
		"gwanmun.dataset-version": fmt.Sprint(ds.Version),
		"gwanmun.natural-key":     strings.Join(ds.Key, ","),
	}
	t, err = m.cat.CreateTable(ctx, Ident(ds.Name), Schema(ds),
		catalog.WithLocation(m.TableLocation(ds.Name)), catalog.WithProperties(props))
	if errors.Is(err, catalog.ErrTableAlreadyExists) {
		t, _, err = m.Table(ctx, ds.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("create iceberg table %s: %w", ds.Name, err)
	}
	return t, nil
}

// Schema maps a dataset's columns to an Iceberg schema. Field ids follow
// column order (1..n), list element ids come after them; a column is
// required when the lake never writes a null into it.
func Schema(ds schema.Dataset) *ice.Schema {
	cols := ds.Columns()
	fields := make([]ice.NestedField, len(cols))
	next := len(cols) + 1
	for i, c := range cols {
		f := ice.NestedField{ID: i + 1, Name: c.Name, Required: !c.Nullable}
		switch c.Kind {
		case schema.Int64:
			f.Type = ice.PrimitiveTypes.Int64
		case schema.Float64:
			f.Type = ice.PrimitiveTypes.Float64
		case schema.Bool:
			f.Type = ice.PrimitiveTypes.Bool
		case schema.Timestamp:
			f.Type = ice.PrimitiveTypes.TimestampTz
		case schema.Date:
			f.Type = ice.PrimitiveTypes.Date
		case schema.StringList:
			f.Type = &ice.ListType{ElementID: next, Element: ice.PrimitiveTypes.String}
			next++
		default:
			f.Type = ice.PrimitiveTypes.String
		}
		fields[i] = f
	}
	return ice.NewSchema(0, fields...)
}
