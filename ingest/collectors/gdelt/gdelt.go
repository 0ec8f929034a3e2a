// Package gdelt collects outage news from the GDELT DOC 2.0 API
// (api.gdeltproject.org/api/v2/doc/doc, mode=artlist) into the news
// dataset, and parses its mode=timelinevol volume series.
package gdelt

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// Version changes when the rows change for the same input.
const Version = "1.0.0"

// Name is the collector's source name.
const Name = "gdelt"

// Endpoint is the DOC 2.0 API; a config url overrides it.
const Endpoint = "https://api.gdeltproject.org/api/v2/doc/doc"

// The API returns at most 250 articles per request.
const maxRecords = 250

// MaxQueryBytes bounds one derived query (UTF-8). GDELT documents no length
// limit; this is the collector's own bound, so that a study with many
// terms becomes several short requests rather than one long URL.
const MaxQueryBytes = 250

// Window is the default search range: from the study incident's news_from
// (its start when the study sets none), one week.
const Window = 7 * 24 * time.Hour

// Config is the [sources.gdelt] table.
type Config struct {
	// Queries are sent as they are. Default: derived from the active
	// study's [news] terms (see QueriesFor).
	Queries []string `toml:"queries"`
	// From and To bound GDELT's seen time, [from, to): a day (in the
	// study's analysis.time_zone, else UTC) or an RFC 3339 time. Default:
	// the week from the study incident's news_from.
	From string `toml:"from"`
	To   string `toml:"to"`
	// Step splits the range into requests of this length ("24h"), since a
	// request returns at most 250 articles. Default: one request.
	Step ingest.Duration `toml:"step"`
	// MaxRecords per request, 1..250 (default 250).
	MaxRecords int `toml:"max_records"`
}

// QueriesFor turns a study's news terms into DOC 2.0 queries. GDELT
// searches the English text of what it monitors (machine translations
// for other languages; it phased out native-language search), so a term
// with a letter outside the Latin script cannot match and is left out. A
// term of several words is sent as a quoted phrase, a single word bare;
// quotes inside a term are dropped, and a term repeated (ignoring case)
// is sent once. The terms are OR-joined inside parentheses, as GDELT
// requires of OR'd terms, and split into as many queries as it takes to
// keep each within MaxQueryBytes. No searchable term is an error.
func QueriesFor(terms []string) ([]string, error) {
	var out, group []string
	sum := 0 // the group's terms' length
	flush := func() {
		switch len(group) {
		case 0:
			return
		case 1:
			out = append(out, group[0])
		default:
			out = append(out, "("+strings.Join(group, " OR ")+")")
		}
		group, sum = nil, 0
	}
	seen := map[string]bool{}
	for _, t := range terms {
		t = strings.Join(strings.Fields(strings.ReplaceAll(t, `"`, " ")), " ")
		key := strings.ToLower(t)
		if t == "" || !latin(t) || seen[key] {
			continue
		}
		seen[key] = true
		if strings.Contains(t, " ") {
			t = `"` + t + `"`
		}
		// Joined, the group and t would be "(" + terms separated by " OR " + ")".
		if len(group) > 0 && sum+len(t)+len(" OR ")*len(group)+len("()") > MaxQueryBytes {
			flush()
		}
		group, sum = append(group, t), sum+len(t)
	}
	flush()
	if len(out) == 0 {
		return nil, errors.New("no news term GDELT can search (it searches English text: a term in Latin script is needed); set queries")
	}
	return out, nil
}

// latin reports whether every letter of s is in the Latin script.
func latin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// Collector queries the API.
type Collector struct {
	endpoint   string
	queries    []string
	window     newsmatch.Window
	step       time.Duration
	maxRecords int
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
	c := Config{MaxRecords: maxRecords}
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	endpoint, err := cfg.EndpointOr(Endpoint)
	if err != nil {
		return nil, err
	}
	st := newsmatch.Study()
	col := &Collector{endpoint: endpoint, queries: c.Queries, step: c.Step.Duration, maxRecords: c.MaxRecords, parallelism: cfg.Parallelism}
	if len(col.queries) == 0 {
		if col.queries, err = QueriesFor(st.News.Terms); err != nil {
			return nil, fmt.Errorf("gdelt: study %s: %w", st.Name, err)
		}
	}
	for _, q := range col.queries {
		if strings.TrimSpace(q) == "" {
			return nil, errors.New("gdelt: empty query")
		}
	}
	if col.maxRecords < 1 || col.maxRecords > maxRecords {
		return nil, fmt.Errorf("gdelt: max_records %d: want 1..%d", col.maxRecords, maxRecords)
	}
	if c.From == "" && c.To == "" && st.Incident != nil {
		from := st.Incident.NewsFrom
		c.From, c.To = from.Format(time.RFC3339), from.Add(Window).Format(time.RFC3339)
	}
	zone, err := newsmatch.StudyZone()
	if err != nil {
		return nil, fmt.Errorf("gdelt: %w", err)
	}
	w, err := newsmatch.ParseWindow(c.From, c.To, zone)
	if err != nil {
		return nil, fmt.Errorf("gdelt: %w", err)
	}
	if w.From.IsZero() || w.To.IsZero() {
		return nil, errors.New("gdelt: from and to are both required (GDELT otherwise answers for the last 3 months)")
	}
	if col.step < 0 || (col.step > 0 && col.step < time.Hour) {
		return nil, fmt.Errorf("gdelt: step %v: want 1h or more", col.step)
	}
	col.window = w
	return col, nil
}

// Info implements ingest.Collector.
func (c *Collector) Info() ingest.Info {
	return ingest.Info{
		Name: Name, Version: Version, Kind: "web", URL: c.endpoint,
		Datasets:    []string{"news"},
		Description: "GDELT DOC 2.0 article lists: " + strings.Join(c.queries, "; "),
	}
}

