// Package irrelease collects the figures a company states in its
// quarterly IR releases, in Hangul prose, from the releases or from press
// articles quoting them: its app's domestic and global MAU ("…톡 국내
// MAU는 4,763만 7,000명") and the group's consolidated revenue and
// operating profit ("매출 1조8587억원, 영업이익 1503억원"), each with the
// period the prose names ("2022년 3분기", "4분기", "지난해"). Who the
// issuer is, and how the prose names it, is data (issuer.toml).
package irrelease

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/krnum"
	"github.com/gwanmun/gwanmun/ingest/parse/newspage"
)

// Name is the collector's name in the registry and the sources file.
const Name = "irrelease"

// Version changes when the parser's output changes.
const Version = "1.0.0"

// DefaultURLs are the pages read when the sources file names none: the
// `urls` of the embedded sample.toml, the articles the bundled recording
// holds.
var DefaultURLs = ingest.SampleURLs(files, Name)

// files are the collector's sample config and the recording `make demo`
// replays (see testdata/README.md).
//
//go:embed sample.toml testdata/recording.warc.gz
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// Config is the [sources.irrelease] table's own keys; url/urls are read by
// ingest.
type Config struct {
	// Issuer is an issuer file (TOML, as issuer.toml) replacing the
	// default issuer.
	Issuer string `toml:"issuer"`
}

// New validates the config and reads the issuer file it names; it fetches
// nothing.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	is := DefaultIssuer
	if c.Issuer != "" {
		var err error
		if is, err = LoadIssuer(c.Issuer); err != nil {
			return nil, &ingest.ConfigError{Table: "sources." + Name, Key: "issuer", Err: err}
		}
	}
	info := ingest.Info{
		Name: Name, Version: Version, Kind: "web", Datasets: []string{"mau", "financials"},
		Estimator: "company-reported",
		Description: fmt.Sprintf("%s MAU and %s revenue / operating profit from IR releases and articles quoting them (%s)",
			is.Platform, is.Company, is.Source),
	}
	return ingest.NewPageCollector(cfg, &Config{}, info, DefaultURLs, func(f *ingest.Fetched) (ingest.Page, error) {
		return readPage(is, f)
	})
}

func readPage(is *Issuer, f *ingest.Fetched) (ingest.Page, error) {
	pg, err := is.parse(f.Body)
	return ingest.Page{Title: pg.title, Rows: pg.rows, Problems: pg.problems}, err
}

// page is what one article yields: rows without provenance, and the
// figures that were found but could not be placed, each with its reason.
type page struct {
	title     string
	published time.Time // calendar date in KST; zero when the page gives none
	rows      []schema.Row
	problems  []error
}

// parse reads one article. It fails when the page has no article text or
// no figure at all; a figure it cannot place is a problem.
func (is *Issuer) parse(body []byte) (page, error) {
	var pg page
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return pg, fmt.Errorf("read HTML: %w", err)
	}
	pg.title = newspage.Title(doc)
	pg.published = newspage.Published(doc)
	paras := paragraphs(newspage.Body(doc, "#divNewsContent", "#news_contents", ".article-body"))
	if len(paras) == 0 {
		return pg, errors.New("no article text on the page")
	}
	r := reader{is: is, published: pg.published, seen: map[string]float64{}}
	if strings.Contains(strings.Join(paras, " "), "연결") {
		r.basis = "consolidated"
	}
	for _, p := range paras {
		r.paragraph(p)
	}
	pg.rows, pg.problems = r.rows, r.problems
	if len(pg.rows) == 0 && len(pg.problems) == 0 {
		return pg, fmt.Errorf("no %s MAU and no %s revenue or operating profit figure in the article", is.Platform, is.Company)
	}
	return pg, nil
}

