// Package seed loads the embedded, cited snapshot (data/seed) into the
// lake. It is an ordinary collector: its rows pass the same validation and
// Parquet path as every web collector's.
package seed

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/data"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// Name is the collector's name in the registry and the sources file.
const Name = "seed"

// Version changes when the normalisation changes the rows.
const Version = "1.2.0"

// SnapshotDate is when the seed was assembled; it is the rows' fetched_at,
// so reloading an unchanged snapshot writes nothing new.
var SnapshotDate = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// Config is the [sources.seed] table. It has no keys of its own: a
// researcher's own series come in through the file collector, with their
// own citations, not as a replacement seed.
type Config struct{}

// Collector loads the seed.
type Collector struct {
	files fs.FS
	url   string
}

// New builds the seed collector.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	return NewFS(data.Seed, "seed"), nil
}

// NewFS loads seed CSVs from dir inside fsys (tests use their own).
func NewFS(fsys fs.FS, dir string) *Collector {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		sub = fsys
	}
	return &Collector{files: sub, url: "embedded:data/seed"}
}

//go:embed sample.toml
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// Info implements ingest.Collector.
func (c *Collector) Info() ingest.Info {
	return ingest.Info{
		Name: Name, Version: Version, Kind: "seed", URL: c.url,
		Datasets:    []string{"platforms", "mau", "financials", "services", "dependencies", "incidents", "thresholds"},
		Description: "embedded cited snapshot (data/seed)",
	}
}

// table is one parsed CSV with its content hash.
type table struct {
	name   string
	sha256 string
	header map[string]int
	rows   [][]string
}

