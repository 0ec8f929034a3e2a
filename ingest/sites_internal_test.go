package ingest

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

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

func TestCheckRedirect(t *testing.T) {
	s := &Session{sites: newSites("http://127.0.0.1:8080/case")}
	req := func(u string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := req("http://127.0.0.1:8080/a"), req("http://127.0.0.1:8080/b")
	cases := []struct {
		name string
		to   string
		via  []*http.Request
		want error
		text string
	}{
		{"same site", "http://127.0.0.1:8080/b", []*http.Request{a}, nil, ""},
		{"cookie bounce back once", "http://127.0.0.1:8080/a", []*http.Request{a}, nil, ""},
		{"another name for the server", "http://localhost:8080/b", []*http.Request{a}, ErrDomainNotAllowed, "the source's hosts are 127.0.0.1"},
		{"loop", "http://127.0.0.1:8080/a", []*http.Request{a, b, a, b}, ErrRedirectLoop, "redirects back to"},
		{"long chain", "http://127.0.0.1:8080/z", []*http.Request{a, b, req("http://127.0.0.1:8080/1"), req("http://127.0.0.1:8080/2"),
			req("http://127.0.0.1:8080/3"), req("http://127.0.0.1:8080/4"), req("http://127.0.0.1:8080/5"), req("http://127.0.0.1:8080/6"),
			req("http://127.0.0.1:8080/7"), req("http://127.0.0.1:8080/8")}, ErrTooManyRedirects, "gave up after 10"},
		{"file scheme", "file:///etc/passwd", []*http.Request{a}, nil, "only http and https"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.checkRedirect(req(c.to), c.via)
			switch {
			case c.want == nil && c.text == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Fatalf("err = %v, want %v", err, c.want)
			case c.text != "" && (err == nil || !strings.Contains(err.Error(), c.text)):
				t.Fatalf("err = %v, want it to say %q", err, c.text)
			}
		})
	}
}
