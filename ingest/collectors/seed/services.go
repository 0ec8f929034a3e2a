package seed

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/taxonomy"
)

var parenEnglish = regexp.MustCompile(`\(([A-Za-z][^()]*)\)\s*$`)

// serviceID derives a stable slug: the English name in trailing
// parentheses when there is one, else the whole name.
func serviceID(name string) string {
	base := name
	if m := parenEnglish.FindStringSubmatch(name); m != nil {
		base = m[1]
	}
	if i := strings.IndexAny(base, ":;,"); i > 0 {
		base = base[:i]
	}
	var b strings.Builder
	lastUnderscore := true
	for _, r := range strings.ToLower(base) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	id := strings.Trim(b.String(), "_")
	if r := []rune(id); len(r) > 40 {
		id = strings.Trim(string(r[:40]), "_")
	}
	return id
}

func splitName(name string) (ko, en string) {
	if m := parenEnglish.FindStringSubmatchIndex(name); m != nil {
		return strings.TrimSpace(name[:m[0]]), name[m[2]:m[3]]
	}
	for _, r := range name {
		if unicode.Is(unicode.Hangul, r) {
			return name, ""
		}
	}
	return "", name
}

// accountLinked reads whether a service needs the gateway's account from
// its evidence: a leading "yes" or one of the keys' account words, unless
// it says "none" or "not verified".
func (k *keys) accountLinked(raw string) bool {
	l := strings.ToLower(raw)
	if strings.HasPrefix(l, "none") || strings.Contains(l, "not verified") {
		return false
	}
	return strings.HasPrefix(l, "yes") || containsAny(l, k.Services.AccountWords)
}

// thirdPartyEdges reads which of the gateway's building blocks a third
// party used, from the evidence text the seed gives for it.
func (k *keys) thirdPartyEdges(raw, gateway string) []buildingBlock {
	l := strings.ToLower(raw)
	if strings.HasPrefix(l, "none") {
		return nil
	}
	var out []buildingBlock
	for _, b := range k.Services.BuildingBlocks {
		if b.Gateway == gateway && (b.Always || containsAny(l, b.Words)) {
			out = append(out, b)
		}
	}
	return out
}

func (c *run) services(s *ingest.Session) error {
	observed := c.k.observedAt()
	seen := map[string]bool{}
	edge := func(from, to, kind, note string, prov schema.Provenance) {
		k := from + "|" + to + "|" + kind
		if seen[k] || from == to {
			return
		}
		seen[k] = true
		s.Emit(&schema.Dependency{FromID: from, ToID: to, Kind: kind, Note: note, ObservedAt: &observed, Provenance: prov})
	}
	for _, name := range c.k.Services.Files {
		t, err := c.read(name)
		if err != nil {
			return err
		}
		for i, r := range t.rows {
			where := fmt.Sprintf("data/seed/%s row %d", name, i+2)
			g, ok := c.k.gateway(t.get(r, "gateway"))
			if !ok {
				s.ParseFailure(where, fmt.Errorf("gateway %q is not in %s services.gateways", t.get(r, "gateway"), KeysFile))
				continue
			}
			rawCat := t.get(r, "category")
			cat, ok := taxonomy.Map(rawCat)
			if !ok {
				s.ParseFailure(where, fmt.Errorf("category %q is not mapped onto the taxonomy", rawCat))
				continue
			}
			svcName := t.get(r, "service")
			id := serviceID(svcName)
			if canon, ok := c.k.Services.IDs[g.Gateway+"/"+id]; ok {
				id = canon
			}
			ko, en := splitName(svcName)
			raw := t.get(r, "account_linked")
			url := t.get(r, "source_url")
			prov := t.prov(url, "")
			s.Emit(&schema.Service{
				GatewayID: g.Gateway, ServiceID: id, ObservedAt: observed, NameKo: ko, NameEn: en,
				Category: cat, CategoryRaw: rawCat, Provider: t.get(r, "provider"), ThirdParty: g.ThirdParty,
				EntryPoint: t.get(r, "gateway"), AccountLinked: c.k.accountLinked(raw), AccountRaw: raw,
				Provenance: prov,
			})
			switch {
			case g.ThirdParty:
				for _, b := range c.k.thirdPartyEdges(raw, g.Gateway) {
					edge(id, b.Node, b.Kind, raw, prov)
				}
			case g.Node != "":
				edge(id, g.Node, g.Kind, "reached through "+t.get(r, "gateway"), prov)
				if inc := seedIncident(); g.ImpairedHosting && strings.Contains(strings.ToLower(raw), "impaired") {
					edge(id, inc.Root, "hosting", "partly impaired by the "+inc.Title+": "+raw, prov)
				}
			}
		}
	}
	return c.platformEdges(s, edge)
}