func (t table) get(row []string, col string) string {
	i, ok := t.header[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (c *Collector) read(name string) (table, error) {
	f, err := c.files.Open(name)
	if err != nil {
		return table{}, fmt.Errorf("open seed %s: %w", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return table{}, fmt.Errorf("read seed %s: %w", name, err)
	}
	sum := sha256.Sum256(b)
	r := csv.NewReader(strings.NewReader(string(b)))
	recs, err := r.ReadAll()
	if err != nil {
		return table{}, fmt.Errorf("parse seed %s: %w", name, err)
	}
	if len(recs) == 0 {
		return table{}, fmt.Errorf("seed %s is empty", name)
	}
	t := table{name: name, sha256: hex.EncodeToString(sum[:]), header: map[string]int{}, rows: recs[1:]}
	for i, h := range recs[0] {
		t.header[strings.TrimSpace(h)] = i
	}
	return t, nil
}

func (t table) prov(url, title string) schema.Provenance {
	return schema.Provenance{SourceURL: url, SourceTitle: title, FetchedAt: SnapshotDate, ContentSHA256: t.sha256}
}

// run is one load: the seed's files, its keys (KeysFile) and the
// platform index the figures join through.
type run struct {
	*Collector
	k *keys
	p platformIndex
}

// Collect implements ingest.Collector.
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	k, err := readKeys(c.files)
	if err != nil {
		return err
	}
	r := &run{Collector: c, k: k}
	if r.p, err = c.platforms(s); err != nil {
		return err
	}
	steps := []func(*ingest.Session) error{
		r.mau, r.dailyUsage, r.owid, r.financials, r.services, r.incidents, r.thresholds,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := step(s); err != nil {
			return err
		}
	}
	return nil
}

// platformIndex maps every app name used in the seed to a platform id.
type platformIndex map[string]string

func (c *Collector) platforms(s *ingest.Session) (platformIndex, error) {
	t, err := c.read("platforms.csv")
	if err != nil {
		return nil, err
	}
	idx := platformIndex{}
	for i, r := range t.rows {
		id := t.get(r, "platform_id")
		for _, a := range strings.Split(t.get(r, "aliases"), "|") {
			idx[strings.ToLower(strings.TrimSpace(a))] = id
		}
		s.Emit(&schema.Platform{
			PlatformID: id, Name: t.get(r, "name"), NameKo: t.get(r, "name_ko"),
			Company: t.get(r, "company"), CorporateGroup: t.get(r, "corporate_group"),
			Country: t.get(r, "country"), Category: t.get(r, "category"),
			Provenance: t.prov("embedded:data/seed/platforms.csv#row="+strconv.Itoa(i+2), "gwanmun curated platform list"),
		})
	}
	return idx, nil
}

func (p platformIndex) id(app string) (string, error) {
	id, ok := p[strings.ToLower(strings.TrimSpace(app))]
	if !ok {
		return "", fmt.Errorf("app %q is not in data/seed/platforms.csv", app)
	}
	return id, nil
}

func (c *run) mau(s *ingest.Session) error {
	for _, name := range c.k.MAUFiles {
		t, err := c.read(name)
		if err != nil {
			return err
		}
		for i, r := range t.rows {
			f, err := c.figure(t, r, "app", "period", "mau")
			if err != nil {
				s.ParseFailure(fmt.Sprintf("data/seed/%s row %d", name, i+2), err)
				continue
			}
			s.Emit(&schema.MAU{
				PlatformID: f.id, Country: t.get(r, "country"), Metric: f.cl.metric,
				PeriodStart: f.start, PeriodGrain: f.grain, PeriodLabel: t.get(r, "period"),
				Value: f.value, Unit: t.get(r, "unit"), Estimator: f.cl.estimator, Source: f.cl.source,
				Revision: f.cl.revision, Flags: f.cl.flags, Note: t.get(r, "note"),
				OriginSource: origin(f.cl.source),
				Provenance:   t.prov(t.get(r, "source_url"), t.get(r, "source_title")),
			})
		}
	}
	return nil
}

// figure is what every user-count row of the seed gives: the platform, the
// period, the value and what the row's note says it measures.
type figure struct {
	id    string
	start time.Time
	grain string
	value float64
	cl    classification
}

func (c *run) figure(t table, r []string, app, period, value string) (figure, error) {
	var f figure
	var err error
	if f.id, err = c.p.id(t.get(r, app)); err != nil {
		return f, err
	}
	if f.start, f.grain, err = ParsePeriod(t.get(r, period)); err != nil {
		return f, err
	}
	if f.value, err = strconv.ParseFloat(t.get(r, value), 64); err != nil {
		return f, fmt.Errorf("%s %q: %w", value, t.get(r, value), err)
	}
	f.cl, err = c.k.classify(t.get(r, "note"), t.get(r, "source_title"))
	return f, err
}

func (c *run) dailyUsage(s *ingest.Session) error {
	t, err := c.read(c.k.DailyFile)
	if err != nil {
		return err
	}
	for i, r := range t.rows {
		f, err := c.figure(t, r, "app", "date", "value")
		if err != nil {
			s.ParseFailure(fmt.Sprintf("data/seed/%s row %d", t.name, i+2), err)
			continue
		}
		s.Emit(&schema.MAU{
			PlatformID: f.id, Country: t.get(r, "country"), Metric: t.get(r, "metric"),
			PeriodStart: f.start, PeriodGrain: f.grain, PeriodLabel: t.get(r, "date"),
			Value: f.value, Unit: t.get(r, "unit"), Estimator: f.cl.estimator, Source: f.cl.source,
			Flags: f.cl.flags, Note: t.get(r, "note"), OriginSource: origin(f.cl.source),
			Provenance: t.prov(t.get(r, "source_url"), t.get(r, "source_title")),
		})
	}
	return nil
}

// OWID's export has no per-row source; the citation is the chart's. OWID
// is the origin pages that republish its figures cite (the wikitable
// collector names it by the same title).
const (
	owidName  = "Our World in Data"
	owidURL   = "https://ourworldindata.org/rise-of-social-media"
	owidTitle = "The rise of social media (Our World in Data; data: Statista and TNW 2019; CC BY 4.0)"
)

func (c *run) owid(s *ingest.Session) error {
	t, err := c.read("global_platform_mau_owid.csv")
	if err != nil {
		return err
	}
	valueCol := ""
	for h := range t.header {
		if strings.HasPrefix(h, "Monthly active users") {
			valueCol = h
		}
	}
	if valueCol == "" {
		return fmt.Errorf("seed %s: no 'Monthly active users' column", t.name)
	}
	for i, r := range t.rows {
		where := fmt.Sprintf("data/seed/%s row %d", t.name, i+2)
		id, err := c.p.id(t.get(r, "Entity"))
		if err != nil {
			s.ParseFailure(where, err)
			continue
		}
		start, grain, err := ParsePeriod(t.get(r, "Year"))
		if err != nil {
			s.ParseFailure(where, err)
			continue
		}
		v, err := strconv.ParseFloat(t.get(r, valueCol), 64)
		if err != nil {
			s.ParseFailure(where, fmt.Errorf("value %q: %w", t.get(r, valueCol), err))
			continue
		}
		s.Emit(&schema.MAU{
			PlatformID: id, Country: "WORLD", Metric: "mau", PeriodStart: start, PeriodGrain: grain,
			PeriodLabel: t.get(r, "Year"), Value: v, Unit: "persons", Estimator: "company-reported",
			Source: "Statista/TNW via OWID", Flags: []string{"compiled"},
			OriginSource: origin(owidName), OriginURL: origin(owidURL),
			Provenance: t.prov(owidURL, owidTitle),
		})
	}
	return nil
}

// origin is a figure's origin as the seed cites it: the organisation its
// note says measured it (the news page that carried it only republishes).
func origin(s string) *string { return &s }

// financials loads each financial file the keys name, in its currency.
func (c *run) financials(s *ingest.Session) error {
	for _, ff := range c.k.Financials {
		t, err := c.read(ff.File)
		if err != nil {
			return err
		}
		for i, r := range t.rows {
			where := fmt.Sprintf("data/seed/%s row %d", t.name, i+2)
			start, grain, err := ParsePeriod(t.get(r, "period"))
			if err != nil {
				s.ParseFailure(where, err)
				continue
			}
			for _, m := range ff.Metrics {
				raw := t.get(r, m.Column)
				if raw == "" {
					continue // a gap stays a gap
				}
				v, err := strconv.ParseFloat(raw, 64)
				if err != nil {
					s.ParseFailure(where, fmt.Errorf("%s %q: %w", m.Column, raw, err))
					continue
				}
				s.Emit(&schema.Financial{
					Company: t.get(r, "company"), PeriodStart: start, PeriodGrain: grain,
					PeriodLabel: t.get(r, "period"), Metric: m.Metric, Value: v, Currency: ff.Currency,
					Basis: t.get(r, "basis"), Note: t.get(r, "note"),
					Provenance: t.prov(t.get(r, "source_url"), t.get(r, "source_title")),
				})
			}
		}
	}
	return nil
}
