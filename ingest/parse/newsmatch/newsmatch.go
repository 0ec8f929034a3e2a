// Package newsmatch turns what a news source said about an article into a
// news row that every collector fills the same way: the canonical URL and
// article_id, the outlet, the publication date with where it came from,
// matched terms, services named, the incident, and near-duplicate
// clusters. The rss, gdelt, navernews and article collectors all build
// their rows here, so the lake's "latest row per article_id" view sees one
// article, not four slightly different ones.
package newsmatch

import (
	"html"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Source types (the source_type column).
const (
	SourceRSS     = "rss"
	SourceGDELT   = "gdelt"
	SourceNaver   = "naver_api"
	SourceArticle = "article"
)

// Article is what one source says about one article.
type Article struct {
	// URL is the article's address as the source gave it.
	URL string
	// Canonical is the page's own <link rel=canonical> or og:url, if known.
	Canonical string
	Title     string
	Lead      string
	// Lang is the source's language hint ("ko", "Korean", "en").
	Lang       string
	Published  Date
	MissingWhy string // why Published is zero, in the source's terms
	SourceType string
	Feed       string
	Query      string
	Prov       schema.Provenance
}

// News builds the row for a, or an error if a has no usable URL or title.
func (m *Matcher) News(a Article) (*schema.News, error) {
	if strings.TrimSpace(a.URL) == "" && a.Canonical == "" {
		return nil, errNoURL
	}
	canon, err := CanonicalURL(a.URL)
	if a.Canonical != "" {
		if c, cerr := CanonicalURL(resolve(a.URL, a.Canonical)); cerr == nil {
			canon, err = c, nil
		}
	}
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(canon)
	title := CleanText(a.Title)
	lead := CleanText(a.Lead)
	n := &schema.News{
		ArticleID:    ArticleID(canon),
		URL:          strings.TrimSpace(a.URL),
		CanonicalURL: canon,
		Outlet:       OutletFor(u.Hostname()),
		Title:        title,
		Lead:         lead,
		Lang:         Lang(title+" "+lead, a.Lang),
		SourceType:   a.SourceType,
		Feed:         a.Feed,
		Query:        a.Query,
		Provenance:   a.Prov,
	}
	if n.URL == "" {
		n.URL = canon
	}
	setDate(n, a.Published, a.MissingWhy)
	n.MatchedTerms, n.ServicesMentioned = m.Match(title + "\n" + lead)
	n.IncidentID = m.IncidentFor(n.MatchedTerms, n.PublishedAt)
	n.ClusterID = ClusterKey(title)
	return n, nil
}

func resolve(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := b.Parse(ref)
	if err != nil {
		return ref
	}
	return r.String()
}

func setDate(n *schema.News, d Date, why string) {
	n.PublishedRaw, n.PublishedFrom = d.Raw, d.From
	if d.IsZero() {
		n.PublishedAt, n.UTCOffset = nil, ""
		n.DateMissingReason = why
		if why == "" {
			n.DateMissingReason = "no publication date in the source"
		}
		return
	}
	at := d.At.UTC()
	n.PublishedAt, n.UTCOffset, n.DateMissingReason = &at, d.Offset, ""
	if d.DayOnly {
		n.DateMissingReason = TimeOfDayUnknown
	}
}

func dateOf(n *schema.News) Date {
	if n.PublishedAt == nil {
		return Date{Raw: n.PublishedRaw, From: n.PublishedFrom}
	}
	return Date{At: *n.PublishedAt, Raw: n.PublishedRaw, From: n.PublishedFrom, Offset: n.UTCOffset,
		DayOnly: n.DateMissingReason == TimeOfDayUnknown}
}

var (
	// Inline tags vanish (Naver's <b>카카오</b>톡 is one word); others
	// (<p>, <br>) separate words.
	inlineTags = regexp.MustCompile(`(?i)</?(?:b|i|u|em|strong|span|a|font|mark|small|sup|sub)(?:\s[^>]*)?>`)
	tags       = regexp.MustCompile(`<[^>]*>`)
)

// CleanText strips markup, decodes entities and collapses white space.
func CleanText(s string) string {
	s = inlineTags.ReplaceAllString(s, "")
	s = tags.ReplaceAllString(s, " ")
	s = html.UnescapeString(html.UnescapeString(s)) // feeds often double-escape
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u00a0' || r == '\u200b' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Lang is "ko" for text with Hangul, else the source's hint as an ISO
// 639-1 code, else "en" for Latin text; "" when nothing tells.
func Lang(text, hint string) string {
	hangul, latin := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case r < 0x80 && unicode.IsLetter(r):
			latin++
		}
	}
	if hangul > 0 {
		return "ko"
	}
	switch h := strings.ToLower(strings.TrimSpace(hint)); h {
	case "korean", "ko", "ko-kr":
		return "ko"
	case "english", "en", "en-us", "en-gb":
		return "en"
	case "japanese", "ja":
		return "ja"
	case "chinese", "zh":
		return "zh"
	case "":
	default:
		if len(h) == 2 {
			return h
		}
	}
	if latin > 0 {
		return "en"
	}
	return ""
}

