package transport

import (
	"errors"
	"net/http"
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

func TestRobotsUnreachableDisallows(t *testing.T) {
	cfg := testConfig(newFakeClock())
	cfg.MaxRetries = 1
	cfg.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/robots.txt" {
			return nil, timeoutErr{}
		}
		return okResponse(r)
	})
	tr := newTransport(t, cfg)
	if _, _, err := get(t, tr, "https://example.kr/page"); !errors.Is(err, ErrRobotsDisallowed) {
		t.Errorf("err = %v, want ErrRobotsDisallowed", err)
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
