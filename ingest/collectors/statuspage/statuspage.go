// Package statuspage collects outage events from Atlassian Statuspage
// pages (the /api/v2/summary.json and /api/v2/incidents.json endpoints
// behind status.example.com pages) and from Google Cloud's incidents.json
// into the incidents dataset: one row per incident update, typed start /
// update / partial_restore / restore.
package statuspage

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // pages name IANA zones; a minimal container has no zoneinfo

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// Version changes when the rows change for the same input.
const Version = "1.0.0"

// Name is the collector's source name.
const Name = "statuspage"

// DefaultPages is GitHub's status page, the page of the bundled recording.
var DefaultPages = []string{"https://www.githubstatus.com"}

// Endpoints the collector knows, by config name.
var endpointPaths = map[string]string{
	"summary":   "/api/v2/summary.json",
	"incidents": "/api/v2/incidents.json",
}

// Config is the [sources.statuspage] table.
type Config struct {
	// Endpoints to read on each page: "summary" (unresolved incidents) and
	// "incidents" (the 50 most recent). Default: summary.
	Endpoints []string `toml:"endpoints"`
	// ServiceIDs maps a page host to the service_id of its rows; default
	// the page's name in lower case ("GitHub" → "github").
	ServiceIDs map[string]string `toml:"service_ids"`
}

// Collector reads Statuspage APIs.
type Collector struct {
	urls       []string
	serviceIDs map[string]string
	// parallelism: requests per host at once (the shared key).
	parallelism int
}

// files are the collector's sample config and the recording `make demo`
// replays (see testdata/README.md).
//
//go:embed sample.toml testdata/recording.warc.gz
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// New validates the config; it does no I/O.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	if len(c.Endpoints) == 0 {
		c.Endpoints = []string{"summary"}
	}
	pages, err := cfg.URLsOr(DefaultPages)
	if err != nil {
		return nil, err
	}
	col := &Collector{serviceIDs: map[string]string{}, parallelism: cfg.Parallelism}
	for h, id := range c.ServiceIDs {
		if id == "" {
			return nil, fmt.Errorf("statuspage: service_ids[%q] is empty", h)
		}
		col.serviceIDs[strings.ToLower(h)] = id
	}
	for _, p := range pages {
		u, err := url.Parse(p)
		if err != nil {
			return nil, err // URLsOr parsed it already
		}
		// A URL naming a .json file is read as it is (a mirror, a saved copy).
		if strings.HasSuffix(u.Path, ".json") {
			col.urls = append(col.urls, u.String())
			continue
		}
		for _, e := range c.Endpoints {
			path, ok := endpointPaths[e]
			if !ok {
				return nil, fmt.Errorf("statuspage: endpoint %q: want summary or incidents", e)
			}
			col.urls = append(col.urls, strings.TrimSuffix(u.String(), "/")+path)
		}
	}
	return col, nil
}

// Info implements ingest.Collector.
func (c *Collector) Info() ingest.Info {
	return ingest.Info{
		Name: Name, Version: Version, Kind: "web", URL: strings.Join(c.urls, " "),
		Datasets:    []string{"incidents"},
		Description: "Atlassian Statuspage (and Google Cloud) incidents and their updates",
	}
}

// Collect implements ingest.Collector.
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	seen := map[string]bool{}
	read, err := s.VisitPages(ctx, ingest.Pages{URLs: c.urls, Parse: func(f *ingest.Fetched) (ingest.Page, error) {
		var evs []Event
		var err error
		if b := bytes.TrimSpace(f.Body); len(b) > 0 && b[0] == '[' {
			evs, err = ParseGCP(b)
		} else {
			evs, err = Parse(f.Body, c.serviceIDs[strings.ToLower(f.URL.Host)])
		}
		if err != nil {
			return ingest.Page{}, err
		}
		var pg ingest.Page
		for _, e := range evs {
			e.Row.Provenance = f.Prov(e.Title)
			pg.Rows = append(pg.Rows, updateRow{e.Row, e.UpdateID})
		}
		return pg, nil
	}, Take: func(rows []schema.Row) {
		for _, r := range rows {
			u := r.(updateRow)
			if seen[u.id] { // summary and incidents list the same updates
				continue
			}
			seen[u.id] = true
			s.Emit(u.Incident)
		}
	}, Parallelism: c.parallelism})
	if err == nil && read == 0 {
		return errors.New("no status page could be read")
	}
	return err
}

// updateRow is an incident row with the id of the update it came from, so
// Take can drop an update two pages list (pages are parsed in parallel).
type updateRow struct {
	*schema.Incident
	id string
}

