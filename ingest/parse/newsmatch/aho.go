package newsmatch

import (
	"fmt"
	"math"
)

// acMatcher is an Aho–Corasick automaton over byte strings: one pass over
// a text tells which of many needles occur in it. Match uses it to skip
// every term and alias whose words are absent, so the per-term checks and
// the alias expressions run only where they can match.
//
// It is compiled to a dense DFA: every state has a transition for every
// byte class, failure links already followed, so reading a byte is two
// array loads and no loop. Bytes that occur in no needle share class 0;
// the studies' needles use a few dozen distinct bytes, which keeps the
// table small (states × classes int32s).
type acMatcher struct {
	class [256]int32 // byte → class, 0 for bytes in no needle
	k     int32      // number of classes
	// delta[s*k+class] is the next state times k (a row offset), bitwise
	// complemented when that state ends a needle, so the scan loop tests
	// the sign instead of loading out for every byte.
	delta   []int32
	out     [][]int32 // needles ending in a state, via failure links included
	needles int
	words   []string // the needles, by id
}

func newACMatcher(needles []string) *acMatcher {
	m := &acMatcher{needles: len(needles), words: needles}
	for _, n := range needles {
		for i := 0; i < len(n); i++ {
			if m.class[n[i]] == 0 {
				m.k++
				m.class[n[i]] = m.k
			}
		}
	}
	m.k++ // class 0
	k := int(m.k)
	// The trie: child[s*k+c] is the state reached from s on class c, or -1.
	child := make([]int32, k)
	for i := range child {
		child[i] = -1
	}
	m.out = [][]int32{nil}
	for id, n := range needles {
		if n == "" {
			continue
		}
		s := 0
		for i := 0; i < len(n); i++ {
			c := int(m.class[n[i]])
			t := child[s*k+c]
			if t < 0 {
				t = int32(len(m.out))
				m.out = append(m.out, nil)
				for range k {
					child = append(child, -1)
				}
				child[s*k+c] = t
			}
			s = int(t)
		}
		m.out[s] = append(m.out[s], int32(id))
	}
	states := len(m.out)
	if states*k > math.MaxInt32 {
		panic(fmt.Sprintf("newsmatch: %d needles need %d×%d transitions, too many for the matcher", len(needles), states, k))
	}
	// Breadth first, so a state's failure state (shorter, so earlier) has
	// its row filled before the state's own: a missing transition is the
	// failure state's transition on the same class.
	fail := make([]int32, states)
	m.delta = make([]int32, states*k)
	queue := make([]int32, 0, states)
	for c := range k {
		if t := child[c]; t >= 0 {
			m.delta[c] = t
			queue = append(queue, t)
		} // else 0: back to the root
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		row, frow := int(s)*k, int(fail[s])*k
		for c := range k {
			t := child[row+c]
			if t < 0 {
				m.delta[row+c] = m.delta[frow+c]
				continue
			}
			m.delta[row+c] = t
			if s != 0 {
				fail[t] = m.delta[frow+c]
			}
			m.out[t] = append(m.out[t], m.out[fail[t]]...)
			queue = append(queue, t)
		}
	}
	// Row offsets instead of state numbers, complemented where a needle ends.
	for i, t := range m.delta {
		v := t * m.k
		if len(m.out[t]) > 0 {
			v = ^v
		}
		m.delta[i] = v
	}
	return m
}

// present reports, for each needle, whether it occurs in text.
func (m *acMatcher) present(text string) []bool {
	pos := make([]int, 2*m.needles)
	m.scan(text, pos[:m.needles], pos[m.needles:])
	found := make([]bool, m.needles)
	for id, p := range pos[:m.needles] {
		found[id] = p > 0
	}
	return found
}

// scan sets first[id] and last[id] to 1 + where needle id first and last
// starts in text, leaving 0 for a needle that does not occur. Both must
// have one entry per needle and be zero.
func (m *acMatcher) scan(text string, first, last []int) {
	delta, class := m.delta, &m.class
	s := int32(0)
	for i := 0; i < len(text); i++ {
		t := delta[s+class[text[i]]]
		if t < 0 {
			t = ^t
			for _, id := range m.out[t/m.k] {
				start := i + 2 - len(m.words[id]) // 1 + where it starts
				if first[id] == 0 {
					first[id] = start
				}
				last[id] = start
			}
		}
		s = t
	}
}
