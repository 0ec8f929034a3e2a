package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/data/vocab"
)

// KeysFile is the seed's keying file beside its CSVs: which files hold
// what, who measured each figure, which gateway and id each row joins
// under. Everything about the seed's case is there, not in Go.
const KeysFile = "keys.toml"

// keys is KeysFile decoded.
type keys struct {
	UTCOffset  string          `toml:"utc_offset"`
	ZoneName   string          `toml:"zone_name"`
	MAUFiles   []string        `toml:"mau_files"`
	DailyFile  string          `toml:"daily_file"`
	Sources    []sourceRule    `toml:"sources"`
	Financials []financialFile `toml:"financials"`
	Services   serviceKeys     `toml:"services"`
	Thresholds thresholdKeys   `toml:"thresholds"`

	zone *time.Location // UTCOffset as a zone
}

// sourceRule says who measured a figure whose note (or title) has one of
// Words.
type sourceRule struct {
	In        string   `toml:"in"` // "note" (the default) or "title"
	Words     []string `toml:"words"`
	Estimator string   `toml:"estimator"`
	Source    string   `toml:"source"`
	Flags     []string `toml:"flags"`
}

type financialFile struct {
	File     string `toml:"file"`
	Currency string `toml:"currency"`
	Metrics  []struct {
		Column string `toml:"column"`
		Metric string `toml:"metric"`
	} `toml:"metrics"`
}

type serviceKeys struct {
	Files          []string        `toml:"files"`
	ObservedAt     toml.LocalDate  `toml:"observed_at"`
	AccountWords   []string        `toml:"account_words"`
	Gateways       []gatewayLabel  `toml:"gateways"`
	BuildingBlocks []buildingBlock `toml:"building_blocks"`
	IncidentEdges  struct {
		Service string `toml:"service"`
		Event   string `toml:"event"`
		Edges   []struct {
			From string `toml:"from"`
			To   string `toml:"to"`
			Kind string `toml:"kind"`
			Note string `toml:"note"`
		} `toml:"edges"`
	} `toml:"incident_edges"`
	IDs map[string]string `toml:"ids"`
}

// gatewayLabel is a gateway label of the services files.
type gatewayLabel struct {
	Label           string `toml:"label"`
	Gateway         string `toml:"gateway"`
	Node            string `toml:"node"`
	Kind            string `toml:"kind"`
	ThirdParty      bool   `toml:"third_party"`
	ImpairedHosting bool   `toml:"impaired_hosting"`
}

// buildingBlock is a gateway node a third party's evidence can name.
type buildingBlock struct {
	Gateway string   `toml:"gateway"`
	Words   []string `toml:"words"`
	Always  bool     `toml:"always"`
	Node    string   `toml:"node"`
	Kind    string   `toml:"kind"`
}

type thresholdKeys struct {
	Regimes []struct {
		Prefix       string `toml:"prefix"`
		Contains     string `toml:"contains"`
		MetricPrefix string `toml:"metric_prefix"`
		ID           string `toml:"id"`
		Jurisdiction string `toml:"jurisdiction"`
		LegalText    string `toml:"legal_text"`
	} `toml:"regimes"`
	Metrics []struct {
		Contains string `toml:"contains"`
		ID       string `toml:"id"`
	} `toml:"metrics"`
}

// readKeys reads and checks KeysFile from fsys.
func readKeys(fsys fs.FS) (*keys, error) {
	b, err := fs.ReadFile(fsys, KeysFile)
	if err != nil {
		return nil, fmt.Errorf("seed keys: %w", err)
	}
	return parseKeys(b)
}

// parseKeys decodes the keys strictly: an unknown or mistyped key is an
// error naming it and its line.
func parseKeys(b []byte) (*keys, error) {
	var k keys
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&k); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) && len(sm.Errors) > 0 {
			e := sm.Errors[0]
			row, col := e.Position()
			return nil, fmt.Errorf("seed %s:%d:%d: unknown key %q", KeysFile, row, col, strings.Join(e.Key(), "."))
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, fmt.Errorf("seed %s:%d:%d: key %q: %w", KeysFile, row, col, strings.Join(de.Key(), "."), err)
		}
		return nil, fmt.Errorf("seed %s: %w", KeysFile, err)
	}
	if err := k.check(); err != nil {
		return nil, fmt.Errorf("seed %s: %w", KeysFile, err)
	}
	return &k, nil
}

