package transport

import (
	"context"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// gate is a Base that holds every request until want of them are in
// flight at once, and records the most it saw. If want never arrive
// together it lets them go after a generous wait and the test fails on
// the count, so a serialising transport fails rather than hangs.
type gate struct {
	mu         sync.Mutex
	in, most   int
	want       int
	all        chan struct{}
	opened     bool
	hostsSeen  map[string]int
	hostsOrder []string
}

func newGate(want int) *gate {
	return &gate{want: want, all: make(chan struct{}), hostsSeen: map[string]int{}}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.in++
	g.most = max(g.most, g.in)
	g.hostsSeen[r.URL.Hostname()]++
	g.hostsOrder = append(g.hostsOrder, r.URL.Hostname())
	if g.in == g.want && !g.opened {
		close(g.all) // once: later requests may bring in back to want
		g.opened = true
	}
	g.mu.Unlock()
	select {
	case <-g.all:
	case <-time.After(5 * time.Second):
	}
	g.mu.Lock()
	g.in--
	g.mu.Unlock()
	return okResponse(r)
}

func parallelGets(t *testing.T, tr *Transport, ctx context.Context, urls []string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(urls))
	for i, u := range urls {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			resp, err := tr.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func parallelConfig(clk *fakeClock, base http.RoundTripper) Config {
	cfg := testConfig(clk)
	cfg.RespectRobots = false
	cfg.Base = base
	cfg.LookupIP = func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "a.example":
			return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
		case "b.example":
			return []netip.Addr{netip.MustParseAddr("192.0.2.2")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("192.0.2.3")}, nil
	}
	return cfg
}

// Requests to different servers go out together; to one server, one at
// a time unless the caller allows more.
func TestParallelism(t *testing.T) {
	for _, c := range []struct {
		name        string
		urls        []string
		parallelism int // 0: the default
		wantMost    int
	}{
		{"three servers", []string{"https://a.example/1", "https://b.example/1", "https://c.example/1"}, 0, 3},
		{"one server, parallelism 3", []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"}, 3, 3},
		{"one server, parallelism 2", []string{"https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4"}, 2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGate(c.wantMost)
			clk := newFakeClock()
			cfg := parallelConfig(clk, g)
			cfg.Delay, cfg.AllowZeroDelay = 0, true
			tr := newTransport(t, cfg)
			ctx := context.Background()
			if c.parallelism > 0 {
				ctx = WithParallelism(ctx, c.parallelism)
			}
			parallelGets(t, tr, ctx, c.urls)
			if g.most != c.wantMost {
				t.Errorf("at most %d requests in flight, want %d", g.most, c.wantMost)
			}
		})
	}
}

// With parallelism, requests to one server are still spaced by the delay:
// each books its start a delay after the previous one.
func TestParallelKeepsDelay(t *testing.T) {
	clk := newFakeClock()
	cfg := parallelConfig(clk, roundTripFunc(okResponse))
	cfg.Delay = 2 * time.Second
	tr := newTransport(t, cfg)
	parallelGets(t, tr, WithParallelism(context.Background(), 4),
		[]string{"https://a.example/1", "https://a.example/2", "https://a.example/3"})
	// The fake clock advances on every sleep, so how long each waited
	// depends on the order they woke in; the total is what pacing fixes:
	// three starts, each at least 2 s after the one before.
	var total time.Duration
	for _, d := range clk.Sleeps() {
		total += d
	}
	if elapsed := clk.Now().Sub(newFakeClock().Now()); elapsed < 4*time.Second || total < 4*time.Second {
		t.Errorf("three requests took %v of (fake) time, slept %v: want at least 4s (2s apart)", elapsed, total)
	}
}

func TestWithParallelismClamps(t *testing.T) {
	for n, want := range map[int]int{-1: 1, 0: 1, 1: 1, 8: 8, 1000: MaxParallelism} {
		if got := parallelism(WithParallelism(context.Background(), n)); got != want {
			t.Errorf("WithParallelism(%d) = %d, want %d", n, got, want)
		}
	}
	if got := parallelism(context.Background()); got != 1 {
		t.Errorf("default parallelism %d, want 1", got)
	}
}

// By default one server gets one request at a time: while the first is
// held, the others queue in its slot and none reaches the server.
func TestOneServerOneAtATime(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	in, most := 0, 0
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		in++
		most = max(most, in)
		mu.Unlock()
		<-release
		mu.Lock()
		in--
		mu.Unlock()
		return okResponse(r)
	})
	clk := newFakeClock()
	cfg := parallelConfig(clk, base)
	cfg.Delay, cfg.AllowZeroDelay = 0, true
	tr := newTransport(t, cfg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		parallelGets(t, tr, context.Background(), []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"})
	}()
	queued := func() int {
		tr.mu.Lock()
		s := tr.slots["192.0.2.1"]
		tr.mu.Unlock()
		if s == nil {
			return 0
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.waiters)
	}
	for deadline := time.Now().Add(10 * time.Second); queued() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued behind the first, want 2", queued())
		}
	}
	mu.Lock()
	got := most
	mu.Unlock()
	close(release)
	<-done
	if got != 1 {
		t.Errorf("%d requests reached one server at once, want 1", got)
	}
}
