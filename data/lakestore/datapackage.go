package lakestore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gwanmun/gwanmun/data/schema"
)

// DataPackage is a Frictionless Data Package descriptor (datapackage.json,
// https://specs.frictionlessdata.io/data-package/) for the lake's datasets:
// the codebook a researcher or another tool reads to know each column's
// type, unit and meaning, each dataset's natural key, and the licences.
type DataPackage struct {
	Profile     string     `json:"profile"`
	Name        string     `json:"name"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Licenses    []License  `json:"licenses"`
	Resources   []Resource `json:"resources"`
}

// License is one licence entry.
type License struct {
	Name  string `json:"name,omitempty"`
	Path  string `json:"path,omitempty"`
	Title string `json:"title,omitempty"`
}

// Resource is one dataset.
type Resource struct {
	Profile     string      `json:"profile"`
	Name        string      `json:"name"`
	Path        string      `json:"path"`
	Format      string      `json:"format"`
	Mediatype   string      `json:"mediatype"`
	Encoding    string      `json:"encoding,omitempty"`
	Description string      `json:"description"`
	Schema      TableSchema `json:"schema"`
}

// TableSchema is a resource's Table Schema.
type TableSchema struct {
	Fields     []Field  `json:"fields"`
	PrimaryKey []string `json:"primaryKey"`
}

// Field is one column. Unit is a gwanmun property outside the spec (which
// allows extra properties): the column's fixed unit, or the column that
// states it row by row ("column:unit").
type Field struct {
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Format      string       `json:"format,omitempty"`
	Description string       `json:"description,omitempty"`
	Unit        string       `json:"unit,omitempty"`
	Constraints *Constraints `json:"constraints,omitempty"`
}

// Constraints on a field.
type Constraints struct {
	Required bool     `json:"required,omitempty"`
	Enum     []string `json:"enum,omitempty"`
}

// Field lookup for import validation.
func (r Resource) Field(name string) (Field, bool) {
	for _, f := range r.Schema.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Resource returns the resource of a dataset.
func (p DataPackage) Resource(name string) (Resource, bool) {
	for _, r := range p.Resources {
		if r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// fieldDocs documents the columns whose meaning is not plain from the name.
var fieldDocs = map[string]struct{ doc, unit string }{
	"mau.value":               {"the figure, in the unit of column unit (data/vocab: mau/dau in persons, usage_time in hours or minutes)", "column:unit"},
	"mau.unit":                {"unit of value; must fit the metric's dimension in data/vocab/metrics.csv", ""},
	"mau.metric":              {"what was counted (data/vocab/metrics.csv)", ""},
	"mau.estimator":           {"who counted it; company figures and panel estimates are never pooled", ""},
	"mau.flags":               {"coverage and quality flags (lower_bound, android_only, superseded, ...)", ""},
	"mau.revision":            {"0 for an original figure, 1.. for restatements the source itself publishes", ""},
	"mau.origin_source":       {"who first published a figure the page republishes (null: the source is its own origin)", ""},
	"mau.origin_url":          {"where the origin published it, as the republishing page cites it", ""},
	"financials.value":        {"the amount, in the currency of column currency", "column:currency"},
	"financials.currency":     {"ISO 4217 code (data/vocab/currencies.csv)", ""},
	"thresholds.value":        {"the line, in the unit of column unit", "column:unit"},
	"incidents.at":            {"when the event happened, UTC", ""},
	"incidents.at_local":      {"the source's own wall-clock text", ""},
	"news.published_at":       {"publication time, UTC; null when the source gives none (see date_missing_reason)", ""},
	"period_start":            {"first day of the period", ""},
	"period_grain":            {"day, month, quarter, half or year", ""},
	"source_url":              {"where the row's figure was read (provenance)", ""},
	"source_title":            {"title of the source (provenance)", ""},
	"fetched_at":              {"when the source was really read, UTC (provenance)", ""},
	"collector":               {"the collector that landed the row (provenance)", ""},
	"collector_version":       {"its version (provenance)", ""},
	"content_sha256":          {"SHA-256 of the bytes the row was parsed from (provenance)", ""},
	"run_id":                  {"the ingest run that landed the row (provenance)", ""},
	"warc_record_id":          {"the WARC record holding those bytes; null for files and the seed (provenance)", ""},
	"services.category":       {"fixed taxonomy category (data/schema/taxonomy.go)", ""},
	"platforms.category":      {"platform category for market definitions", ""},
	"dependencies.kind":       {"edge kind: from_id needs to_id for this", ""},
	"incidents.event":         {"start, partial_restore, restore, update or other", ""},
	"thresholds.combine":      {"how the line combines with the regime's other legs (AND/OR)", ""},
	"runs.requests_by_status": {"JSON object: HTTP status -> count", ""},
}

var enums = map[string][]string{
	"mau.period_grain":        schema.Grains,
	"mau.estimator":           schema.Estimators,
	"dependencies.kind":       schema.DependencyKinds,
	"incidents.event":         schema.IncidentEvents,
	"platforms.category":      schema.PlatformCategories,
	"financials.period_grain": schema.Grains,
}

// NewDataPackage describes datasets as tabular resources stored as
// <dataset>.csv beside the descriptor, as `lake export --format csv`
// writes them.
func NewDataPackage(datasets []schema.Dataset) DataPackage {
	p := DataPackage{
		Profile: "tabular-data-package",
		Name:    "gwanmun-lake",
		Title:   "gwanmun lake export",
		Description: "The gwanmun lake's datasets, one row per natural key (latest fetched_at). " +
			"Every row names its source (source_url, source_title) and when it was read (fetched_at); " +
			"the figures belong to their publishers.",
		Licenses: []License{{
			Name:  "other-at",
			Title: "Figures belong to their publishers, row by row (source_url); compiled and exported by gwanmun for research, with attribution",
		}},
	}
	for _, ds := range datasets {
		r := Resource{
			Profile: "tabular-data-resource", Name: ds.Name, Path: ds.Name + ".csv",
			Format: "csv", Mediatype: "text/csv", Encoding: "utf-8",
			Description: fmt.Sprintf("%s (schema version %d)", ds.Doc, ds.Version),
			Schema:      TableSchema{PrimaryKey: slices.Clone(ds.Key), Fields: []Field{}},
		}
		for _, c := range ds.Columns() {
			f := Field{Name: c.Name, Type: fieldType(c.Kind)}
			if c.Kind == schema.Timestamp {
				f.Format = "any"
			}
			d, ok := fieldDocs[ds.Name+"."+c.Name]
			if !ok {
				d = fieldDocs[c.Name]
			}
			f.Description, f.Unit = d.doc, d.unit
			cons := &Constraints{Required: slices.Contains(ds.Key, c.Name) && !c.Nullable, Enum: enums[ds.Name+"."+c.Name]}
			if cons.Required || len(cons.Enum) > 0 {
				f.Constraints = cons
			}
			r.Schema.Fields = append(r.Schema.Fields, f)
		}
		p.Resources = append(p.Resources, r)
	}
	return p
}

func fieldType(k schema.Kind) string {
	switch k {
	case schema.Int64:
		return "integer"
	case schema.Float64:
		return "number"
	case schema.Bool:
		return "boolean"
	case schema.Timestamp:
		return "datetime"
	case schema.Date:
		return "date"
	case schema.StringList:
		return "array"
	}
	return "string"
}

// WriteDataPackage writes dir/datapackage.json for datasets, atomically.
func WriteDataPackage(dir string, datasets []schema.Dataset) error {
	b, err := json.MarshalIndent(NewDataPackage(datasets), "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".datapackage.json.*.tmp")
	if err != nil {
		return fmt.Errorf("write datapackage.json: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write datapackage.json: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, "datapackage.json"))
}