// paragraphs splits the body at <p>, <div> and <br>, without figures,
// tables, scripts and captions.
func paragraphs(body *goquery.Selection) []string {
	c := body.Clone()
	c.Find("script, style, noscript, figure, figcaption, table, aside, iframe").Remove()
	c.Find("br").ReplaceWithHtml("\n")
	c.Find("p, div, li, h1, h2, h3, h4, h5, h6").AppendHtml("\n")
	var out []string
	for _, line := range strings.Split(c.Text(), "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return out
}

var sentenceEnd = regexp.MustCompile(`[.!?](?:\s+|$)`)

func sentences(p string) []string {
	var out []string
	last := 0
	for _, loc := range sentenceEnd.FindAllStringIndex(p, -1) {
		out = append(out, strings.TrimSpace(p[last:loc[1]]))
		last = loc[1]
	}
	if rest := strings.TrimSpace(p[last:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

type kind int

const (
	kPeriod kind = iota
	kScope
	kMetric
	kSubject
	kCompany
	kOther // another company or app: neither the app nor the issuer is the subject now
	kPanel
	kIR
	kComparison
	kNumber
)

type token struct {
	kind       kind
	start, end int
	val        string // scope country, metric name
	period     periodExpr
	num        krnum.Match
}

// periodExpr is a period as written: an explicit year, a year relative to
// the article's date (지난해 = -1), and a quarter or half if named.
type periodExpr struct {
	text    string
	year    int
	rel     *int
	quarter int
	half    int
}

var (
	reQuarter  = regexp.MustCompile(`(?:(\d{4})\s*년\s*|(지난해|작년|올해|금년)\s*)?([1-4])\s*분기`)
	reQ        = regexp.MustCompile(`(?:(\d{4})\s*년\s*)?([1-4])Q`)
	reHalf     = regexp.MustCompile(`(?:(\d{4})\s*년\s*|(지난해|작년|올해|금년)\s*)?(상|하)반기`)
	reYear     = regexp.MustCompile(`(?:(\d{4})\s*년|(지난해|작년|올해|금년))(?:\s*연간)?`)
	reMonthDay = regexp.MustCompile(`^\s*\d{1,2}\s*월`)

	// A revenue or profit keyword right after one of these words is a
	// segment's ("톡비즈 매출", "광고 부문 영업이익"), not the group's.
	segmentBefore = regexp.MustCompile(`(?:부문|사업|사업부|서비스|플랫폼|광고|커머스|콘텐츠|게임|비즈|뮤직|미디어|스토리|모빌리티|페이|웹툰|기타|해외|국내|글로벌|자회사)(?:의|은|는)?$`)
)

// rule turns what a pattern matches into a token.
type rule struct {
	re   *regexp.Regexp
	kind kind
	val  string
}

// keywordRules are the words the reader reacts to, the issuer's names
// among them (nil patterns are left out). Their order breaks ties between
// tokens of the same span.
func keywordRules(is *Issuer, platform, company, other, panels *regexp.Regexp) []rule {
	rules := []rule{
		{regexp.MustCompile(`국내`), kScope, is.HomeCountry},
		{regexp.MustCompile(`글로벌|전\s?세계|해외\s?이용자를\s?포함한|해외\s?포함`), kScope, "WORLD"},
		{regexp.MustCompile(`해외`), kScope, "WORLD_EX_" + is.HomeCountry},
		{regexp.MustCompile(`MAU|월간\s?활성\s?(?:이용자|사용자)(?:\s?수)?|월\s?활성\s?(?:이용자|사용자)|월간\s?이용자(?:\s?수)?`), kMetric, "mau"},
		{regexp.MustCompile(`매출액?`), kMetric, "revenue"},
		{regexp.MustCompile(`영업이익률|영업손실|당기순이익|순이익|순손실`), kMetric, ""},
		{regexp.MustCompile(`영업이익`), kMetric, "operating_profit"},
		{platform, kSubject, is.Platform},
		{company, kCompany, is.Company},
		{other, kOther, ""},
		{panels, kPanel, ""},
		{regexp.MustCompile(`IR|실적|공시|컨퍼런스콜|콘퍼런스콜|자체\s?집계`), kIR, ""},
		{regexp.MustCompile(`전년\s?동기|(?:전년|지난해|작년)\s?같은\s?기간|직전\s?분기|전\s?분기|전년`), kComparison, ""},
	}
	out := rules[:0]
	for _, r := range rules {
		if r.re != nil {
			out = append(out, r)
		}
	}
	return out
}

func tokenize(s string, rules []rule) []token {
	var toks []token
	addPeriod := func(loc []int, p periodExpr) {
		toks = append(toks, token{kind: kPeriod, start: loc[0], end: loc[1], period: p})
	}
	sub := func(loc []int, i int) string {
		if loc[2*i] < 0 {
			return ""
		}
		return s[loc[2*i]:loc[2*i+1]]
	}
	relOf := func(w string) *int {
		if w == "" {
			return nil
		}
		r := 0
		if w == "지난해" || w == "작년" {
			r = -1
		}
		return &r
	}
	for _, loc := range reQuarter.FindAllStringSubmatchIndex(s, -1) {
		y, _ := strconv.Atoi(sub(loc, 1))
		q, _ := strconv.Atoi(sub(loc, 3))
		addPeriod(loc, periodExpr{text: s[loc[0]:loc[1]], year: y, rel: relOf(sub(loc, 2)), quarter: q})
	}
	for _, loc := range reQ.FindAllStringSubmatchIndex(s, -1) {
		if r, _ := utf8.DecodeRuneInString(s[loc[1]:]); loc[1] < len(s) && (r >= 'A' && r <= 'z' || r >= '0' && r <= '9') {
			continue // "2QA", "4Q23": not a plain quarter
		}
		y, _ := strconv.Atoi(sub(loc, 1))
		q, _ := strconv.Atoi(sub(loc, 2))
		addPeriod(loc, periodExpr{text: s[loc[0]:loc[1]], year: y, quarter: q})
	}
	for _, loc := range reHalf.FindAllStringSubmatchIndex(s, -1) {
		y, _ := strconv.Atoi(sub(loc, 1))
		h := 1
		if sub(loc, 3) == "하" {
			h = 2
		}
		addPeriod(loc, periodExpr{text: s[loc[0]:loc[1]], year: y, rel: relOf(sub(loc, 2)), half: h})
	}
	for _, loc := range reYear.FindAllStringSubmatchIndex(s, -1) {
		if reMonthDay.MatchString(s[loc[1]:]) {
			continue // a date ("2024년 8월 8일"), not a year
		}
		y, _ := strconv.Atoi(sub(loc, 1))
		addPeriod(loc, periodExpr{text: s[loc[0]:loc[1]], year: y, rel: relOf(sub(loc, 2))})
	}
	for _, r := range rules {
		for _, loc := range r.re.FindAllStringIndex(s, -1) {
			toks = append(toks, token{kind: r.kind, start: loc[0], end: loc[1], val: r.val})
		}
	}
	for _, m := range krnum.Find(s) {
		toks = append(toks, token{kind: kNumber, start: m.Start, end: m.End, num: m})
	}
	// Keep the longest of overlapping tokens: "2022년 3분기" over "2022".
	sort.SliceStable(toks, func(i, j int) bool {
		if toks[i].start != toks[j].start {
			return toks[i].start < toks[j].start
		}
		return toks[i].end > toks[j].end
	})
	var out []token
	end := 0
	for _, t := range toks {
		if t.start >= end {
			out = append(out, t)
			end = t.end
		}
	}
	return out
}

// period is a resolved period.
type period struct {
	start        time.Time
	grain, label string
}

// reportingLag is how long after a period ends its results can be out; a
// bare "1분기" in an article of 9 April means last year's first quarter.
const reportingLag = 21 * 24 * time.Hour

// resolve places a period expression; sentenceYear is the last explicit
// year in the same sentence ("2023년 1분기 …, 2분기 …").
func (p periodExpr) resolve(published time.Time, sentenceYear int) (period, error) {
	year := p.year
	switch {
	case year != 0:
	case p.rel != nil:
		if published.IsZero() {
			return period{}, fmt.Errorf("%q: the article has no date to count from", p.text)
		}
		year = published.Year() + *p.rel
	case sentenceYear != 0:
		year = sentenceYear
	case p.quarter == 0 && p.half == 0:
		return period{}, fmt.Errorf("%q names no year", p.text)
	case published.IsZero():
		return period{}, fmt.Errorf("%q names no year and the article has no date", p.text)
	default:
		// The latest such period whose results could be out by publication.
		months := 3
		first := 3*p.quarter - 2
		if p.half != 0 {
			months, first = 6, 6*p.half-5
		}
		for year = published.Year(); ; year-- {
			end := time.Date(year, time.Month(first+months), 1, 0, 0, 0, 0, time.UTC)
			if !end.Add(reportingLag).After(published) {
				break
			}
		}
	}
	switch {
	case p.quarter != 0:
		return period{time.Date(year, time.Month(3*p.quarter-2), 1, 0, 0, 0, 0, time.UTC), "quarter", fmt.Sprintf("%dQ%d", year, p.quarter)}, nil
	case p.half != 0:
		return period{time.Date(year, time.Month(6*p.half-5), 1, 0, 0, 0, 0, time.UTC), "half", fmt.Sprintf("%dH%d", year, p.half)}, nil
	}
	return period{time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), "year", strconv.Itoa(year)}, nil
}

// reader walks an article sentence by sentence. The period, the subject
// (the issuer's app or not) and the company carry over from sentence to
// sentence, as a reader's would; metric and scope do not. A paragraph
// that cites a panel (panel_names) is skipped for MAU until an IR marker
// (실적, IR, 공시) takes over again.
type reader struct {
	is        *Issuer
	published time.Time
	basis     string

	period     *period
	periodErr  error
	subject    string
	company    bool // the issuer is the subject
	panel      bool
	seen       map[string]float64
	rows       []schema.Row
	problems   []error
	sentenceNo int
}

func (r *reader) paragraph(p string) {
	r.panel = false
	for _, s := range sentences(p) {
		r.sentence(s)
	}
}

func (r *reader) sentence(s string) {
	r.sentenceNo++
	metric, scope := "", ""
	comparison := false
	sentenceYear := 0
	for _, t := range tokenize(s, r.is.rules) {
		switch t.kind {
		case kPeriod:
			p, err := t.period.resolve(r.published, sentenceYear)
			r.period, r.periodErr = &p, err
			switch {
			case err != nil:
				r.period = nil
			case t.period.year != 0 || t.period.rel != nil:
				sentenceYear = p.start.Year() // "지난해 4분기 …, 3분기 …"
			}
		case kScope:
			scope = t.val
		case kMetric:
			metric = t.val
			if metric == "revenue" || metric == "operating_profit" {
				if words := strings.Fields(s[:t.start]); len(words) > 0 && segmentBefore.MatchString(words[len(words)-1]) {
					metric = "" // a segment's figure
				}
			}
		case kSubject:
			r.subject = t.val
		case kCompany:
			r.company = true
		case kOther:
			r.subject, r.company = "", false
		case kPanel:
			r.panel = true
		case kIR:
			r.panel = false
		case kComparison:
			comparison = true
		case kNumber:
			skip := comparison || isDelta(s, t.num)
			comparison = false
			switch {
			case t.num.Err != nil && metric != "" && !r.panel:
				r.problem(s, t.num, t.num.Err)
			case t.num.Err == nil && !skip:
				r.figure(s, t.num, metric, scope)
			}
		}
	}
}

func (r *reader) figure(s string, n krnum.Match, metric, scope string) {
	switch {
	case n.Unit == krnum.Persons && metric == "mau":
		if r.panel || r.subject != r.is.Platform {
			return
		}
		if scope == "" {
			r.problem(s, n, errors.New("MAU figure says neither 국내 nor 글로벌"))
			return
		}
		p, ok := r.placed(s, n)
		if !ok {
			return
		}
		var flags []string
		if n.Approx {
			flags = append(flags, "approximate")
		}
		if n.AtLeast {
			flags = append(flags, "lower_bound")
		}
		if !r.first("mau|"+scope+"|"+p.label, n, s) {
			return
		}
		r.rows = append(r.rows, &schema.MAU{
			PlatformID: r.is.Platform, Country: scope, Metric: "mau",
			PeriodStart: p.start, PeriodGrain: p.grain, PeriodLabel: p.label,
			Value: n.Value, Unit: krnum.Persons, Estimator: "company-reported", Source: r.is.Source,
			Flags: flags, Note: note(s),
		})
	case n.Unit == krnum.KRW && (metric == "revenue" || metric == "operating_profit"):
		if !r.company {
			return
		}
		p, ok := r.placed(s, n)
		if !ok || !r.first(metric+"|"+p.label, n, s) {
			return
		}
		r.rows = append(r.rows, &schema.Financial{
			Company: r.is.Company, PeriodStart: p.start, PeriodGrain: p.grain, PeriodLabel: p.label,
			Metric: metric, Value: n.Value, Currency: "KRW", Basis: r.basis, Note: note(s),
		})
	}
}

func (r *reader) placed(s string, n krnum.Match) (period, bool) {
	switch {
	case r.period != nil:
		return *r.period, true
	case r.periodErr != nil:
		r.problem(s, n, r.periodErr)
	default:
		r.problem(s, n, errors.New("no period named before it"))
	}
	return period{}, false
}

// first keeps the first figure for a key; a repeat must agree with it.
func (r *reader) first(key string, n krnum.Match, s string) bool {
	if v, ok := r.seen[key]; ok {
		if v != n.Value {
			r.problem(s, n, fmt.Errorf("%s: %s disagrees with %s given earlier", key,
				strconv.FormatFloat(n.Value, 'f', -1, 64), strconv.FormatFloat(v, 'f', -1, 64)))
		}
		return false
	}
	r.seen[key] = n.Value
	return true
}

func (r *reader) problem(s string, n krnum.Match, err error) {
	r.problems = append(r.problems, fmt.Errorf("sentence %d, figure %q: %w (in %q)", r.sentenceNo, n.Text, err, note(s)))
}

var deltaWords = []string{"증가", "감소", "늘", "줄", "많", "적", "상승", "하락", "급증", "급감", "확대", "축소", "뛰", "불어", "빠"}

// isDelta reports a change rather than a level: "83만명 늘어난",
// "(+13만명)", "▲83만명".
func isDelta(s string, n krnum.Match) bool {
	if r, _ := utf8.DecodeLastRuneInString(s[:n.Start]); strings.ContainsRune("+▲▼△▽↑↓", r) {
		return true
	}
	rest := strings.TrimSpace(s[n.End:])
	for _, particle := range []string{"이나", "씩", "이", "가", "을", "를", "은", "는"} {
		if strings.HasPrefix(rest, particle) {
			rest = strings.TrimSpace(rest[len(particle):])
			break
		}
	}
	for _, w := range deltaWords {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// note is the sentence a figure came from, cut to a readable length.
func note(s string) string {
	const max = 300
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
