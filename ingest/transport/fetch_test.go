package transport

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// reply is one scripted answer of a flaky server.
type reply struct {
	status int
	header map[string]string
}

// scripted serves replies in order, repeating the last one.
func scripted(clk *fakeClock, replies ...reply) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		rep := replies[min(n, len(replies)-1)]
		n++
		mu.Unlock()
		for k, v := range rep.header {
			if v == "DATE+30s" { // an HTTP date relative to the fake clock
				v = clk.Now().Add(30 * time.Second).Format(http.TimeFormat)
			}
			w.Header().Set(k, v)
		}
		w.WriteHeader(rep.status)
		io.WriteString(w, http.StatusText(rep.status))
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name        string
		replies     []reply
		maxRetries  int
		wantStatus  int
		wantErr     error
		wantHits    int
		wantRetries int64
		wantSleep   time.Duration // must be among the recorded sleeps
	}{
		{
			name:       "Retry-After seconds is waited out",
			replies:    []reply{{503, map[string]string{"Retry-After": "7"}}, {200, nil}},
			wantStatus: 200, wantHits: 2, wantRetries: 1, wantSleep: 7 * time.Second,
		},
		{
			name:       "429 with HTTP-date Retry-After",
			replies:    []reply{{429, map[string]string{"Retry-After": "DATE+30s"}}, {200, nil}},
			wantStatus: 200, wantHits: 2, wantRetries: 1, wantSleep: 30 * time.Second,
		},
		{
			name:       "503 storm then success",
			replies:    []reply{{503, nil}, {502, nil}, {503, nil}, {200, nil}},
			wantStatus: 200, wantHits: 4, wantRetries: 3,
		},
		{
			name:    "gives up after MaxRetries",
			replies: []reply{{500, nil}}, maxRetries: 2,
			wantErr: ErrRetriesExhausted, wantHits: 3, wantRetries: 2,
		},
		{
			name:    "Retry-After beyond 5x BackoffMax is refused",
			replies: []reply{{503, map[string]string{"Retry-After": "3600"}}},
			wantErr: ErrRetryAfterTooLong, wantHits: 1,
		},
		{
			name:       "404 is final",
			replies:    []reply{{404, nil}},
			wantStatus: 404, wantHits: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			s := newSite(t, map[string]http.HandlerFunc{"/page": scripted(clk, tt.replies...)})
			cfg := testConfig(clk)
			cfg.RespectRobots = false
			cfg.MaxRetries = tt.maxRetries
			tr := newTransport(t, cfg)

			resp, _, err := get(t, tr, s.URL+"/page")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), s.URL+"/page") {
					t.Fatalf("err = %v, want %v naming the URL", err, tt.wantErr)
				}
			} else if err != nil || resp.StatusCode != tt.wantStatus {
				t.Fatalf("got %v, %v; want status %d", resp, err, tt.wantStatus)
			}
			if got := s.Hits("/page"); got != tt.wantHits {
				t.Errorf("hits = %d, want %d", got, tt.wantHits)
			}
			if got := tr.Stats().Retries; got != tt.wantRetries {
				t.Errorf("retries = %d, want %d", got, tt.wantRetries)
			}
			sleeps := clk.Sleeps()
			if tt.wantSleep != 0 && !slices.Contains(sleeps, tt.wantSleep) {
				t.Errorf("sleeps = %v, want one of %v", sleeps, tt.wantSleep)
			}
			for _, d := range sleeps {
				if tt.wantSleep == 0 && d > tr.cfg.BackoffMax {
					t.Errorf("sleep %v beyond BackoffMax %v", d, tr.cfg.BackoffMax)
				}
			}
		})
	}
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	tr := newTransport(t, Config{Mode: ModeLive, BackoffBase: time.Second, BackoffMax: 10 * time.Second})
	for attempt, ceil := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		for range 50 {
			if d := tr.backoff(attempt); d < 0 || d >= ceil {
				t.Fatalf("backoff(%d) = %v, want in [0, %v)", attempt, d, ceil)
			}
		}
	}
	if d := tr.backoff(200); d < 0 || d >= 10*time.Second {
		t.Errorf("backoff(200) = %v", d)
	}
}

