package statuspage

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Google Cloud's status page is not a Statuspage; its incidents.json
// (https://status.cloud.google.com/incidents.json) is a JSON array read
// by ParseGCP. Collect tells the two apart by shape.
type gcpIncident struct {
	ID           string      `json:"id"`
	Begin        string      `json:"begin"`
	End          string      `json:"end"`
	Desc         string      `json:"external_desc"`
	Severity     string      `json:"severity"`
	StatusImpact string      `json:"status_impact"`
	Products     []gcpRef    `json:"affected_products"`
	Updates      []gcpUpdate `json:"updates"`
}

type gcpRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type gcpUpdate struct {
	When      string   `json:"when"`
	Created   string   `json:"created"`
	Status    string   `json:"status"`
	Text      string   `json:"text"`
	Locations []gcpRef `json:"affected_locations"`
}

// The sentence of an incident report that names the root cause.
var rootCause = regexp.MustCompile(`(?i)[^.\n]*\broot cause\b[^.\n]*\.`)

// ParseGCP reads Google Cloud's incidents.json. Each incident gives, for
// each affected product (service_id "gcp_" + the product name), a start at
// `begin`, an update per posted update (event_raw its status:
// SERVICE_OUTAGE, SERVICE_DISRUPTION, SERVICE_INFORMATION, AVAILABLE) and
// a restore at `end`. The root cause of a posted incident report is the
// cause. All times are UTC as published.
func ParseGCP(body []byte) ([]Event, error) {
	var incs []gcpIncident
	if err := json.Unmarshal(body, &incs); err != nil {
		return nil, fmt.Errorf("GCP incidents JSON: %w", err)
	}
	var out []Event
	for _, inc := range incs {
		evs, err := gcpEvents(inc)
		if err != nil {
			return out, fmt.Errorf("incident %s: %w", inc.ID, err)
		}
		out = append(out, evs...)
	}
	return out, nil
}

func gcpEvents(inc gcpIncident) ([]Event, error) {
	begin, err := parseTime(inc.Begin)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	id := begin.UTC().Format("2006-01-02") + "-gcp-" + inc.ID
	ups := append([]gcpUpdate(nil), inc.Updates...)
	when := make([]time.Time, len(ups))
	for i, u := range ups {
		if when[i], err = parseTime(u.When, u.Created); err != nil {
			return nil, fmt.Errorf("update: %w", err)
		}
	}
	idx := make([]int, len(ups))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return when[idx[a]].Before(when[idx[b]]) })
	var cause string
	for _, u := range ups {
		if m := rootCause.FindString(u.Text); m != "" {
			cause = strings.Join(strings.Fields(m), " ")
		}
	}
	impact := "impact " + inc.StatusImpact + ", severity " + inc.Severity
	type ev struct {
		at                      time.Time
		event, raw, scope, note string
		key                     string
	}
	evs := []ev{{begin, "start", "begin", impact, inc.Desc, "begin"}}
	for _, i := range idx {
		u := ups[i]
		var locs []string
		for _, l := range u.Locations {
			locs = append(locs, l.ID)
		}
		scope := impact
		if len(locs) > 0 {
			scope += "; locations " + strings.Join(locs, ", ")
		}
		evs = append(evs, ev{when[i], "update", u.Status, scope, strings.Join(strings.Fields(u.Text), " "), u.When})
	}
	if inc.End != "" {
		end, err := parseTime(inc.End)
		if err != nil {
			return nil, fmt.Errorf("end: %w", err)
		}
		evs = append(evs, ev{end, "restore", "end", impact, inc.Desc, "end"})
	}
	var out []Event
	for _, p := range inc.Products {
		sid := "gcp_" + strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(p.Title), "_"), "_")
		for _, e := range evs {
			out = append(out, Event{
				UpdateID: inc.ID + "/" + p.ID + "/" + e.key, Title: "Google Cloud status: " + inc.Desc,
				Row: &schema.Incident{
					IncidentID: id, ServiceID: sid, Service: p.Title, Company: "Google Cloud",
					Event: e.event, EventRaw: e.raw, At: e.at.UTC(),
					AtLocal: e.at.UTC().Format("2006-01-02T15:04:05.000"), UTCOffset: "+00:00",
					Scope: e.scope, Cause: cause, Note: e.note,
				},
			})
		}
	}
	return out, nil
}
