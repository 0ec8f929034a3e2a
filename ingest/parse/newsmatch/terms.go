package newsmatch

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	// byText lists the indexes of terms sorted by text: Match walks them
	// in that order, so its terms come out sorted.
	byText []int
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
	// parts are the literals re joins with \s*, and wordStart and
	// wordEnd its \b at either end: Match finds re's matches with
	// strings.Index instead of the regexp engine (findAll). nil parts
	// (an alias of only spaces, or one with U+FFFD, which re also matches
	// on an invalid byte) leave it to re.
	parts              []string
	wordStart, wordEnd bool
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
			parts, wordStart, wordEnd := aliasParts(a, exact)
			al := alias{
				re: aliasPattern(a, exact), service: s.ID, exact: exact,
				hangul:  unicode.Is(unicode.Hangul, []rune(a)[0]),
				needles: needleIDs(ids, aliasNeedles(a, exact)),
			}
			if len(parts) > 0 && !strings.ContainsRune(strings.Join(parts, ""), utf8.RuneError) {
				al.parts, al.wordStart, al.wordEnd = parts, wordStart, wordEnd
			}
			m.aliases = append(m.aliases, al)
		}
	}
	for i := range m.terms {
		m.terms[i].needles = needleIDs(ids, m.terms[i].tokens)
	}
	needles := make([]string, len(*ids.list))
	copy(needles, *ids.list)
	m.ac = newACMatcher(needles)
	m.byText = make([]int, len(m.terms))
	for i := range m.byText {
		m.byText[i] = i
	}
	slices.SortFunc(m.byText, func(a, b int) int { return strings.Compare(m.terms[a].text, m.terms[b].text) })
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

