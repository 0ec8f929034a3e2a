// Package file lands a researcher's own data files in the lake: CSV, TSV,
// JSON Lines, Parquet or Excel .xlsx, for any dataset, with the file's
// columns mapped onto the dataset's in the config and constants for what
// the file leaves out. Every row needs a citation (per file or per row:
// source URL or document, title, publisher, access date); the file's
// SHA-256 is the rows' content hash. A file with one bad row lands nothing
// (every error names file:line:column) unless skip_bad_rows is set, in
// which case the bad rows are counted and listed in the run ledger.
package file

import (
	"context"
	"crypto/sha256"
	"embed"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// Name is the collector's source name.
const Name = "file"

// Version changes when the rows change for the same input.
const Version = "1.0.0"

// Sample is the embedded sample config ([sources.file]); a test parses it.
//
//go:embed sample.toml
var files embed.FS

// Sample is the embedded sample config, as the entry carries it.
var Sample, _ = files.ReadFile(ingest.SampleFile)

// listSep joins list items (flags, matched_terms) in a text cell.
const listSep = "|"

// maxErrors bounds how many bad cells one failed file reports.
const maxErrors = 20

// Config is the [sources.file] table.
type Config struct {
	// SkipBadRows lands a file's good rows and lists the bad ones instead
	// of refusing the whole file. A file entry may override it.
	SkipBadRows bool `toml:"skip_bad_rows"`
	// Study lands the data files a study lists ([[data]] in its
	// study.toml, paths relative to its folder), and matches news rows
	// with its terms.
	Study string `toml:"study"`
	// StudyDir is a folder of study folders; default the shipped studies.
	StudyDir string       `toml:"study_dir"`
	Files    []FileConfig `toml:"files"`
}

// FileConfig is one [[sources.file.files]] entry.
type FileConfig struct {
	Path    string `toml:"path"`
	Dataset string `toml:"dataset"`
	// Format: csv, tsv, jsonl, parquet or xlsx; default from the extension.
	Format      string `toml:"format"`
	Sheet       string `toml:"sheet"`
	Delimiter   string `toml:"delimiter"`
	SkipBadRows *bool  `toml:"skip_bad_rows"`
	// Columns maps a dataset column (or period, source_url, source_title,
	// publisher, accessed, source_document) to the file's column; a file
	// column with the dataset column's own name needs no entry.
	Columns map[string]string `toml:"columns"`
	// Constants give a dataset column one value for every row (country,
	// unit, estimator ...).
	Constants map[string]any `toml:"constants"`
	// Ignore lists file columns that are deliberately not loaded; any
	// other column that maps to nothing is an error, not silently dropped.
	Ignore []string `toml:"ignore"`
	// Citation of the whole file; per-row citation columns override it.
	Citation *study.Citation `toml:"citation"`
}

// Virtual columns: not dataset columns, but read from a file or config.
const (
	colPeriod    = "period"
	colURL       = "source_url"
	colDocument  = "source_document"
	colTitle     = "source_title"
	colPublisher = "publisher"
	colAccessed  = "accessed"
)

var virtual = []string{colPeriod, colURL, colDocument, colTitle, colPublisher, colAccessed}

// Provenance columns the runner or this collector fills; a file cannot.
var reserved = []string{"fetched_at", "collector", "collector_version", "content_sha256", "run_id", "warc_record_id"}

// source is one file to land, with where to read it from.
type source struct {
	FileConfig
	name string // as shown in errors: the configured path
	fsys fs.FS  // nil: the OS file system
	skip bool
	res  lakestore.Resource
}

// Collector lands files.
type Collector struct {
	sources []source
	matcher *newsmatch.Matcher
	now     func() time.Time
	// rowPath keeps news CSV on the row path (bulk_test.go compares).
	rowPath bool
}

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// New validates the config (datasets, column names, citations) before any
// file is read.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	return build(c, time.Now)
}

func build(c Config, now func() time.Time) (*Collector, error) {
	col := &Collector{matcher: newsmatch.DefaultMatcher, now: now}
	pkg := lakestore.NewDataPackage(schema.Datasets())
	var errs []error
	add := func(f FileConfig, name string, fsys fs.FS, where string) {
		s, err := check(f, pkg, c.SkipBadRows, now())
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			return
		}
		s.name, s.fsys = name, fsys
		col.sources = append(col.sources, s)
	}
	for i, f := range c.Files {
		add(f, f.Path, nil, fmt.Sprintf("sources.file.files[%d] (%s)", i, f.Path))
	}
	if c.Study != "" {
		st, err := study.Open(c.Study, c.StudyDir, now())
		if err != nil {
			return nil, fmt.Errorf("sources.file: %w", err)
		}
		col.matcher = newsmatch.StudyMatcher(st)
		sub, err := fs.Sub(st.FS, st.Dir)
		if err != nil {
			return nil, err
		}
		for i, raw := range st.Data {
			f, err := decodeEntry(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("study %s: data[%d]: %w", st.Name, i, err))
				continue
			}
			add(f, path.Join("study:"+st.Name, f.Path), sub, fmt.Sprintf("study %s: data[%d] (%s)", st.Name, i, f.Path))
		}
	}
	return col, errors.Join(errs...)
}

