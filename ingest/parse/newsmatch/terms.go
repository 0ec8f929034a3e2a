package newsmatch

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/gwanmun/gwanmun/data/study"
)

// Incident is an outage news is grouped under. Terms name it in any
// language; an article belongs to it when a term (or an outage term of one
// of its services) matches and the article's date falls in the news window.
type Incident struct {
	ID string
	// Start and End bound the outage itself.
	Start, End time.Time
	// NewsFrom and NewsTo bound the coverage counted for it: follow-ups
	// keep coming for weeks.
	NewsFrom, NewsTo time.Time
	Terms            []string
	// Services affected; their outage terms count for the incident too.
	Services []string
}

// Service is one entry of the alias table: the service id used in the
// lake, its names as the press writes them, and terms that report it broken.
type Service struct {
	ID      string
	Aliases []string
	Outage  []string
}

// FromStudy returns the incident and alias table a study names. The terms
// live in the study file (data/studies/<name>/study.toml), not here.
func FromStudy(s *study.Study) ([]Incident, []Service) {
	var incs []Incident
	if inc := s.Incident; inc != nil {
		incs = append(incs, Incident{
			ID: inc.ID, Start: inc.Start, End: inc.End, NewsFrom: inc.NewsFrom, NewsTo: inc.NewsTo,
			Terms: s.News.Terms, Services: inc.AffectedServices,
		})
	}
	svcs := make([]Service, 0, len(s.News.Services))
	for _, sv := range s.News.Services {
		svcs = append(svcs, Service{ID: sv.ID, Aliases: sv.Aliases, Outage: sv.Outage})
	}
	return incs, svcs
}

// StudyMatcher compiles a study's terms and aliases.
func StudyMatcher(s *study.Study) *Matcher { return NewMatcher(FromStudy(s)) }

// Matcher finds terms and services in article text.
type Matcher struct {
	incidents []Incident
	terms     []term
	aliases   []alias
	// ac finds every term word and alias part in one pass; a term or
	// alias with a part absent from the text cannot match and is skipped.
	ac *acMatcher
}

type term struct {
	text    string   // as written in the list, the matched_terms value
	tokens  []string // folded words, all of which must occur close together
	service string
	needles []int32 // ids of tokens in Matcher.ac
}

type alias struct {
	re      *regexp.Regexp
	service string
	// exact aliases (all capitals, like LINE) are matched case-sensitively:
	// "line" is an English word.
	exact bool
	// hangul aliases must not continue a Hangul word: 라인 is LINE, 온라인 is not.
	hangul bool
	// needles are the ids of its parts, lower-cased, in Matcher.ac.
	needles []int32
}

// active is the study news collectors follow: the default one until
// UseStudy names another.
var active = study.Default()

// DefaultMatcher matches the terms of the default study (study.DefaultName);
// UseStudy swaps in another study's before collectors run.
var DefaultMatcher = StudyMatcher(active)

// UseStudy makes s the study every news collector matches against (and
// searches for, where a collector derives its queries from the study's
// terms). Call it once, before any collector is built (the CLI does for
// --study).
func UseStudy(s *study.Study) { active, DefaultMatcher = s, StudyMatcher(s) }

// Study returns the study UseStudy set, else the default study.
func Study() *study.Study { return active }

// StudyZone is the time zone the active study tells its days in
// ([analysis] time_zone), UTC when it names none: a collector's `from` and
// `to` days are read in it.
func StudyZone() (*time.Location, error) {
	tz := active.Analysis.TimeZone
	if tz == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("study %s: analysis.time_zone: %w", active.Name, err)
	}
	return loc, nil
}

// NewMatcher compiles term and alias lists.
func NewMatcher(incidents []Incident, services []Service) *Matcher {
	m := &Matcher{incidents: incidents}
	ids := needleSet{byText: map[string]int32{}, list: new([]string)}
	seen := map[string]bool{}
	for _, inc := range incidents {
		for _, t := range inc.Terms {
			if !seen[t] {
				seen[t] = true
				m.terms = append(m.terms, term{text: t, tokens: strings.Fields(fold(t))})
			}
		}
	}
	for _, s := range services {
		for _, t := range s.Outage {
			if !seen[t] {
				seen[t] = true
				m.terms = append(m.terms, term{text: t, tokens: strings.Fields(fold(t)), service: s.ID})
			}
		}
		for _, a := range s.Aliases {
			exact := a == strings.ToUpper(a) && strings.IndexFunc(a, isLatin) >= 0 && strings.IndexFunc(a, unicode.IsLower) < 0 &&
				strings.IndexFunc(a, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) < 0
			m.aliases = append(m.aliases, alias{
				re: aliasPattern(a, exact), service: s.ID, exact: exact,
				hangul:  unicode.Is(unicode.Hangul, []rune(a)[0]),
				needles: needleIDs(ids, aliasNeedles(a, exact)),
			})
		}
	}
	for i := range m.terms {
		m.terms[i].needles = needleIDs(ids, m.terms[i].tokens)
	}
	needles := make([]string, len(*ids.list))
	copy(needles, *ids.list)
	m.ac = newACMatcher(needles)
	return m
}