// Set keeps one row per article_id within one collector run. Adding the
// same article again (another feed, another query, another page of
// results) merges it: the earliest known publication date wins, feeds and
// queries are listed together, terms and services are united.
type Set struct {
	m    *Matcher
	rows map[string]*schema.News
}

// NewSet returns an empty set; a nil matcher means DefaultMatcher.
func NewSet(m *Matcher) *Set {
	if m == nil {
		m = DefaultMatcher
	}
	return &Set{m: m, rows: map[string]*schema.News{}}
}

// Len is the number of distinct articles.
func (s *Set) Len() int { return len(s.rows) }

// Add merges n into the set.
func (s *Set) Add(n *schema.News) {
	old, ok := s.rows[n.ArticleID]
	if !ok {
		s.rows[n.ArticleID] = n
		return
	}
	if d := dateOf(n); d.Before(dateOf(old)) {
		setDate(old, d, "")
	}
	old.Feed = joinSet(old.Feed, n.Feed)
	old.Query = joinSet(old.Query, n.Query)
	if old.Lead == "" {
		old.Lead = n.Lead
	}
	old.MatchedTerms = union(old.MatchedTerms, n.MatchedTerms)
	old.ServicesMentioned = union(old.ServicesMentioned, n.ServicesMentioned)
	old.IncidentID = s.m.IncidentFor(old.MatchedTerms, old.PublishedAt)
}

// AddRows merges news rows (ingest.Pages.Take); other rows are ignored.
func (s *Set) AddRows(rows []schema.Row) {
	for _, r := range rows {
		if n, ok := r.(*schema.News); ok {
			s.Add(n)
		}
	}
}

// Rows returns the articles sorted by article_id, near-duplicates sharing
// a cluster_id (see Cluster).
func (s *Set) Rows() []*schema.News {
	out := make([]*schema.News, 0, len(s.rows))
	for _, n := range s.rows {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ArticleID < out[j].ArticleID })
	Cluster(out)
	return out
}

// joinSet adds b's comma-separated values to a's, sorted, once each.
func joinSet(a, b string) string {
	var vals []string
	for _, s := range []string{a, b} {
		for _, v := range strings.Split(s, ",") {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
	}
	return strings.Join(union(nil, vals), ",")
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range append(append([]string(nil), a...), b...) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// Window is a backfill or incremental range of publication times, [From, To).
// A zero bound is open.
type Window struct{ From, To time.Time }

// Contains reports whether t is in the window; an unknown date is kept,
// since dropping it would hide the article for good.
func (w Window) Contains(t *time.Time) bool {
	if t == nil {
		return true
	}
	return (w.From.IsZero() || !t.Before(w.From)) && (w.To.IsZero() || t.Before(w.To))
}

// ParseWindow reads a collector's from/to settings: a day (2022-10-15, read
// in loc) or an RFC 3339 time; "" leaves that side open.
func ParseWindow(from, to string, loc *time.Location) (Window, error) {
	var w Window
	for _, p := range []struct {
		raw string
		dst *time.Time
	}{{from, &w.From}, {to, &w.To}} {
		if strings.TrimSpace(p.raw) == "" {
			continue
		}
		d, err := ParseDate(p.raw, "", loc)
		if err != nil {
			return w, err
		}
		*p.dst = d.At
	}
	if !w.From.IsZero() && !w.To.IsZero() && !w.From.Before(w.To) {
		return w, errWindow
	}
	return w, nil
}

// Cursor is where the next incremental run of a source should start: the
// latest publication time among rows, minus lag so that late edits and
// late-indexed items in the last days are fetched again (the lake keeps the
// newest row per article_id, so re-fetching is harmless). Zero when no row
// has a date.
func Cursor(rows []*schema.News, lag time.Duration) time.Time {
	var latest time.Time
	for _, n := range rows {
		if n.PublishedAt != nil && n.PublishedAt.After(latest) {
			latest = *n.PublishedAt
		}
	}
	if latest.IsZero() {
		return latest
	}
	return latest.Add(-lag)
}
