package newsmatch

// acMatcher is an Aho–Corasick automaton over byte strings: one pass over
// a text tells which of many needles occur in it. Match uses it to skip
// every term and alias whose words are absent, so the per-term checks and
// the alias expressions run only where they can match.
type acMatcher struct {
	next    []map[byte]int32 // goto function
	fail    []int32
	out     [][]int32 // needles ending here, via failure links included
	needles int
}

func newACMatcher(needles []string) *acMatcher {
	m := &acMatcher{next: []map[byte]int32{{}}, fail: []int32{0}, out: [][]int32{nil}, needles: len(needles)}
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
	// Breadth first: a node's failure link is the longest proper suffix of
	// its string that is also in the trie.
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

// present reports, for each needle, whether it occurs in text.
func (m *acMatcher) present(text string) []bool {
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