// aliasNeedles are the parts aliasPattern joins, as they appear in the
// lower-cased text: an exact alias matches the text as written, so its
// parts lower-cased occur in the lower-cased text wherever it matches.
func aliasNeedles(a string, exact bool) []string {
	if exact {
		return strings.Fields(strings.ToLower(a))
	}
	return strings.Fields(fold(a))
}

// needleSet numbers the distinct needles of a matcher.
type needleSet struct {
	byText map[string]int32
	list   *[]string
}

func needleIDs(ids needleSet, words []string) []int32 {
	out := make([]int32, 0, len(words))
	for _, w := range words {
		id, ok := ids.byText[w]
		if !ok {
			id = int32(len(*ids.list))
			ids.byText[w] = id
			*ids.list = append(*ids.list, w)
		}
		out = append(out, id)
	}
	return out
}

func allFound(found []bool, ids []int32) bool {
	for _, id := range ids {
		if !found[id] {
			return false
		}
	}
	return true
}

// aliasPattern lets the parts of an alias be written with or without a
// space (카카오 T, 카카오T) and makes a Latin alias a whole word, so "Kakao
// T" does not match "Kakao to". A Hangul alias needs no word end: Korean
// attaches particles (카카오톡이).
func aliasPattern(a string, exact bool) *regexp.Regexp {
	parts := strings.Fields(fold(a))
	if exact {
		parts = strings.Fields(a)
	}
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	pat := strings.Join(parts, `\s*`)
	r := []rune(a)
	if isLatin(r[0]) {
		pat = `\b` + pat
	}
	if isLatin(r[len(r)-1]) {
		pat += `\b`
	}
	return regexp.MustCompile(pat)
}

func isLatin(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// fold prepares text for matching: NFC (Korean pages mix composed and
// decomposed Hangul), lower case, one space between words.
func fold(s string) string { return strings.ToLower(squash(s)) }

func squash(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// termWindow is how far apart (in bytes of folded text, about 25 Hangul
// syllables) the words of one term may be: "카카오 서비스 전면 먹통" still
// reads as "카카오 먹통"; two unrelated sentences do not.
const termWindow = 75

// Match returns the terms found in text and the services it names, each
// sorted and without duplicates.
func (m *Matcher) Match(text string) (terms, services []string) {
	raw := squash(text)
	f := strings.ToLower(raw)
	found := m.ac.present(f)
	svc := map[string]bool{}
	for _, t := range m.terms {
		if allFound(found, t.needles) && near(f, t.tokens) {
			terms = append(terms, t.text)
			if t.service != "" {
				svc[t.service] = true
			}
		}
	}
	type span struct {
		start, end int
		service    string
	}
	var spans []span
	for _, a := range m.aliases {
		if !allFound(found, a.needles) {
			continue
		}
		in := f
		if a.exact {
			in = raw
		}
		for _, loc := range a.re.FindAllStringIndex(in, -1) {
			if a.hangul && loc[0] > 0 {
				if r, _ := utf8.DecodeLastRuneInString(in[:loc[0]]); unicode.Is(unicode.Hangul, r) {
					continue
				}
			}
			spans = append(spans, span{loc[0], loc[1], a.service})
		}
	}
	// Longest first, then leftmost; a span inside a taken one is the
	// shorter name of something else.
	sort.Slice(spans, func(i, j int) bool {
		li, lj := spans[i].end-spans[i].start, spans[j].end-spans[j].start
		if li != lj {
			return li > lj
		}
		return spans[i].start < spans[j].start
	})
	var taken []span
	for _, s := range spans {
		overlaps := false
		for _, t := range taken {
			if s.start < t.end && t.start < s.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			taken = append(taken, s)
			svc[s.service] = true
		}
	}
	for s := range svc {
		services = append(services, s)
	}
	sort.Strings(terms)
	sort.Strings(services)
	return terms, services
}

// near reports whether every token occurs within termWindow of an
// occurrence of the first one, in any order.
func near(text string, tokens []string) bool {
	if len(tokens) == 0 {
		return false
	}
	for off := 0; ; {
		i := strings.Index(text[off:], tokens[0])
		if i < 0 {
			return false
		}
		pos := off + i
		lo, hi := max(0, pos-termWindow), min(len(text), pos+len(tokens[0])+termWindow)
		all := true
		for _, tok := range tokens[1:] {
			if !strings.Contains(text[lo:hi], tok) {
				all = false
				break
			}
		}
		if all {
			return true
		}
		off = pos + len(tokens[0])
	}
}

// IncidentFor returns the incident an article belongs to: one whose terms
// (or its services' outage terms) matched and whose news window holds the
// publication date. Without a date there is no incident: the window cannot
// be checked.
func (m *Matcher) IncidentFor(terms []string, published *time.Time) string {
	if published == nil || len(terms) == 0 {
		return ""
	}
	matched := map[string]bool{}
	for _, t := range terms {
		matched[t] = true
	}
	for _, inc := range m.incidents {
		if published.Before(inc.NewsFrom) || !published.Before(inc.NewsTo) {
			continue
		}
		for _, t := range m.terms {
			if !matched[t.text] {
				continue
			}
			if t.service == "" && contains(inc.Terms, t.text) || t.service != "" && contains(inc.Services, t.service) {
				return inc.ID
			}
		}
	}
	return ""
}
