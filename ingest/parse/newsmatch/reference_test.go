package newsmatch

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file keeps Match as it was before the dense automaton, the
// one-pass squash and the literal alias search: the reference the new
// path must agree with byte for byte (equivalence_test.go).

// squashReference is squash as it was.
func squashReference(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// refACMatcher is the automaton as it was: a goto function of maps and a
// failure-link loop per byte.
type refACMatcher struct {
	next    []map[byte]int32
	fail    []int32
	out     [][]int32
	needles int
}

func newRefACMatcher(needles []string) *refACMatcher {
	m := &refACMatcher{next: []map[byte]int32{{}}, fail: []int32{0}, out: [][]int32{nil}, needles: len(needles)}
	for id, n := range needles {
		if n == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(n); i++ {
			t, ok := m.next[s][n[i]]
			if !ok {
				t = int32(len(m.next))
				m.next = append(m.next, map[byte]int32{})
				m.fail = append(m.fail, 0)
				m.out = append(m.out, nil)
				m.next[s][n[i]] = t
			}
			s = t
		}
		m.out[s] = append(m.out[s], int32(id))
	}
	queue := make([]int32, 0, len(m.next))
	for _, t := range m.next[0] {
		queue = append(queue, t)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c, t := range m.next[s] {
			queue = append(queue, t)
			f := m.fail[s]
			for {
				if u, ok := m.next[f][c]; ok && u != t {
					m.fail[t] = u
					break
				}
				if f == 0 {
					m.fail[t] = 0
					break
				}
				f = m.fail[f]
			}
			m.out[t] = append(m.out[t], m.out[m.fail[t]]...)
		}
	}
	return m
}

func (m *refACMatcher) present(text string) []bool {
	found := make([]bool, m.needles)
	s := int32(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		for {
			if t, ok := m.next[s][c]; ok {
				s = t
				break
			}
			if s == 0 {
				break
			}
			s = m.fail[s]
		}
		for _, id := range m.out[s] {
			found[id] = true
		}
	}
	return found
}

// referenceMatch is Match as it was, with ac the reference automaton over
// the same needles.
func (m *Matcher) referenceMatch(ac *refACMatcher, text string) (terms, services []string) {
	raw := squashReference(text)
	f := strings.ToLower(raw)
	found := ac.present(f)
	svc := map[string]bool{}
	for _, t := range m.terms {
		if refAllFound(found, t.needles) && near(f, t.tokens) {
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
		if !refAllFound(found, a.needles) {
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

func refAllFound(found []bool, ids []int32) bool {
	for _, id := range ids {
		if !found[id] {
			return false
		}
	}
	return true
}

// near is the term check as it was: whether every token occurs within
// termWindow of an occurrence of the first one, in any order.
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
