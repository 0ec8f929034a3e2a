package iceberg

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Config is the [iceberg] table of sources.toml: where the catalog and
// the warehouse are. The zero value is the default: an SQLite catalog at
// <lake>/_iceberg/catalog.db and a warehouse at <lake>/_iceberg/warehouse.
type Config struct {
	// Catalog is "sqlite" (or empty), a postgres:// URL (several
	// writers on several machines), or an http(s):// REST catalog URL.
	Catalog string
	// Warehouse is a local path or an s3://bucket/prefix URL; empty is
	// <lake>/_iceberg/warehouse.
	Warehouse string
	// S3Endpoint and S3Region configure an s3:// warehouse on an
	// S3-compatible server (credentials come from AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY, never from the config file).
	S3Endpoint string
	S3Region   string
	// Off turns the mirror off: ingest registers nothing.
	Off bool
}

// CatalogKind is which catalog implementation a Config names.
type CatalogKind string

// The catalogs gwanmun can commit through.
const (
	SQLite   CatalogKind = "sqlite"
	Postgres CatalogKind = "postgres"
	REST     CatalogKind = "rest"
)

// Kind checks the catalog value and says which catalog it is. An
// unknown value is an error naming the key, never a silent default.
func (c Config) Kind() (CatalogKind, error) {
	v := strings.TrimSpace(c.Catalog)
	switch {
	case v == "" || v == "sqlite":
		return SQLite, nil
	case strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://"):
		u, err := url.Parse(v)
		if err != nil {
			return "", fmt.Errorf("[iceberg] catalog: %w", err)
		}
		// The catalog URL is written into an adopted lake's
		// _commitlog.json, which every reader opens: no secrets in it.
		if _, ok := u.User.Password(); ok || u.Query().Has("password") {
			return "", errors.New("[iceberg] catalog: the URL holds a password; give it in PGPASSWORD or ~/.pgpass instead (the URL is written into the lake's _commitlog.json)")
		}
		return Postgres, nil
	case strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://"):
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("[iceberg] catalog %q: not a REST catalog URL", v)
		}
		return REST, nil
	}
	return "", fmt.Errorf(`[iceberg] catalog %q: want "sqlite", a postgres:// URL or an https:// REST catalog URL`, v)
}

// Validate checks every key.
func (c Config) Validate() error {
	if _, err := c.Kind(); err != nil {
		return err
	}
	w := c.Warehouse
	if strings.Contains(w, "://") {
		u, err := url.Parse(w)
		if err != nil {
			return fmt.Errorf("[iceberg] warehouse %q: %w", w, err)
		}
		if u.Scheme != "s3" && u.Scheme != "file" {
			return fmt.Errorf("[iceberg] warehouse %q: want a local path or an s3:// URL", w)
		}
		if u.Scheme == "s3" && u.Host == "" {
			return fmt.Errorf("[iceberg] warehouse %q: an s3:// URL needs a bucket", w)
		}
	}
	if c.S3Endpoint != "" {
		u, err := url.Parse(c.S3Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("[iceberg] s3_endpoint %q: want an http(s):// URL", c.S3Endpoint)
		}
		if !strings.HasPrefix(w, "s3://") {
			return fmt.Errorf("[iceberg] s3_endpoint is set but warehouse %q is not an s3:// URL", w)
		}
	}
	return nil
}

// Dir is where the default catalog and warehouse live inside a lake.
// Its name starts with "_", so engines listing the lake's folders and
// gwanmun's own verify skip it.
const Dir = "_iceberg"

// warehouseURL is the warehouse as a URL iceberg-go's file IO resolves.
func (c Config) warehouseURL(lakeDir string) (string, error) {
	w := c.Warehouse
	if w == "" {
		w = filepath.Join(lakeDir, Dir, "warehouse")
	}
	if strings.HasPrefix(w, "s3://") || strings.HasPrefix(w, "file://") {
		return strings.TrimSuffix(w, "/"), nil
	}
	abs, err := filepath.Abs(w)
	if err != nil {
		return "", fmt.Errorf("warehouse %s: %w", w, err)
	}
	return "file://" + filepath.ToSlash(abs), nil
}

// LocalPath turns a file:// URL (or a plain path) into a local path; ok
// is false for an object-store URL.
func LocalPath(loc string) (string, bool) {
	switch {
	case strings.HasPrefix(loc, "file://"):
		return filepath.FromSlash(strings.TrimPrefix(loc, "file://")), true
	case strings.Contains(loc, "://"):
		return "", false
	}
	return loc, true
}