// The API's JSON, the parts used.
type (
	document struct {
		Page      page       `json:"page"`
		Incidents []incident `json:"incidents"`
	}
	page struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		URL      string `json:"url"`
		TimeZone string `json:"time_zone"`
	}
	incident struct {
		ID             string      `json:"id"`
		Name           string      `json:"name"`
		Status         string      `json:"status"`
		Impact         string      `json:"impact"`
		Shortlink      string      `json:"shortlink"`
		CreatedAt      string      `json:"created_at"`
		StartedAt      string      `json:"started_at"`
		PostmortemBody string      `json:"postmortem_body"`
		Updates        []update    `json:"incident_updates"`
		Components     []component `json:"components"`
	}
	update struct {
		ID        string     `json:"id"`
		Status    string     `json:"status"`
		Body      string     `json:"body"`
		CreatedAt string     `json:"created_at"`
		DisplayAt string     `json:"display_at"`
		Affected  []affected `json:"affected_components"`
	}
	affected struct {
		Name      string `json:"name"`
		OldStatus string `json:"old_status"`
		NewStatus string `json:"new_status"`
	}
	component struct {
		Name string `json:"name"`
	}
)

// Event is one incident update turned into an incidents row (provenance
// left for the caller).
type Event struct {
	UpdateID string
	// Title names the page and incident, the rows' source_title.
	Title string
	Row   *schema.Incident
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Parse reads a summary.json or incidents.json body. Updates become events
// in time order: the first investigating/identified update is the start,
// later ones updates, monitoring a partial restore, resolved the restore.
// An incident whose updates hold no start gets one at its started_at.
// Times are UTC; at_local is the wall clock in the page's own time zone.
func Parse(body []byte, serviceID string) ([]Event, error) {
	var doc document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("statuspage JSON: %w", err)
	}
	if doc.Page.ID == "" && doc.Page.Name == "" {
		return nil, errors.New("statuspage JSON: no page object")
	}
	loc, err := time.LoadLocation(doc.Page.TimeZone)
	if err != nil || doc.Page.TimeZone == "" {
		loc = time.UTC
	}
	if serviceID == "" {
		serviceID = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(doc.Page.Name), "_"), "_")
	}
	if serviceID == "" {
		serviceID = doc.Page.ID
	}
	var out []Event
	for _, inc := range doc.Incidents {
		evs, err := incidentEvents(doc.Page, inc, serviceID, loc)
		if err != nil {
			return out, fmt.Errorf("incident %s: %w", inc.ID, err)
		}
		out = append(out, evs...)
	}
	return out, nil
}

func incidentEvents(p page, inc incident, serviceID string, loc *time.Location) ([]Event, error) {
	started, err := parseTime(inc.StartedAt, inc.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("started_at: %w", err)
	}
	id := started.In(loc).Format("2006-01-02") + "-" + serviceID + "-" + inc.ID
	title := p.Name + " status: " + inc.Name
	var comps []string
	for _, c := range inc.Components {
		comps = append(comps, c.Name)
	}
	ups := append([]update(nil), inc.Updates...)
	times := make(map[string]time.Time, len(ups))
	for _, u := range ups {
		t, err := parseTime(u.DisplayAt, u.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("update %s: %w", u.ID, err)
		}
		times[u.ID] = t
	}
	sort.SliceStable(ups, func(i, j int) bool {
		if ti, tj := times[ups[i].ID], times[ups[j].ID]; !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return ups[i].ID < ups[j].ID
	})
	row := func(at time.Time, event, raw, scope, note string) *schema.Incident {
		local := at.In(loc)
		return &schema.Incident{
			IncidentID: id, ServiceID: serviceID, Service: p.Name, Company: p.Name,
			Event: event, EventRaw: raw, At: at.UTC(),
			AtLocal: local.Format("2006-01-02T15:04:05.000"), UTCOffset: local.Format("-07:00"),
			Scope: scope, Cause: newsmatch.CleanText(inc.PostmortemBody), Note: note,
		}
	}
	var out []Event
	startSeen := false
	for _, u := range ups {
		var event string
		switch u.Status {
		case "investigating", "identified":
			event = "update"
			if !startSeen {
				event, startSeen = "start", true
			}
		case "monitoring":
			event = "partial_restore"
		case "resolved":
			event = "restore"
		default: // postmortem, or a maintenance status
			event = "other"
		}
		out = append(out, Event{UpdateID: u.ID, Title: title,
			Row: row(times[u.ID], event, u.Status, scope(u.Affected, comps, inc.Impact), newsmatch.CleanText(u.Body))})
	}
	if !startSeen {
		out = append([]Event{{UpdateID: inc.ID + "/started_at", Title: title,
			Row: row(started, "start", "started_at", scope(nil, comps, inc.Impact), inc.Name)}}, out...)
	}
	return out, nil
}

// scope names the components an update reports, with the status it gives
// them, or the incident's components, and the incident's impact.
func scope(aff []affected, comps []string, impact string) string {
	var parts []string
	for _, a := range aff {
		parts = append(parts, a.Name+" ("+a.NewStatus+")")
	}
	if len(parts) == 0 {
		parts = comps
	}
	s := strings.Join(parts, ", ")
	if impact != "" {
		if s != "" {
			s += "; "
		}
		s += "impact " + impact
	}
	return s
}

func parseTime(vals ...string) (time.Time, error) {
	for _, v := range vals {
		if v == "" {
			continue
		}
		return time.Parse(time.RFC3339Nano, v)
	}
	return time.Time{}, errors.New("no time given")
}