// Requests lists the artlist URLs of a run, one per query and step.
func (c *Collector) Requests() []string {
	var out []string
	for _, q := range c.queries {
		for from := c.window.From; from.Before(c.window.To); {
			to := c.window.To
			if c.step > 0 && from.Add(c.step).Before(to) {
				to = from.Add(c.step)
			}
			out = append(out, c.url(q, "artlist", from, to))
			from = to
		}
	}
	return out
}

func (c *Collector) url(query, mode string, from, to time.Time) string {
	const stamp = "20060102150405"
	v := url.Values{
		"query": {query}, "mode": {mode}, "format": {"json"},
		"startdatetime": {from.UTC().Format(stamp)}, "enddatetime": {to.UTC().Format(stamp)},
	}
	if mode == "artlist" {
		v.Set("maxrecords", strconv.Itoa(c.maxRecords))
		v.Set("sort", "datedesc")
	}
	return c.endpoint + "?" + v.Encode()
}

// Collect implements ingest.Collector.
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	set := newsmatch.NewSet(nil)
	read, err := s.VisitPages(ctx, ingest.Pages{URLs: c.Requests(), Parse: func(f *ingest.Fetched) (ingest.Page, error) {
		arts, err := ParseArtList(f.Body)
		if err != nil {
			return ingest.Page{}, err
		}
		var pg ingest.Page
		if len(arts) >= c.maxRecords {
			pg.Errors = append(pg.Errors, fmt.Errorf("%s: %d articles, the request's limit: some were cut off (set a smaller step)", f.URL, len(arts)))
		}
		query := f.URL.Query().Get("query")
		prov := f.Prov("GDELT DOC 2.0 artlist: " + query)
		for _, a := range arts {
			a.Query, a.Prov = query, prov
			n, err := newsmatch.DefaultMatcher.News(a)
			if err != nil {
				pg.Problems = append(pg.Problems, fmt.Errorf("article %q: %w", a.URL, err))
				continue
			}
			pg.Rows = append(pg.Rows, n)
		}
		return pg, nil
	}, Take: set.AddRows, Parallelism: c.parallelism})
	for _, n := range set.Rows() {
		s.Emit(n)
	}
	if err == nil && read == 0 {
		return errors.New("no GDELT response could be read")
	}
	return err
}

type artList struct {
	Articles []struct {
		URL           string `json:"url"`
		URLMobile     string `json:"url_mobile"`
		Title         string `json:"title"`
		SeenDate      string `json:"seendate"`
		SocialImage   string `json:"socialimage"`
		Domain        string `json:"domain"`
		Language      string `json:"language"`
		SourceCountry string `json:"sourcecountry"`
	} `json:"articles"`
}

// ParseArtList reads a mode=artlist&format=json response. GDELT answers
// "{}" when nothing matched and a plain-text sentence (with status 200)
// when it rejects a query; the latter is an error carrying that sentence.
// The date is GDELT's seendate: when GDELT first saw the article, in UTC,
// usually minutes to hours after publication.
func ParseArtList(body []byte) ([]newsmatch.Article, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil
	}
	if trimmed[0] != '{' {
		msg := string(trimmed)
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return nil, fmt.Errorf("GDELT refused the query: %q", msg)
	}
	var l artList
	if err := json.Unmarshal(trimmed, &l); err != nil {
		return nil, fmt.Errorf("GDELT artlist JSON: %w", err)
	}
	var out []newsmatch.Article
	for _, it := range l.Articles {
		a := newsmatch.Article{
			URL: it.URL, Title: it.Title, Lang: it.Language,
			SourceType: newsmatch.SourceGDELT, Feed: newsmatch.SourceGDELT,
		}
		if a.URL == "" {
			a.URL = it.URLMobile
		}
		if d, err := newsmatch.ParseDate(it.SeenDate, newsmatch.FromGDELT, nil); err != nil {
			a.Published = newsmatch.Date{Raw: it.SeenDate, From: newsmatch.FromGDELT}
			a.MissingWhy = "GDELT seendate missing or unparseable"
		} else {
			a.Published = d
		}
		out = append(out, a)
	}
	return out, nil
}

// Point is one step of a timelinevol series: the share of all articles
// GDELT monitored in that step that matched the query, in percent.
type Point struct {
	At    time.Time
	Value float64
}

type timeline struct {
	Timeline []struct {
		Series string `json:"series"`
		Data   []struct {
			Date  string  `json:"date"`
			Value float64 `json:"value"`
		} `json:"data"`
	} `json:"timeline"`
}

// ParseTimeline reads a mode=timelinevol&format=json response into its
// "Volume Intensity" series. The lake has no dataset for volume series
// yet, so the collector does not request it; the report's news-attention
// baseline can use it once one exists.
func ParseTimeline(body []byte) ([]Point, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("GDELT timeline: not JSON: %q", string(trimmed[:min(len(trimmed), 200)]))
	}
	var tl timeline
	if err := json.Unmarshal(trimmed, &tl); err != nil {
		return nil, fmt.Errorf("GDELT timeline JSON: %w", err)
	}
	for _, s := range tl.Timeline {
		if s.Series != "Volume Intensity" {
			continue
		}
		out := make([]Point, 0, len(s.Data))
		for _, d := range s.Data {
			at, err := newsmatch.ParseDate(d.Date, newsmatch.FromGDELT, nil)
			if err != nil {
				return nil, fmt.Errorf("GDELT timeline point: %w", err)
			}
			out = append(out, Point{At: at.At, Value: d.Value})
		}
		return out, nil
	}
	return nil, nil
}
