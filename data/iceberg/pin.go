package iceberg

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go/table"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Pin is the data a reader sees at one point of the lake's history: per
// dataset, the snapshot read and its data files (local paths).
type Pin struct {
	// SnapshotID names the point: the snapshot, of the first dataset in
	// schema order, that carries the newest run read. Passing it back
	// (--as-of, report --snapshot) pins the same files again.
	SnapshotID int64
	// At is that run's lake commit time.
	At        time.Time
	Snapshots map[string]int64 // 0: the table had no snapshot then
	Files     map[string][]string
}

// Vintage is the pin as the report's data-vintage line states it.
func (p *Pin) Vintage() string {
	var parts []string
	for _, ds := range schema.Datasets() {
		if id := p.Snapshots[ds.Name]; id != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", ds.Name, id))
		}
	}
	if p.SnapshotID == 0 {
		return "Iceberg: no snapshot"
	}
	return fmt.Sprintf("Iceberg snapshot %d (%s; tables: %s)", p.SnapshotID, p.At.UTC().Format(time.RFC3339), strings.Join(parts, ", "))
}

// snap is one snapshot of a table's current history.
type snap struct {
	id int64
	at time.Time
}

// history is a table's current snapshot and its ancestors, newest first.
func history(t *table.Table) []snap {
	md := t.Metadata()
	var out []snap
	for s := md.CurrentSnapshot(); s != nil; {
		out = append(out, snap{id: s.SnapshotID, at: committedAt(s)})
		if s.ParentSnapshotID == nil {
			break
		}
		s = md.SnapshotByID(*s.ParentSnapshotID)
	}
	return out
}