// platformEdges adds the edges the incident itself evidences (the keys'
// services.incident_edges), cited to the timeline row that evidences them.
func (c *run) platformEdges(s *ingest.Session, edge func(from, to, kind, note string, prov schema.Provenance)) error {
	ie := c.k.Services.IncidentEdges
	if len(ie.Edges) == 0 {
		return nil
	}
	t, err := c.read("outage_timeline.csv")
	if err != nil {
		return err
	}
	for _, r := range t.rows {
		if t.get(r, "service") == ie.Service && t.get(r, "event") == ie.Event {
			prov := t.prov(t.get(r, "source_url"), "")
			inc := seedIncident()
			for _, e := range ie.Edges {
				edge(fill(e.From, inc, ""), fill(e.To, inc, ""), e.Kind, fill(e.Note, inc, t.get(r, "note")), prov)
			}
			return nil
		}
	}
	s.ParseFailure("data/seed/outage_timeline.csv", fmt.Errorf("no %q %s row to evidence the incident's edges", ie.Service, ie.Event))
	return nil
}

func (c *run) incidents(s *ingest.Session) error {
	t, err := c.read("outage_timeline.csv")
	if err != nil {
		return err
	}
	m, err := c.read("outage_timeline_map.csv")
	if err != nil {
		return err
	}
	type key struct{ service, event, ts string }
	mapping := map[key][]string{}
	for _, r := range m.rows {
		mapping[key{m.get(r, "service"), m.get(r, "event"), m.get(r, "timestamp_kst")}] = r
	}
	for i, r := range t.rows {
		where := fmt.Sprintf("data/seed/%s row %d", t.name, i+2)
		k := key{t.get(r, "service"), t.get(r, "event"), t.get(r, "timestamp_kst")}
		mr, ok := mapping[k]
		if !ok {
			s.ParseFailure(where, fmt.Errorf("no entry in outage_timeline_map.csv for %q %s", k.service, k.event))
			continue
		}
		raw := t.get(r, "timestamp_kst")
		at, err := parseLocal(raw, c.k.zone)
		if err != nil {
			s.ParseFailure(where, err)
			continue
		}
		note := t.get(r, "note")
		precision := "minute"
		if len(raw) == len("2006-01-02") {
			precision = "day"
			note = "date only in source (at_precision day: the event fell within that " + c.k.ZoneName + " day). " + note
		}
		inc := seedIncident()
		for _, id := range strings.Split(m.get(mr, "service_ids"), "|") {
			s.Emit(&schema.Incident{
				IncidentID: inc.ID, ServiceID: id, Service: t.get(r, "service"),
				Company: t.get(r, "company"), Event: m.get(mr, "event_norm"), EventRaw: t.get(r, "event"),
				At: at.UTC(), AtLocal: raw, UTCOffset: c.k.UTCOffset, AtPrecision: precision, Scope: m.get(mr, "scope"),
				Cause: inc.Cause, Note: note,
				Provenance: t.prov(t.get(r, "source_url"), ""),
			})
		}
	}
	return nil
}

// seedIncident is the incident the seed's timeline records: the default
// study's (data/studies), so its id and cause are written once, as data.
func seedIncident() *study.Incident { return study.Default().Incident }

// parseLocal reads a timeline timestamp in the keys' UTC offset.
func parseLocal(s string, zone *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: want 2006-01-02T15:04 (local time, %s)", s, zone)
}
