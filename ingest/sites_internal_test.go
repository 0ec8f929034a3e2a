package ingest

import "testing"

func TestSitesAllow(t *testing.T) {
	s := newSites("https://news.example.kr/a https://127.0.0.1:8080/b (+2 more)")
	s.add("LOCALHOST.")
	cases := []struct {
		host string
		want bool
	}{
		{"news.example.kr", true},
		{"www.example.kr", true}, // one registrable domain
		{"example.kr", true},
		{"example.com", false},
		{"evil-example.kr", false},
		{"127.0.0.1", true},
		{"127.0.0.2", false},
		{"localhost", true},
		{"sub.localhost", false}, // no registrable domain: exact names only
		{"co.kr", false},
	}
	for _, c := range cases {
		if got := s.allows(c.host); got != c.want {
			t.Errorf("allows(%q) = %v, want %v", c.host, got, c.want)
		}
	}
	if empty := newSites(""); empty.allows("example.kr") {
		t.Error("a session with no known sites must refuse every redirect target")
	}
}
