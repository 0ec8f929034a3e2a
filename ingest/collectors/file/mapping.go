package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/data/vocab"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
	"github.com/gwanmun/gwanmun/ingest/parse/period"
)

// decodeEntry reads a study's [[data]] entry as strictly as the sources
// config: an unknown key is an error naming it.
func decodeEntry(raw map[string]any) (FileConfig, error) {
	var f FileConfig
	b, err := toml.Marshal(raw)
	if err != nil {
		return f, err
	}
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) && len(sm.Errors) > 0 {
			var keys []string
			for _, e := range sm.Errors {
				keys = append(keys, strings.Join(e.Key(), "."))
			}
			return f, fmt.Errorf("unknown key(s) %q", keys)
		}
		return f, err
	}
	return f, nil
}

// mapper turns one file's records into rows of its dataset.
type mapper struct {
	src     source
	t       *table
	ds      schema.Dataset
	from    map[string]int    // dataset or virtual column -> file column index
	consts  map[string]string // dataset or virtual column -> constant text
	sha     string
	now     time.Time
	matcher *newsmatch.Matcher
	keyer   lakestore.Keyer
	// cols are the dataset's columns a file may fill (provenance is
	// the collector's), worked out once rather than per row.
	cols []schema.Column
	// rowCitation: the file has citation columns; else the citation is
	// the config's, the same for every row, read once into cit.
	rowCitation bool
	citDone     bool
	cit         study.Citation
	citErr      error
}