// timeoutErr is what a dial or read deadline looks like.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestTransientErrorsAreRetried(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"timeout", &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}},
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}},
		{"server hung up", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			cfg := testConfig(newFakeClock())
			cfg.RespectRobots = false
			cfg.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if calls++; calls == 1 {
					return nil, tt.err
				}
				return okResponse(r)
			})
			tr := newTransport(t, cfg)
			if _, body, err := get(t, tr, "https://example.kr/"); err != nil || body != "ok" {
				t.Fatalf("got %q, %v", body, err)
			}
			if calls != 2 || tr.Stats().Retries != 1 {
				t.Errorf("calls = %d, retries = %d; want 2, 1", calls, tr.Stats().Retries)
			}
		})
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	var mu sync.Mutex
	n := 0
	s := newSite(t, map[string]http.HandlerFunc{"/hang": func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			<-r.Context().Done() // hang until the transport's per-request timeout fires
			return
		}
		io.WriteString(w, "late but fine")
	}})
	cfg := testConfig(newFakeClock())
	cfg.RespectRobots = false
	cfg.Timeout = 50 * time.Millisecond
	tr := newTransport(t, cfg)

	if _, body, err := get(t, tr, s.URL+"/hang"); err != nil || body != "late but fine" {
		t.Fatalf("got %q, %v", body, err)
	}
	if s.Hits("/hang") != 2 || tr.Stats().Retries != 1 {
		t.Errorf("hits = %d, retries = %d; want 2, 1", s.Hits("/hang"), tr.Stats().Retries)
	}
}

func TestCallerCancelIsNotRetried(t *testing.T) {
	calls := 0
	cfg := testConfig(newFakeClock())
	cfg.RespectRobots = false
	ctx, cancel := context.WithCancel(context.Background())
	cfg.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		cancel()
		return nil, r.Context().Err()
	})
	tr := newTransport(t, cfg)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://example.kr/", nil)
	resp, err := tr.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("err = %v after %d calls, want context.Canceled after 1", err, calls)
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBodyCap(t *testing.T) {
	const limit = 64 << 10
	bomb := gzipped(t, make([]byte, 10<<20)) // 10 MiB of zeros in ~10 KiB
	fitting := gzipped(t, bytes.Repeat([]byte("a"), limit))
	serve := func(body []byte, encoding string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			if encoding != "" {
				w.Header().Set("Content-Encoding", encoding)
			}
			w.Write(body)
		}
	}
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		ourGzip  bool // decode gzip ourselves rather than letting net/http do it
		wantSize int  // 0: want ErrBodyTooLarge
	}{
		{"exactly the limit", serve(bytes.Repeat([]byte("a"), limit), ""), false, limit},
		{"one byte over", serve(bytes.Repeat([]byte("a"), limit+1), ""), false, 0},
		{"gzip bomb decoded by net/http", serve(bomb, "gzip"), false, 0},
		{"gzip bomb decoded by us", serve(bomb, "gzip"), true, 0},
		{"gzip at the limit decoded by us", serve(fitting, "gzip"), true, limit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, map[string]http.HandlerFunc{"/big": tt.handler})
			cfg := testConfig(newFakeClock())
			cfg.RespectRobots = false
			cfg.MaxBodyBytes = limit
			if tt.ourGzip {
				cfg.Base = &http.Transport{DisableCompression: true}
			}
			tr := newTransport(t, cfg)

			resp, body, err := get(t, tr, s.URL+"/big")
			if tt.wantSize > 0 {
				if err != nil || len(body) != tt.wantSize || resp.Header.Get("Content-Encoding") != "" {
					t.Fatalf("got %d bytes, %v; want %d identity bytes", len(body), err, tt.wantSize)
				}
				return
			}
			if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), s.URL+"/big") ||
				!strings.Contains(err.Error(), strconv.Itoa(limit)) {
				t.Fatalf("err = %v, want ErrBodyTooLarge naming URL and limit", err)
			}
			if s.Hits("/big") != 1 {
				t.Errorf("hits = %d; an oversized body must not be retried", s.Hits("/big"))
			}
		})
	}
}

func TestRequestBodyIsResentOnRetry(t *testing.T) {
	var bodies []string
	cfg := testConfig(newFakeClock())
	cfg.RespectRobots = false
	cfg.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if len(bodies) == 1 {
			return nil, io.ErrUnexpectedEOF
		}
		return okResponse(r)
	})
	tr := newTransport(t, cfg)
	req, _ := http.NewRequest(http.MethodPost, "https://example.kr/search", strings.NewReader("q=먹통&page=2"))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := []string{"q=먹통&page=2", "q=먹통&page=2"}; !slices.Equal(bodies, want) {
		t.Errorf("bodies sent = %q, want %q", bodies, want)
	}
}
