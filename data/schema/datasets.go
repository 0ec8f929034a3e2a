package schema

import (
	"fmt"
	"reflect"
	"sort"
)

// Row is one record of a dataset. Validate rejects values that cannot be
// true (a negative user count, a date in the far future) before they reach
// the lake; Partition names the Hive partition the row belongs to
// ("year=2022"), or "" for an unpartitioned dataset.
type Row interface {
	Dataset() string
	Validate() error
	Partition() string
	Prov() *Provenance
}

// Dataset describes one table of the lake.
type Dataset struct {
	Name string
	// Key is the natural key: readers keep the latest fetched_at per key.
	Key []string
	// Version is bumped when a column is added or changes meaning or
	// type; readers fill a column older files lack with NULL.
	Version int
	// RowType is the Go struct whose `col` tags define the columns.
	RowType reflect.Type
	Doc     string
}

// Columns returns the dataset's columns in file order.
func (d Dataset) Columns() []Column { return ColumnsOf(d.RowType) }

var datasets = []Dataset{
	{Name: "platforms", Key: []string{"platform_id"}, Version: 1, RowType: reflect.TypeFor[Platform](),
		Doc: "apps and services that users are counted on"},
	{Name: "mau", Key: []string{"platform_id", "country", "metric", "period_start", "period_grain", "source", "revision"}, Version: 2, RowType: reflect.TypeFor[MAU](),
		Doc: "user counts (MAU, DAU, daily users) by period, estimator and source"},
	{Name: "financials", Key: []string{"company", "period_start", "period_grain", "metric"}, Version: 1, RowType: reflect.TypeFor[Financial](),
		Doc: "company revenue and profit, for network-effect fits"},
	{Name: "services", Key: []string{"gateway_id", "service_id", "observed_at"}, Version: 1, RowType: reflect.TypeFor[Service](),
		Doc: "services a gateway opens, by taxonomy category and account link"},
	{Name: "dependencies", Key: []string{"from_id", "to_id", "kind"}, Version: 1, RowType: reflect.TypeFor[Dependency](),
		Doc: "edges of the service dependency graph (login, payment, hosting, ...)"},
	{Name: "incidents", Key: []string{"incident_id", "service_id", "event", "at", "source_url"}, Version: 1, RowType: reflect.TypeFor[Incident](),
		Doc: "outage and restoration events per service"},
	{Name: "news", Key: []string{"article_id"}, Version: 1, RowType: reflect.TypeFor[News](),
		Doc: "news articles about outages, deduplicated by canonical URL"},
	{Name: "thresholds", Key: []string{"regime_id", "metric"}, Version: 1, RowType: reflect.TypeFor[Threshold](),
		Doc: "regulatory lines (designation tests, merger-guideline bands)"},
	{Name: "runs", Key: []string{"run_id", "collector"}, Version: 1, RowType: reflect.TypeFor[Run](),
		Doc: "the run ledger: one row per collector per run"},
}

// Datasets returns every dataset, sorted by name.
func Datasets() []Dataset {
	out := append([]Dataset(nil), datasets...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup finds a dataset by name.
func Lookup(name string) (Dataset, error) {
	for _, d := range datasets {
		if d.Name == name {
			return d, nil
		}
	}
	return Dataset{}, fmt.Errorf("unknown dataset %q", name)
}