// check is what the decoder cannot: required values, known kinds and
// currencies, ids that are unique.
func (k *keys) check() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	t, err := time.Parse("-07:00", k.UTCOffset)
	if err != nil {
		bad("utc_offset %q: want +HH:MM", k.UTCOffset)
	} else {
		_, off := t.Zone()
		k.zone = time.FixedZone(k.ZoneName, off)
	}
	if k.ZoneName == "" {
		bad("zone_name is required")
	}
	if len(k.MAUFiles) == 0 || k.DailyFile == "" || len(k.Services.Files) == 0 {
		bad("mau_files, daily_file and services.files are required")
	}
	for i, r := range k.Sources {
		if r.In != "" && r.In != "note" && r.In != "title" {
			bad("sources[%d]: in %q: want note or title", i, r.In)
		}
		if len(r.Words) == 0 || r.Estimator == "" || r.Source == "" {
			bad("sources[%d]: words, estimator and source are required", i)
		}
		for _, w := range r.Words {
			if strings.TrimSpace(w) == "" {
				bad("sources[%d]: empty word", i)
			}
		}
	}
	for i, f := range k.Financials {
		if f.File == "" || len(f.Metrics) == 0 {
			bad("financials[%d]: file and metrics are required", i)
		}
		if !vocab.IsCurrency(f.Currency) {
			bad("financials %s: currency %q is not an ISO 4217 code", f.File, f.Currency)
		}
		for _, m := range f.Metrics {
			if m.Column == "" || m.Metric == "" {
				bad("financials %s: a metric needs column and metric", f.File)
			}
		}
	}
	labels := map[string]bool{}
	for i, g := range k.Services.Gateways {
		if g.Label == "" || g.Gateway == "" {
			bad("services.gateways[%d]: label and gateway are required", i)
		}
		if labels[g.Label] {
			bad("services.gateways: label %q twice", g.Label)
		}
		labels[g.Label] = true
		if !g.ThirdParty && (g.Node == "" || g.Kind == "") {
			bad("services.gateways %q: node and kind are required (or third_party = true)", g.Label)
		}
	}
	for i, b := range k.Services.BuildingBlocks {
		if b.Gateway == "" || b.Node == "" || b.Kind == "" || len(b.Words) == 0 && !b.Always {
			bad("services.building_blocks[%d]: gateway, node, kind and words (or always = true) are required", i)
		}
	}
	for i, e := range k.Services.IncidentEdges.Edges {
		if e.From == "" || e.To == "" || e.Kind == "" {
			bad("services.incident_edges.edges[%d]: from, to and kind are required", i)
		}
	}
	for i, r := range k.Thresholds.Regimes {
		if r.Prefix == "" || r.ID == "" || r.Jurisdiction == "" {
			bad("thresholds.regimes[%d]: prefix, id and jurisdiction are required", i)
		}
	}
	for i, m := range k.Thresholds.Metrics {
		if m.Contains == "" || m.ID == "" {
			bad("thresholds.metrics[%d]: contains and id are required", i)
		}
	}
	return errors.Join(errs...)
}

// observedAt is the day the services files describe.
func (k *keys) observedAt() time.Time {
	d := k.Services.ObservedAt
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

func (k *keys) gateway(label string) (gatewayLabel, bool) {
	for _, g := range k.Services.Gateways {
		if g.Label == label {
			return g, true
		}
	}
	return gatewayLabel{}, false
}

// fill fills a template: {incident} is the incident's title,
// {note} the evidencing row's note.
// {root} is the incident's root node.
func fill(tmpl string, inc *study.Incident, note string) string {
	return strings.NewReplacer("{incident}", inc.Title, "{note}", note, "{root}", inc.Root).Replace(tmpl)
}
