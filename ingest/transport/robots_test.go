package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

func robotsTxt(body string) http.HandlerFunc { return text(body) }

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Error(w, http.StatusText(code), code) }
}

func TestRobotsDisallowedPathIsNeverFetched(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{
		// Our group replaces *, which would shut us out entirely.
		"/robots.txt": robotsTxt("User-agent: *\nDisallow: /\n\nUser-agent: gwanmun\nDisallow: /private\n"),
		"/public":     text("hello"),
		"/private":    text("secret"),
	})
	tr := newTransport(t, testConfig(newFakeClock()))

	resp, _, err := get(t, tr, s.URL+"/public")
	if err != nil || resp.Header.Get(HeaderRobots) != RobotsAllowed {
		t.Fatalf("public: %v, %v", err, resp)
	}
	for _, p := range []string{"/private", "/private?page=2", "/private/deeper"} {
		if _, _, err := get(t, tr, s.URL+p); !errors.Is(err, ErrRobotsDisallowed) {
			t.Errorf("%s: err = %v, want ErrRobotsDisallowed", p, err)
		}
	}
	if got := s.Hits("/private") + s.Hits("/private/deeper"); got != 0 {
		t.Errorf("disallowed paths were requested %d times", got)
	}
	if s.Hits("/robots.txt") != 1 {
		t.Errorf("robots.txt fetched %d times, want once", s.Hits("/robots.txt"))
	}
	st := tr.Stats()
	if st.RobotsAllowed != 1 || st.RobotsRefusals != 3 || st.Errors != 3 {
		t.Errorf("stats = %+v, want 1 allowed, 3 refusals, 3 errors", st)
	}
}

func TestRobotsStatus(t *testing.T) {
	tests := []struct {
		name        string
		robots      http.HandlerFunc
		wantAllowed bool
	}{
		{"200 allowing", robotsTxt("User-agent: *\nDisallow: /admin\n"), true},
		{"200 disallowing us", robotsTxt("User-agent: gwanmun\nDisallow: /\n"), false},
		{"404 allows all", status(404), true},
		{"403 allows all", status(403), true},
		{"500 disallows all", status(500), false},
		{"503 disallows all", status(503), false},
		{"429 disallows all", status(429), false},
		{"unparseable disallows all", robotsTxt("Disallow: /admin\nUser-agent: *\nAllow: /\n"), false},
		{"redirect is followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/real-robots.txt", http.StatusMovedPermanently)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, map[string]http.HandlerFunc{
				"/robots.txt":      tt.robots,
				"/real-robots.txt": robotsTxt("User-agent: *\nDisallow: /admin\n"),
				"/page":            text("page"),
			})
			cfg := testConfig(newFakeClock())
			cfg.MaxRetries = 1
			tr := newTransport(t, cfg)

			_, _, err := get(t, tr, s.URL+"/page")
			if tt.wantAllowed != (err == nil) {
				t.Fatalf("err = %v, want allowed=%v", err, tt.wantAllowed)
			}
			if !tt.wantAllowed && (!errors.Is(err, ErrRobotsDisallowed) || s.Hits("/page") != 0) {
				t.Errorf("err = %v, page hits %d; want ErrRobotsDisallowed and no hit", err, s.Hits("/page"))
			}
			// A second request reuses the decision: robots.txt is not fetched again.
			hits := s.Hits("/robots.txt")
			get(t, tr, s.URL+"/page")
			if s.Hits("/robots.txt") != hits {
				t.Errorf("robots.txt fetched again")
			}
		})
	}
}

// An unreachable robots.txt skips the host for the run, and the error says
// what happened on the wire instead of blaming a robots.txt rule.
func TestRobotsUnreachableSkipsHost(t *testing.T) {
	cfg := testConfig(newFakeClock())
	cfg.MaxRetries = 1
	robotsCalls, pageCalls := 0, 0
	cfg.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/robots.txt" {
			robotsCalls++
			return nil, timeoutErr{}
		}
		pageCalls++
		return okResponse(r)
	})
	tr := newTransport(t, cfg)
	for _, page := range []string{"/page", "/other"} {
		_, _, err := get(t, tr, "https://example.kr"+page)
		if !errors.Is(err, ErrRobotsUnreachable) || errors.Is(err, ErrRobotsDisallowed) || !strings.Contains(err.Error(), "i/o timeout") {
			t.Errorf("err = %v, want ErrRobotsUnreachable naming the timeout and not ErrRobotsDisallowed", err)
		}
	}
	if robotsCalls != 2 || pageCalls != 0 { // one try and one retry, then remembered
		t.Errorf("robots.txt fetched %d times (want 2), pages %d (want 0)", robotsCalls, pageCalls)
	}
}

func TestRobotsConnectionRefusedIsAConnectionError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	cfg := testConfig(newFakeClock())
	cfg.Base = nil
	tr := newTransport(t, cfg)
	_, _, err = get(t, tr, "http://"+addr+"/page")
	if err == nil || errors.Is(err, ErrRobotsDisallowed) || strings.Contains(err.Error(), "disallowed") ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v, want a connection-refused error, not a robots.txt refusal", err)
	}
}