// allFound reports whether every needle in ids occurs: first holds, per
// needle, 1 + where it first occurs, 0 when it does not (acMatcher.scan).
func allFound(first []int, ids []int32) bool {
	for _, id := range ids {
		if first[id] == 0 {
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
	parts, wordStart, wordEnd := aliasParts(a, exact)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	pat := strings.Join(parts, `\s*`)
	if wordStart {
		pat = `\b` + pat
	}
	if wordEnd {
		pat += `\b`
	}
	return regexp.MustCompile(pat)
}

// aliasParts are the words aliasPattern joins and whether it puts a \b
// before and after them.
func aliasParts(a string, exact bool) (parts []string, wordStart, wordEnd bool) {
	parts = strings.Fields(fold(a))
	if exact {
		parts = strings.Fields(a)
	}
	r := []rune(a)
	return parts, isLatin(r[0]), isLatin(r[len(r)-1])
}

// findAll appends to spans every match of a.re in in, as
// a.re.FindAllStringIndex would return them, leaving out matches that
// continue a Hangul word when a.hangul. With parts set it does so
// without the regexp engine: a match is parts[0], then for each further
// part any run of \s (RE2's [\t\n\f\r ]) and the part, with the \b
// checks at the ends. No part starts with a space, so the greedy \s*
// never has to give a space back and a start has at most one match; the
// matches are the leftmost, non-overlapping ones, like the regexp's.
//
// Only starts from lo to hi are tried: the caller knows parts[0] occurs
// nowhere else.
func (a *alias) findAll(in string, lo, hi int, spans []span) []span {
	if a.parts == nil {
		for _, loc := range a.re.FindAllStringIndex(in, -1) {
			if !a.continuesHangul(in, loc[0]) {
				spans = append(spans, span{loc[0], loc[1], a.service})
			}
		}
		return spans
	}
	p0 := a.parts[0]
	for off := lo; off <= hi && off < len(in); {
		i := strings.Index(in[off:], p0)
		if i < 0 {
			break
		}
		start := off + i
		end := a.matchAt(in, start)
		if end < 0 {
			// parts[0] is valid UTF-8, so it never starts inside a rune:
			// the next start the regexp would try is found by Index.
			off = start + 1
			continue
		}
		if !a.continuesHangul(in, start) {
			spans = append(spans, span{start, end, a.service})
		}
		off = end
	}
	return spans
}

// matchAt returns the end of a's match at start, where parts[0] occurs,
// or -1.
func (a *alias) matchAt(in string, start int) int {
	if a.wordStart && isWordBefore(in, start) == isWordAt(in, start) {
		return -1
	}
	end := start + len(a.parts[0])
	for _, p := range a.parts[1:] {
		for end < len(in) && isRESpace(in[end]) {
			end++
		}
		if !strings.HasPrefix(in[end:], p) {
			return -1
		}
		end += len(p)
	}
	if a.wordEnd && isWordBefore(in, end) == isWordAt(in, end) {
		return -1
	}
	return end
}

// continuesHangul reports whether a Hangul alias's match at start follows
// a Hangul letter: 온라인 is not 라인.
func (a *alias) continuesHangul(in string, start int) bool {
	if !a.hangul || start == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(in[:start])
	return unicode.Is(unicode.Hangul, r)
}

// isRESpace is RE2's \s.
func isRESpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// isWordAt and isWordBefore are RE2's \w ([0-9A-Za-z_]) for the rune at
// and before i. Word characters are ASCII, and a byte of a multi-byte
// rune (or an invalid one) is never ASCII, so one byte tells.
func isWordAt(s string, i int) bool     { return i < len(s) && isWordByte(s[i]) }
func isWordBefore(s string, i int) bool { return i > 0 && isWordByte(s[i-1]) }
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func isLatin(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// termWindow is how far apart (in bytes of folded text, about 25 Hangul
// syllables) the words of one term may be: "카카오 서비스 전면 먹통" still
// reads as "카카오 먹통"; two unrelated sentences do not.
const termWindow = 75

// Match returns the terms found in text and the services it names, each
// sorted and without duplicates. It is safe for concurrent use.
func (m *Matcher) Match(text string) (terms, services []string) {
	// f is the folded text every needle, term and alias but the exact
	// ones is looked for in; raw, only squashed, is made when an exact
	// alias needs it.
	f, ok := squashLower(text)
	raw, haveRaw := "", false
	if !ok {
		raw, haveRaw = squash(text), true
		f = lower(raw)
	}
	// The scratch slices live on the stack unless a matcher needs more.
	var posBuf [2 * 128]int
	var pos []int
	if n := 2 * m.ac.needles; n <= len(posBuf) {
		pos = posBuf[:n]
	} else {
		pos = make([]int, n)
	}
	first, last := pos[:m.ac.needles], pos[m.ac.needles:]
	m.ac.scan(f, first, last)
	var termBuf [32]string
	var svcBuf [16]string
	hit, svc := termBuf[:0], svcBuf[:0]
	for _, i := range m.byText {
		t := &m.terms[i]
		if allFound(first, t.needles) && nearBounded(f, t, first, last) {
			hit = append(hit, t.text)
			if t.service != "" {
				svc = append(svc, t.service)
			}
		}
	}
	var spanBuf, takenBuf [16]span
	spans := spanBuf[:0]
	for i := range m.aliases {
		a := &m.aliases[i]
		if !allFound(first, a.needles) {
			continue
		}
		if a.exact {
			if !haveRaw {
				raw, haveRaw = squash(text), true
			}
			spans = a.findAll(raw, 0, len(raw), spans)
		} else if a.parts != nil {
			// parts[0] is the alias's first needle: its matches start
			// between that needle's first and last occurrence.
			id := a.needles[0]
			spans = a.findAll(f, first[id]-1, last[id]-1, spans)
		} else {
			spans = a.findAll(f, 0, len(f), spans)
		}
	}
	// Longest first, then leftmost; a span inside a taken one is the
	// shorter name of something else. slices.SortFunc is the same pdqsort
	// as the sort.Slice the reference uses, so ties (one span, two
	// services) are broken the same way.
	slices.SortFunc(spans, func(a, b span) int {
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return cmp.Compare(lb, la)
		}
		return cmp.Compare(a.start, b.start)
	})
	taken := takenBuf[:0]
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
			svc = append(svc, s.service)
		}
	}
	slices.Sort(svc)
	svc = slices.Compact(svc)
	// One array holds both results; each is capped, so appending to one
	// never writes into the other. Nil, not empty, when nothing matched.
	both := make([]string, 0, len(hit)+len(svc))
	both = append(append(both, hit...), svc...)
	if len(hit) > 0 {
		terms = both[:len(hit):len(hit)]
	}
	if len(svc) > 0 {
		services = both[len(hit):len(both):len(both)]
	}
	return terms, services
}

// span is where an alias matched in the folded text.
type span struct {
	start, end int
	service    string
}

// nearBounded reports whether every token of t occurs within termWindow of an
// occurrence of the first one, in any order. first and last (1 + the
// first and last place each needle occurs, from acMatcher.scan) bound the
// search: it starts at the first token's first occurrence, stops after its
// last, and skips a window no occurrence of a token can lie in. The
// unbounded search it replaces, near, is kept in reference_test.go.
func nearBounded(text string, t *term, first, last []int) bool {
	tokens := t.tokens
	if len(tokens) == 0 {
		return false
	}
	id0, n0 := t.needles[0], len(tokens[0])
	for off := first[id0] - 1; off >= 0 && off <= last[id0]-1; {
		i := strings.Index(text[off:], tokens[0])
		if i < 0 {
			return false
		}
		pos := off + i
		lo, hi := max(0, pos-termWindow), min(len(text), pos+n0+termWindow)
		all := true
		for k, tok := range tokens[1:] {
			id := t.needles[k+1]
			f, l, end := first[id]-1, last[id]-1, hi-len(tok)
			switch {
			case f > end || l < lo: // every occurrence is outside
			case f >= lo || l <= end: // the first or the last is inside
				continue
			case strings.Contains(text[lo:hi], tok):
				continue
			}
			all = false
			break
		}
		if all {
			return true
		}
		off = pos + n0
	}
	return false
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
