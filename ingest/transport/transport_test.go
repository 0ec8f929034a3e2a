package transport

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock stands in for Config.Now and Config.Sleep: sleeping advances
// the clock at once and is remembered, so tests assert on waits, not timing.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2022, 10, 15, 6, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// testConfig is a live, polite config on a fake clock.
func testConfig(clk *fakeClock) Config {
	return Config{
		Mode:          ModeLive,
		RespectRobots: true,
		Delay:         time.Second,
		Now:           clk.Now,
		Sleep:         clk.Sleep,
	}
}

func newTransport(t *testing.T, cfg Config) *Transport {
	t.Helper()
	tr, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}

// get sends one GET through tr and reads the body.
func get(t *testing.T, tr http.RoundTripper, url string) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b), nil
}

// site is an httptest server that counts hits per path.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t *testing.T, routes map[string]http.HandlerFunc) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func text(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, body)
	}
}

// roundTripFunc lets a test stand in for the network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func okResponse(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"text/plain"}},
		Body:    io.NopCloser(strings.NewReader("ok")),
		Request: r,
	}, nil
}

func TestNewValidates(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"empty mode", Config{}, `mode ""`},
		{"unknown mode", Config{Mode: "crawl"}, `mode "crawl"`},
		{"live with WARC path", Config{Mode: ModeLive, WARCPath: "x.warc.gz"}, "live mode takes neither"},
		{"record without path", Config{Mode: ModeRecord}, "ending in .warc.gz"},
		{"record to plain warc", Config{Mode: ModeRecord, WARCPath: filepath.Join(dir, "x.warc")}, "ending in .warc.gz"},
		{"replay with both sources", Config{Mode: ModeReplay, WARCPath: "a.warc.gz", ReplayDir: dir}, "exactly one of"},
		{"replay with neither", Config{Mode: ModeReplay}, "exactly one of"},
		{"replay of a missing WARC", Config{Mode: ModeReplay, WARCPath: filepath.Join(dir, "missing.warc.gz")}, "no such file"},
		{"replay of a missing folder", Config{Mode: ModeReplay, ReplayDir: filepath.Join(dir, "missing")}, "no such file"},
		{"user agent with newline", Config{Mode: ModeLive, UserAgent: "bot\r\nX-Evil: 1"}, "one non-blank line"},
		{"negative delay", Config{Mode: ModeLive, Delay: -time.Second}, "Delay -1s"},
		{"negative retries", Config{Mode: ModeLive, MaxRetries: -1}, "must not be negative"},
		{"backoff max below base", Config{Mode: ModeLive, BackoffBase: time.Minute, BackoffMax: time.Second}, "BackoffMax 1s below"},
		{"domain with scheme", Config{Mode: ModeLive, AllowedDomains: []string{"https://example.kr"}}, "bare host name"},
		{"empty domain", Config{Mode: ModeLive, AllowedDomains: []string{" "}}, "bare host name"},
		{"valid live", Config{Mode: ModeLive, AllowedDomains: []string{".Example.KR."}}, ""},
		{"valid record", Config{Mode: ModeRecord, WARCPath: filepath.Join(dir, "ok.warc.gz")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				_ = tr.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	tr := newTransport(t, Config{Mode: ModeLive})
	c := tr.cfg
	if c.Delay != time.Second || c.MaxRetries != 4 || c.BackoffBase != time.Second || c.BackoffMax != time.Minute ||
		c.MaxBodyBytes != 32<<20 || c.Timeout != 30*time.Second {
		t.Errorf("defaults = %+v", c)
	}
	if !strings.HasPrefix(c.UserAgent, "gwanmun/") || tr.agent != "gwanmun" {
		t.Errorf("user agent %q, robots token %q", c.UserAgent, tr.agent)
	}
	if zero := newTransport(t, Config{Mode: ModeLive, AllowZeroDelay: true}); zero.cfg.Delay != 0 {
		t.Errorf("AllowZeroDelay: delay = %v, want 0", zero.cfg.Delay)
	}
}

func TestDomainNotAllowed(t *testing.T) {
	tests := []struct {
		url     string
		allowed bool
	}{
		{"https://example.kr/a", true},
		{"https://news.example.kr/a", true},
		{"https://NEWS.Example.KR./a", true},
		{"https://notexample.kr/", false},
		{"https://example.kr.evil.com/", false},
		{"http://127.0.0.1/", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			calls := 0
			cfg := testConfig(newFakeClock())
			cfg.RespectRobots = false
			cfg.AllowedDomains = []string{"example.kr"}
			cfg.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) { calls++; return okResponse(r) })
			tr := newTransport(t, cfg)

			_, _, err := get(t, tr, tt.url)
			if tt.allowed != (err == nil) {
				t.Fatalf("err = %v, want allowed=%v", err, tt.allowed)
			}
			if !tt.allowed && (!errors.Is(err, ErrDomainNotAllowed) || calls != 0) {
				t.Errorf("err = %v after %d network calls, want ErrDomainNotAllowed and none", err, calls)
			}
		})
	}
}

func TestOneRequestPerHostAtATime(t *testing.T) {
	var mu sync.Mutex
	inFlight, most := 0, 0
	s := newSite(t, map[string]http.HandlerFunc{"/slow": func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // widen the window a second request could slip into
		mu.Lock()
		inFlight--
		mu.Unlock()
	}})
	cfg := Config{Mode: ModeLive, AllowZeroDelay: true}
	tr := newTransport(t, cfg)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := get(t, tr, s.URL+"/slow"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if most != 1 || s.Hits("/slow") != 8 {
		t.Errorf("max in flight = %d over %d hits, want 1 over 8", most, s.Hits("/slow"))
	}
}

func TestClosedTransportRefuses(t *testing.T) {
	cfg := testConfig(newFakeClock())
	cfg.Base = roundTripFunc(okResponse)
	tr := newTransport(t, cfg)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(t, tr, "https://example.kr/"); !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
	if got := tr.Stats(); got.Requests != 1 || got.Errors != 1 {
		t.Errorf("stats = %+v, want 1 request, 1 error", got)
	}
}

func TestRecordRedactsSecretHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Naver-Client-Secret") != "s3cr3t-value" {
			t.Errorf("the secret must still reach the server")
		}
		fmt.Fprint(w, `{"items":[]}`)
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "rec.warc.gz")
	tr, err := New(Config{Mode: ModeRecord, WARCPath: path, UserAgent: "test", AllowZeroDelay: true, Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/v1/search/news.json", nil)
	req.Header.Set("X-Naver-Client-Id", "my-client-id")
	req.Header.Set("X-Naver-Client-Secret", "s3cr3t-value")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var all bytes.Buffer
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(&all, zr) // gzip members are read as one stream
	if bytes.Contains(all.Bytes(), []byte("s3cr3t-value")) || bytes.Contains(all.Bytes(), []byte("my-client-id")) {
		t.Fatal("the WARC holds the API credentials")
	}
	if !bytes.Contains(all.Bytes(), []byte("X-Naver-Client-Secret: REDACTED")) {
		t.Fatal("the request record should show the header was redacted")
	}
}