// check validates one entry against the dataset's resource in the data
// package: every mapped or constant column must exist there.
func check(f FileConfig, pkg lakestore.DataPackage, skipDefault bool, now time.Time) (source, error) {
	s := source{FileConfig: f, skip: skipDefault}
	if f.SkipBadRows != nil {
		s.skip = *f.SkipBadRows
	}
	if f.Path == "" {
		return s, errors.New("path is required")
	}
	if _, err := formatOf(f.Format, f.Path); err != nil {
		return s, err
	}
	res, ok := pkg.Resource(f.Dataset)
	if !ok || f.Dataset == "runs" {
		return s, fmt.Errorf("dataset %q: want one of platforms, mau, financials, services, dependencies, incidents, thresholds, news", f.Dataset)
	}
	s.res = res
	known := func(col string) error {
		if slices.Contains(reserved, col) {
			return fmt.Errorf("column %q is provenance the collector fills; cite the file instead", col)
		}
		if _, ok := res.Field(col); ok || slices.Contains(virtual, col) || (col == "utc_offset") {
			return nil
		}
		return fmt.Errorf("%q is not a column of %s (see datapackage.json)", col, f.Dataset)
	}
	var errs []error
	for _, k := range sortedKeys(f.Columns) {
		if err := known(k); err != nil {
			errs = append(errs, fmt.Errorf("columns: %w", err))
		}
		if f.Columns[k] == "" {
			errs = append(errs, fmt.Errorf("columns.%s: empty file column name", k))
		}
	}
	for _, k := range sortedKeys(f.Constants) {
		if err := known(k); err != nil {
			errs = append(errs, fmt.Errorf("constants: %w", err))
		}
		if _, err := constText(f.Constants[k]); err != nil {
			errs = append(errs, fmt.Errorf("constants.%s: %w", k, err))
		}
	}
	if f.Citation != nil {
		if err := f.Citation.Check(now); err != nil {
			errs = append(errs, fmt.Errorf("citation: %w", err))
		}
	}
	return s, errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func constText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool, int64, float64:
		return fmt.Sprint(x), nil
	case time.Time:
		return x.Format(time.RFC3339), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("list item %v is not a string", e)
			}
			parts[i] = s
		}
		return strings.Join(parts, listSep), nil
	}
	return "", fmt.Errorf("value %v (%T): want a string, number, boolean or list of strings", v, v)
}

// Info implements ingest.Collector.
func (c *Collector) Info() ingest.Info {
	var names, datasets []string
	for _, s := range c.sources {
		names = append(names, s.name)
		if !slices.Contains(datasets, s.Dataset) {
			datasets = append(datasets, s.Dataset)
		}
	}
	return ingest.Info{
		Name: Name, Version: Version, Kind: "file", URL: "file:" + strings.Join(names, ","),
		Datasets:    datasets,
		Description: "the user's own data files (CSV, TSV, JSON Lines, Parquet, xlsx), cited per file or row",
	}
}

// Idle reports a collector with no files: a sources file without a
// [sources.file] table, where running it would only add an empty ledger
// row. `ingest` skips it unless it is asked for by name.
func (c *Collector) Idle() bool { return len(c.sources) == 0 }

// Collect reads, maps and checks every file; a file's rows are emitted
// only when the whole file is good (or bad rows may be skipped).
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	if c.Idle() {
		return errors.New("no files: add [[sources.file.files]] entries or study = \"NAME\" to [sources.file]")
	}
	var failed []error
	for _, src := range c.sources {
		if err := ctx.Err(); err != nil {
			return err
		}
		if delim, ok := src.streamed(); ok {
			if err := c.stream(ctx, s, src, delim); err != nil {
				failed = append(failed, err)
			}
			continue
		}
		rows, bad, err := c.load(ctx, src)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		if len(bad) > 0 && !src.skip {
			failed = append(failed, badFile(src, bad, len(bad)))
			continue
		}
		for _, e := range bad {
			s.ParseFailure(src.name, e)
		}
		for _, r := range rows {
			s.Emit(r)
		}
	}
	return errors.Join(failed...)
}

// badFile is the error of a file that landed nothing: how many rows were
// bad and the first maxErrors of them.
func badFile(src source, bad []error, n int) error {
	msg := fmt.Sprintf("%s: %d bad row(s), nothing of the file landed (set skip_bad_rows = true to land the rest):", src.name, n)
	for i, e := range bad {
		if i == maxErrors {
			break
		}
		msg += "\n  " + e.Error()
	}
	if n > maxErrors {
		msg += fmt.Sprintf("\n  ... and %d more", n-maxErrors)
	}
	return errors.New(msg)
}

func (c *Collector) read(src source) ([]byte, error) {
	if src.fsys != nil {
		return fs.ReadFile(src.fsys, src.Path)
	}
	return os.ReadFile(src.Path)
}

// load returns a file's good rows and the errors of its bad ones; err is
// for a file that cannot be read or whose header does not map.
func (c *Collector) load(ctx context.Context, src source) ([]schema.Row, []error, error) {
	b, err := c.read(src)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", src.name, err)
	}
	sum := sha256.Sum256(b)
	format, _ := formatOf(src.Format, src.Path)
	t, err := readTable(ctx, src.name, format, b, src.FileConfig)
	if err != nil {
		return nil, nil, err
	}
	m, err := newMapper(src, t)
	if err != nil {
		return nil, nil, err
	}
	m.sha = hex.EncodeToString(sum[:])
	m.now = c.now()
	m.matcher = c.matcher
	var rows []schema.Row
	var lines []int
	var bad []error
	for _, rec := range t.rows {
		row, err := m.row(rec)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		rows, lines = append(rows, row), append(lines, rec.line)
	}
	bad = append(bad, m.duplicates(rows, lines)...)
	return rows, bad, nil
}