func newMapper(src source, t *table) (*mapper, error) {
	ds, err := schema.Lookup(src.Dataset)
	if err != nil {
		return nil, err
	}
	m := &mapper{src: src, t: t, ds: ds, from: map[string]int{}, consts: map[string]string{}, keyer: lakestore.NewKeyer(ds)}
	for _, c := range ds.Columns() {
		if !slices.Contains(schema.ProvenanceColumns, c.Name) {
			m.cols = append(m.cols, c)
		}
	}
	idx := map[string]int{}
	var errs []error
	for i, h := range t.header {
		h = strings.TrimSpace(h)
		t.header[i] = h
		if j, dup := idx[h]; dup {
			errs = append(errs, fmt.Errorf("%s:%s: column %q again (first at %s)", t.name, t.headerAt[i], h, t.headerAt[j]))
		}
		idx[h] = i
	}
	for k, v := range src.Constants {
		m.consts[k], _ = constText(v)
	}
	used := map[int]bool{}
	for _, target := range sortedKeys(src.Columns) {
		col := src.Columns[target]
		i, ok := idx[col]
		if !ok {
			errs = append(errs, fmt.Errorf("%s:1: columns.%s names %q, which is not in the header %q", t.name, target, col, t.header))
			continue
		}
		if _, both := m.consts[target]; both {
			errs = append(errs, fmt.Errorf("%s: %s is both mapped and a constant", t.name, target))
		}
		m.from[target], used[i] = i, true
	}
	for _, ig := range src.Ignore {
		i, ok := idx[ig]
		if !ok {
			errs = append(errs, fmt.Errorf("%s:1: ignore names %q, which is not in the header", t.name, ig))
			continue
		}
		used[i] = true
	}
	for i, h := range t.header {
		if used[i] {
			continue
		}
		_, isField := src.res.Field(h)
		_, mapped := m.from[h]
		_, constant := m.consts[h]
		switch {
		case (isField || slices.Contains(virtual, h) || h == "utc_offset") && !mapped && !constant && !slices.Contains(reserved, h):
			m.from[h] = i
		case constant:
			errs = append(errs, fmt.Errorf("%s:%s: column %q is in the file and also a constant: drop one, or list the column in ignore",
				t.name, t.headerAt[i], h))
		default:
			errs = append(errs, fmt.Errorf("%s:%s: column %q is not a %s column: map it in columns, or list it in ignore",
				t.name, t.headerAt[i], h, src.Dataset))
		}
	}
	has := func(c string) bool {
		_, a := m.from[c]
		_, b := m.consts[c]
		return a || b
	}
	for _, f := range src.res.Schema.Fields {
		// A numeric key column (revision) has a meaningful zero default.
		if f.Constraints == nil || !f.Constraints.Required || has(f.Name) || f.Type == "integer" || f.Type == "number" {
			continue
		}
		switch {
		case (f.Name == "period_start" || f.Name == "period_grain") && has(colPeriod):
		case f.Name == "source_url" && (src.Citation != nil || has(colURL) || has(colDocument)):
		case f.Name == "article_id" && has("url"):
		default:
			errs = append(errs, fmt.Errorf("%s:1: %s column %q is required (natural key) and neither the file nor the config gives it", t.name, src.Dataset, f.Name))
		}
	}
	if src.Citation == nil {
		for _, need := range [][]string{{colURL, colDocument}, {colTitle}, {colPublisher}, {colAccessed}} {
			if !slices.ContainsFunc(need, has) {
				errs = append(errs, fmt.Errorf("%s:1: no citation: give [citation] in the config or a %s column", t.name, strings.Join(need, " or ")))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, col := range []string{colURL, colDocument, colTitle, colPublisher, colAccessed} {
		if _, ok := m.from[col]; ok {
			m.rowCitation = true
		}
	}
	return m, nil
}

// text is a column's text for a record, without the place get names
// for errors (building that for every cell was a tenth of an import).
func (m *mapper) text(rec record, col string) string {
	if i, ok := m.from[col]; ok && i < len(rec.cells) {
		return strings.TrimSpace(rec.cells[i])
	}
	return m.consts[col]
}

// get returns a column's text for a record and where it came from.
func (m *mapper) get(rec record, col string) (string, string) {
	if i, ok := m.from[col]; ok && i < len(rec.cells) {
		return strings.TrimSpace(rec.cells[i]), m.t.name + ":" + rec.at[i].String()
	}
	if v, ok := m.consts[col]; ok {
		return v, fmt.Sprintf("%s:%d: constants.%s", m.t.name, rec.line, col)
	}
	return "", fmt.Sprintf("%s:%d", m.t.name, rec.line)
}

// row builds and checks one row; the error names file:line:column.
func (m *mapper) row(rec record) (schema.Row, error) {
	pv := reflect.New(m.ds.RowType)
	v := pv.Elem()
	for _, c := range m.cols {
		text := m.text(rec, c.Name)
		if text == "" {
			continue
		}
		if err := m.set(v.FieldByIndex(c.Index), c, text, rec); err != nil {
			_, where := m.get(rec, c.Name)
			return nil, fmt.Errorf("%s: %s %q: %v", where, c.Name, text, err)
		}
	}
	row := pv.Interface().(schema.Row)
	cit, where, err := m.citation(rec)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", where, err)
	}
	accessed, _ := time.Parse(time.DateOnly, cit.Accessed)
	p := row.Prov()
	p.SourceURL = cit.URL
	if p.SourceURL == "" {
		p.SourceURL = "document:" + cit.Document
	}
	p.SourceTitle = cit.Title
	if !strings.Contains(cit.Title, cit.Publisher) {
		p.SourceTitle += " (" + cit.Publisher + ")"
	}
	p.FetchedAt = accessed.UTC()
	p.ContentSHA256 = m.sha
	if err := m.complete(row, rec); err != nil {
		return nil, err
	}
	// Nothing can have been observed after the source was read.
	horizon := accessed.Add(24 * time.Hour).Add(study.Skew)
	if err := m.checks(row, rec, horizon); err != nil {
		return nil, err
	}
	if err := row.Validate(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", m.t.name, rec.line, err)
	}
	return row, nil
}

var thousands = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+(\.\d+)?$`)

func (m *mapper) set(f reflect.Value, c schema.Column, text string, rec record) error {
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		if err := m.set(nv.Elem(), schema.Column{Name: c.Name, Kind: c.Kind, Index: c.Index}, text, rec); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	switch c.Kind {
	case schema.String:
		f.SetString(text)
	case schema.Float64:
		x, err := number(text)
		if err != nil {
			return err
		}
		f.SetFloat(x)
	case schema.Int64:
		x, err := number(text)
		if err != nil || x != math.Trunc(x) {
			return errors.New("not a whole number")
		}
		f.SetInt(int64(x))
	case schema.Bool:
		switch strings.ToLower(text) {
		case "true", "yes", "y", "1":
			f.SetBool(true)
		case "false", "no", "n", "0":
			f.SetBool(false)
		default:
			return errors.New("want true or false")
		}
	case schema.Date:
		t, err := parseDate(text)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(t))
	case schema.Timestamp:
		t, err := parseTimestamp(text, m.text(rec, "utc_offset"))
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(t))
	case schema.StringList:
		var items []string
		for _, s := range strings.Split(text, listSep) {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		f.Set(reflect.ValueOf(items))
	}
	return nil
}

// number reads 1268000000, 1.268e9 and 1,268,000,000 (IR tables' style);
// a comma anywhere else is an error, not a decimal point.
func number(s string) (float64, error) {
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, errors.New("not a number")
	}
	return x, nil
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, errors.New("want a date YYYY-MM-DD")
}

// parseTimestamp wants a zone: RFC 3339 with one, or a local time plus a
// utc_offset. A time without a zone is never silently UTC.
func parseTimestamp(s, offset string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if offset == "" {
		return time.Time{}, errors.New("no time zone: write RFC 3339 (2021-10-04T15:39:00Z) or give utc_offset")
	}
	off, err := time.Parse("-07:00", offset)
	if err != nil {
		return time.Time{}, fmt.Errorf("utc_offset %q: want +09:00", offset)
	}
	_, secs := off.Zone()
	loc := time.FixedZone(offset, secs)
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("want 2006-01-02T15:04[:05] with utc_offset, or RFC 3339")
}

// parsePeriod reads 2021Q3, 2021H1, 2021-09, 2021-09-30 and 2021.
func parsePeriod(s string) (time.Time, string, error) { return period.Parse(s) }

func (m *mapper) citation(rec record) (study.Citation, string, error) {
	if !m.rowCitation {
		// Only the config cites: the same citation for every row, checked
		// once.
		if !m.citDone {
			m.cit, _, m.citErr = m.readCitation(rec)
			m.citDone = true
		}
		return m.cit, fmt.Sprintf("%s:%d", m.t.name, rec.line), m.citErr
	}
	return m.readCitation(rec)
}

func (m *mapper) readCitation(rec record) (study.Citation, string, error) {
	var c study.Citation
	if m.src.Citation != nil {
		c = *m.src.Citation
	}
	where := fmt.Sprintf("%s:%d", m.t.name, rec.line)
	for col, dst := range map[string]*string{colURL: &c.URL, colDocument: &c.Document, colTitle: &c.Title, colPublisher: &c.Publisher, colAccessed: &c.Accessed} {
		if v, w := m.get(rec, col); v != "" {
			*dst = v
			if col == colAccessed {
				where = w
			}
		}
	}
	if err := c.Check(m.now); err != nil {
		return c, where, err
	}
	return c, where, nil
}

// complete fills what a dataset derives: the period's start and grain, a
// news row's id and matches, an incident's local time.
func (m *mapper) complete(row schema.Row, rec record) error {
	setPeriod := func(start *time.Time, grain, label *string) error {
		period := m.text(rec, colPeriod)
		if period == "" {
			return nil
		}
		t, g, err := parsePeriod(period)
		if err != nil {
			_, where := m.get(rec, colPeriod)
			return fmt.Errorf("%s: period %q: %v", where, period, err)
		}
		if !start.IsZero() && !start.Equal(t) {
			_, where := m.get(rec, colPeriod)
			return fmt.Errorf("%s: period %q starts %s, not at period_start %s", where, period, t.Format(time.DateOnly), start.Format(time.DateOnly))
		}
		*start = t
		if *grain == "" {
			*grain = g
		}
		if *label == "" {
			*label = period
		}
		return nil
	}
	switch r := row.(type) {
	case *schema.MAU:
		return setPeriod(&r.PeriodStart, &r.PeriodGrain, &r.PeriodLabel)
	case *schema.Financial:
		return setPeriod(&r.PeriodStart, &r.PeriodGrain, &r.PeriodLabel)
	case *schema.Incident:
		if r.AtLocal == "" {
			r.AtLocal = m.text(rec, "at")
		}
		if r.UTCOffset == "" {
			r.UTCOffset = m.text(rec, "utc_offset")
		}
	case *schema.News:
		if r.URL != "" && r.ArticleID == "" {
			canon, id, err := newsmatch.IDFor(r.URL)
			if err != nil {
				_, w := m.get(rec, "url")
				return fmt.Errorf("%s: url: %v", w, err)
			}
			r.ArticleID = id
			if r.CanonicalURL == "" {
				r.CanonicalURL = canon
			}
		}
		if r.MatchedTerms == nil && m.matcher != nil {
			r.MatchedTerms, r.ServicesMentioned = m.matcher.Match(r.Title + "\n" + r.Lead)
			if r.IncidentID == "" {
				r.IncidentID = m.matcher.IncidentFor(r.MatchedTerms, r.PublishedAt)
			}
		}
		if r.PublishedAt == nil && r.DateMissingReason == "" {
			r.DateMissingReason = "no publication date in the file"
		}
	}
	return nil
}

// checks applies the vocabulary (units, currencies) and the clock: no
// period, event or publication after the source was read.
func (m *mapper) checks(row schema.Row, rec record, horizon time.Time) error {
	after := func(col string, t time.Time) error {
		if t.After(horizon) || t.After(m.now.Add(study.Skew)) {
			_, w := m.get(rec, col)
			if col == "period_start" {
				if _, ok := m.from[colPeriod]; ok {
					_, w = m.get(rec, colPeriod)
				}
			}
			return fmt.Errorf("%s: %s %s is after the source was read: a future date is bad input", w, col, t.Format(time.RFC3339))
		}
		return nil
	}
	switch r := row.(type) {
	case *schema.MAU:
		if err := vocab.CheckUnit(r.Metric, r.Unit); err != nil {
			_, w := m.get(rec, "unit")
			if _, known := vocab.LookupMetric(r.Metric); !known {
				_, w = m.get(rec, "metric")
			}
			return fmt.Errorf("%s: %v", w, err)
		}
		return after("period_start", r.PeriodStart)
	case *schema.Financial:
		if err := vocab.CheckUnit(r.Metric, r.Currency); err != nil {
			_, w := m.get(rec, "currency")
			if _, known := vocab.LookupMetric(r.Metric); !known {
				_, w = m.get(rec, "metric")
			}
			return fmt.Errorf("%s: %v", w, err)
		}
		return after("period_start", r.PeriodStart)
	case *schema.Threshold:
		if _, ok := vocab.UnitDimension(r.Unit); !ok {
			_, w := m.get(rec, "unit")
			return fmt.Errorf("%s: unit %q is neither in data/vocab/units.csv nor an ISO 4217 code", w, r.Unit)
		}
	case *schema.Incident:
		return after("at", r.At)
	case *schema.Service:
		return after("observed_at", r.ObservedAt)
	case *schema.News:
		if r.PublishedAt != nil {
			return after("published_at", *r.PublishedAt)
		}
	}
	return nil
}

// duplicates reports natural keys given twice with different values: the
// lake could not tell which is right, so the file is bad.
func (m *mapper) duplicates(rows []schema.Row, lines []int) []error {
	seen := map[string]int{}
	sums := map[string][]byte{}
	var errs []error
	for i, r := range rows {
		k := m.keyer.Key(r)
		b, _ := json.Marshal(r)
		if j, ok := seen[k]; ok {
			if !bytes.Equal(sums[k], b) {
				errs = append(errs, fmt.Errorf("%s:%d: same %s key as line %d with different values", m.t.name, lines[i], m.ds.Name, lines[j]))
			}
			continue
		}
		seen[k], sums[k] = i, b
	}
	return errs
}