// readable is history plus the snapshots outside it that a tag still
// holds (a saved report's pin whose neighbours were expired), newest first.
func readable(t *table.Table) []snap {
	out := history(t)
	seen := map[int64]bool{}
	for _, s := range out {
		seen[s.id] = true
	}
	md := t.Metadata()
	for _, ref := range md.Refs() {
		if seen[ref.SnapshotID] {
			continue
		}
		if s := md.SnapshotByID(ref.SnapshotID); s != nil {
			seen[s.SnapshotID] = true
			out = append(out, snap{id: s.SnapshotID, at: committedAt(s)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.After(out[j].at) })
	return out
}

// committedAt is when the lake committed the run a snapshot registers;
// a snapshot another engine wrote counts at its own timestamp.
func committedAt(s *table.Snapshot) time.Time {
	if s.Summary != nil {
		if v := s.Summary.Properties[PropCommittedAt]; v != "" {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t
			}
		}
	}
	return time.UnixMilli(s.TimestampMs).UTC()
}

// Pin resolves asOf (empty: now; an Iceberg snapshot id of any table;
// or a time, RFC 3339 or a date, read as the end of that UTC day) to
// each table's newest snapshot whose run the lake had committed by then.
func (m *Mirror) Pin(ctx context.Context, asOf string) (*Pin, error) {
	tables := map[string][]snap{}
	loaded := map[string]*table.Table{}
	for _, ds := range schema.Datasets() {
		t, ok, err := m.Table(ctx, ds.Name)
		if err != nil {
			return nil, err
		}
		if ok {
			tables[ds.Name], loaded[ds.Name] = readable(t), t
		}
	}
	bound, err := resolveAsOf(asOf, tables)
	if err != nil {
		return nil, err
	}
	p := &Pin{Snapshots: map[string]int64{}, Files: map[string][]string{}}
	for _, ds := range schema.Datasets() {
		if t := loaded[ds.Name]; t != nil {
			if g, ok := expiredAt(t, bound); ok {
				return nil, fmt.Errorf("--as-of %s: the snapshots of table %s from %s to %s were expired (`gwanmun iceberg expire`), so the tables cannot be read as of then; `gwanmun iceberg snapshots` lists what is left",
					asOf, ds.Name, g.from.UTC().Format(time.RFC3339), g.to.UTC().Format(time.RFC3339))
			}
		}
		for _, s := range tables[ds.Name] {
			if s.at.After(bound) {
				continue
			}
			p.Snapshots[ds.Name] = s.id
			if s.at.After(p.At) {
				p.At = s.at
			}
			break
		}
	}
	// The point's name: the first table's snapshot carrying the newest run.
	for _, ds := range schema.Datasets() {
		if p.SnapshotID != 0 {
			break
		}
		for _, s := range tables[ds.Name] {
			if s.at.Equal(p.At) && s.id == p.Snapshots[ds.Name] {
				p.SnapshotID = s.id
				break
			}
		}
	}
	for name, id := range p.Snapshots {
		files, err := dataFiles(ctx, loaded[name], &id)
		if err != nil {
			return nil, fmt.Errorf("iceberg table %s snapshot %d: %w", name, id, err)
		}
		for _, f := range files {
			lp, ok := LocalPath(f)
			if !ok {
				return nil, fmt.Errorf("iceberg table %s: file %s is in an object store; gwanmun's DuckDB reads only a local warehouse (attach the catalog from DuckDB with httpfs instead, docs/iceberg.md)", name, f)
			}
			p.Files[name] = append(p.Files[name], lp)
		}
	}
	return p, nil
}

// resolveAsOf turns --as-of into a lake commit time bound.
func resolveAsOf(asOf string, tables map[string][]snap) (time.Time, error) {
	asOf = strings.TrimSpace(asOf)
	if asOf == "" {
		return time.Unix(1<<62, 0), nil
	}
	if id, err := strconv.ParseInt(asOf, 10, 64); err == nil {
		for _, h := range tables {
			for _, s := range h {
				if s.id == id {
					return s.at, nil
				}
			}
		}
		return time.Time{}, fmt.Errorf("--as-of %s: no table's history has that snapshot id (it never did, or `gwanmun iceberg expire` removed it; see `gwanmun iceberg snapshots`)", asOf)
	}
	if t, err := time.Parse(time.RFC3339Nano, asOf); err == nil {
		return t, nil
	}
	if d, err := time.Parse("2006-01-02", asOf); err == nil {
		return d.Add(24*time.Hour - time.Nanosecond), nil
	}
	return time.Time{}, fmt.Errorf("--as-of %q: want an Iceberg snapshot id, an RFC 3339 time or a date (2006-01-02)", asOf)
}

// SnapshotInfo is one row of `gwanmun iceberg snapshots`.
type SnapshotInfo struct {
	Table       string    `json:"table"`
	SnapshotID  int64     `json:"snapshot_id"`
	Operation   string    `json:"operation"`
	RunID       string    `json:"run_id"`
	CommittedAt time.Time `json:"committed_at"`
	Current     bool      `json:"current"`
	Files       string    `json:"total_data_files"`
	Rows        string    `json:"total_records"`
	// Tags are the tags (a saved report's gwanmun-report-<id>) holding
	// the snapshot: expiry keeps it.
	Tags []string `json:"tags,omitempty"`
}

// Snapshots lists every table's snapshots, oldest first.
func (m *Mirror) Snapshots(ctx context.Context) ([]SnapshotInfo, error) {
	var out []SnapshotInfo
	for _, ds := range schema.Datasets() {
		t, ok, err := m.Table(ctx, ds.Name)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		cur := t.CurrentSnapshot()
		tags := map[int64][]string{}
		for name, ref := range t.Metadata().Refs() {
			if ref.SnapshotRefType == table.TagRef {
				tags[ref.SnapshotID] = append(tags[ref.SnapshotID], name)
			}
		}
		for _, s := range t.Metadata().Snapshots() {
			si := SnapshotInfo{Table: ds.Name, SnapshotID: s.SnapshotID, CommittedAt: committedAt(&s),
				Current: cur != nil && cur.SnapshotID == s.SnapshotID, Tags: tags[s.SnapshotID]}
			sort.Strings(si.Tags)
			if s.Summary != nil {
				si.Operation = string(s.Summary.Operation)
				si.RunID = s.Summary.Properties[PropRunID]
				si.Files = s.Summary.Properties["total-data-files"]
				si.Rows = s.Summary.Properties["total-records"]
			}
			out = append(out, si)
		}
	}
	return out, nil
}

// TableInfo says where a table's current metadata is, for readers that
// open it without a catalog (the independent check, DuckDB's
// iceberg_scan).
type TableInfo struct {
	Table            string `json:"table"`
	Location         string `json:"location"`
	MetadataLocation string `json:"metadata_location"`
	SnapshotID       int64  `json:"snapshot_id"`
}

// Tables lists the tables and their current metadata files: one per
// dataset, then the _runs commit log once the lake is adopted.
func (m *Mirror) Tables(ctx context.Context) ([]TableInfo, error) {
	var out []TableInfo
	names := []string{}
	for _, ds := range schema.Datasets() {
		names = append(names, ds.Name)
	}
	for _, name := range append(names, RunsTable) {
		t, ok, err := m.Table(ctx, name)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		ti := TableInfo{Table: name, Location: t.Location(), MetadataLocation: t.MetadataLocation()}
		if s := t.CurrentSnapshot(); s != nil {
			ti.SnapshotID = s.SnapshotID
		}
		out = append(out, ti)
	}
	return out, nil
}