func TestRobotsServerErrorSaysWhy(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": status(http.StatusServiceUnavailable), "/page": text("page")})
	cfg := testConfig(newFakeClock())
	cfg.MaxRetries = 1
	cfg.Base = nil
	tr := newTransport(t, cfg)
	_, _, err := get(t, tr, s.URL+"/page")
	if !errors.Is(err, ErrRobotsDisallowed) || !strings.Contains(err.Error(), "robots.txt answered 503 Service Unavailable") {
		t.Fatalf("err = %v, want ErrRobotsDisallowed saying robots.txt answered 503", err)
	}
	if s.Hits("/page") != 0 {
		t.Fatal("the page was fetched")
	}
}

func TestRobotsNotChecked(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": robotsTxt("User-agent: *\nDisallow: /\n"), "/page": text("page")})
	cfg := testConfig(newFakeClock())
	cfg.RespectRobots = false
	tr := newTransport(t, cfg)
	resp, _, err := get(t, tr, s.URL+"/page")
	if err != nil || resp.Header.Get(HeaderRobots) != RobotsNotChecked || s.Hits("/robots.txt") != 0 {
		t.Errorf("err %v, header %q, robots hits %d", err, resp.Header.Get(HeaderRobots), s.Hits("/robots.txt"))
	}
	if tr.Stats().RobotsNotChecked != 1 {
		t.Errorf("stats = %+v", tr.Stats())
	}
}

func TestCrawlDelaySpacing(t *testing.T) {
	clk := newFakeClock()
	var mu sync.Mutex
	sent := map[string]time.Time{} // fake time each request left at
	s := newSite(t, map[string]http.HandlerFunc{
		"/robots.txt": robotsTxt("User-agent: *\nCrawl-delay: 5\n"),
		"/a":          text("a"),
		"/b":          text("b"),
	})
	cfg := testConfig(clk)
	cfg.Delay = time.Second
	cfg.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		sent[r.URL.Path] = clk.Now()
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})
	tr := newTransport(t, cfg)

	for _, p := range []string{"/a", "/b"} {
		if _, _, err := get(t, tr, s.URL+p); err != nil {
			t.Fatal(err)
		}
	}
	if gap := sent["/b"].Sub(sent["/a"]); gap < 5*time.Second {
		t.Errorf("gap between requests = %v, want >= Crawl-delay 5s (sleeps %v)", gap, clk.Sleeps())
	}
	if gap := sent["/a"].Sub(sent["/robots.txt"]); gap < 5*time.Second {
		t.Errorf("gap after robots.txt = %v, want >= 5s", gap)
	}
}

func TestDelaySpacing(t *testing.T) {
	clk := newFakeClock()
	s := newSite(t, map[string]http.HandlerFunc{"/a": text("a")})
	cfg := testConfig(clk)
	cfg.RespectRobots = false
	cfg.Delay = 3 * time.Second
	tr := newTransport(t, cfg)
	for range 3 {
		if _, _, err := get(t, tr, s.URL+"/a"); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{3 * time.Second, 3 * time.Second}
	if got := clk.Sleeps(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

// Pacing is per server: two names for one address share one slot, and
// names on different addresses do not wait for each other.
func TestDelayIsPerResolvedAddress(t *testing.T) {
	clk := newFakeClock()
	cfg := testConfig(clk)
	cfg.RespectRobots = false
	cfg.Delay = 3 * time.Second
	cfg.Base = roundTripFunc(okResponse)
	cfg.LookupIP = func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "a.example", "b.example": // one server, two names
			return []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("192.0.2.1")}, nil
		case "c.example":
			return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("192.0.2.9")}, nil
	}
	tr := newTransport(t, cfg)
	for _, u := range []string{"https://a.example/1", "https://b.example/1", "https://192.0.2.1/1", "https://c.example/1", "https://d.example/1"} {
		if _, _, err := get(t, tr, u); err != nil {
			t.Fatal(err)
		}
	}
	// b, the literal IP and c wait for the slot a opened; d is another server.
	want := []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second}
	if got := clk.Sleeps(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

// localhost and 127.0.0.1 are one server through the system resolver.
func TestLocalhostAndLoopbackShareASlot(t *testing.T) {
	clk := newFakeClock()
	s := newSite(t, map[string]http.HandlerFunc{"/a": text("a")})
	cfg := testConfig(clk)
	cfg.RespectRobots = false
	cfg.Delay = 3 * time.Second
	cfg.Base = nil // the default dialer and resolver
	tr := newTransport(t, cfg)
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	for _, u := range []string{s.URL + "/a", "http://localhost:" + port + "/a"} {
		if _, _, err := get(t, tr, u); err != nil {
			t.Fatal(err)
		}
	}
	if got := clk.Sleeps(); len(got) != 1 || got[0] != 3*time.Second {
		t.Errorf("sleeps = %v, want one 3s wait before the second name", got)
	}
}
