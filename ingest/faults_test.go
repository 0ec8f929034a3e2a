package ingest_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/ingest/transport"
)

const faultRow = `<html><body><table class="mau"><tr><td>LINE</td><td>2023Q1</td><td>9,600,000</td></tr></table></body></html>`

// TestNetworkFaults runs the probe against servers that time out, reset
// connections, hang up mid-body and answer with storms of 5xx: each fault
// is a clear error in the ledger, retries that succeed lose nothing, and
// the good server's rows land either way.
func TestNetworkFaults(t *testing.T) {
	cases := []struct {
		name    string
		handler func(calls *atomic.Int32) http.HandlerFunc
		cfg     transport.Config
		status  string
		rows    int
		errors  []string
		// requests the bad server must have seen: retries happened.
		minCalls int32
	}{
		{
			name: "timeout",
			handler: func(calls *atomic.Int32) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					select {
					case <-time.After(3 * time.Second):
					case <-r.Context().Done():
					}
				}
			},
			cfg:    transport.Config{Timeout: 100 * time.Millisecond},
			status: "partial", rows: 2, minCalls: 3,
			errors: []string{"retries exhausted after 2 retries", "deadline exceeded"},
		},
		{
			name: "connection reset",
			handler: func(calls *atomic.Int32) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					conn, _, _ := http.NewResponseController(w).Hijack()
					conn.(*net.TCPConn).SetLinger(0) // RST instead of FIN
					conn.Close()
				}
			},
			status: "partial", rows: 2, minCalls: 3,
			errors: []string{"retries exhausted", "connection reset by peer"},
		},
		{
			name: "hang-up mid-body",
			handler: func(calls *atomic.Int32) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					w.Header().Set("Content-Length", "100000")
					w.Header().Set("Content-Type", "text/html")
					io.WriteString(w, faultRow[:40])
					conn, _, _ := http.NewResponseController(w).Hijack()
					conn.Close()
				}
			},
			status: "partial", rows: 2, minCalls: 3,
			errors: []string{"retries exhausted", "unexpected EOF"},
		},
		{
			name: "5xx storm",
			handler: func(calls *atomic.Int32) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					http.Error(w, "overloaded", 503+int(calls.Load())%2) // 503, 504, 503, ...
				}
			},
			cfg:    transport.Config{MaxRetries: 4},
			status: "partial", rows: 2, minCalls: 5,
			errors: []string{"retries exhausted after 4 retries", "status 50"},
		},
		{
			name: "5xx storm that passes",
			handler: func(calls *atomic.Int32) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if calls.Add(1) <= 3 {
						http.Error(w, "overloaded", http.StatusBadGateway)
						return
					}
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					io.WriteString(w, faultRow)
				}
			},
			cfg:    transport.Config{MaxRetries: 4},
			status: "ok", rows: 3, minCalls: 4,
		},
		{
			name: "429 asking for an hour",
			handler: func(calls *atomic.Int32) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					w.Header().Set("Retry-After", "3600")
					http.Error(w, "slow down", http.StatusTooManyRequests)
				}
			},
			status: "partial", rows: 2, minCalls: 1,
			errors: []string{"Retry-After too long"},
		},
		{
			name: "slow trickle",
			handler: func(calls *atomic.Int32) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					w.Header().Set("Content-Type", "text/html")
					for i := 0; i < 100; i++ {
						if _, err := io.WriteString(w, " "); err != nil {
							return
						}
						http.NewResponseController(w).Flush()
						select {
						case <-time.After(20 * time.Millisecond):
						case <-r.Context().Done():
							return
						}
					}
				}
			},
			cfg:    transport.Config{Timeout: 150 * time.Millisecond, MaxRetries: 1},
			status: "partial", rows: 2, minCalls: 2,
			errors: []string{"retries exhausted", "deadline exceeded"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			bad := http.NewServeMux()
			bad.HandleFunc("/robots.txt", http.NotFound)
			bad.HandleFunc("/case", c.handler(&calls))
			got := runProbe(t, bad, c.cfg)
			ledger := strings.Join(got.ledger.Errors, "\n")
			t.Logf("ledger errors:\n%s\nrequests by status: %s", ledger, got.ledger.RequestsByStatus)
			if got.ledger.Status != c.status || len(got.mau) != c.rows {
				t.Errorf("status %s with %d rows, want %s with %d", got.ledger.Status, len(got.mau), c.status, c.rows)
			}
			for _, e := range c.errors {
				if !strings.Contains(ledger, e) {
					t.Errorf("ledger errors do not say %q:\n%s", e, ledger)
				}
			}
			if len(c.errors) == 0 && ledger != "" {
				t.Errorf("unexpected ledger errors:\n%s", ledger)
			}
			if n := calls.Load(); n < c.minCalls {
				t.Errorf("the server saw %d requests, want at least %d", n, c.minCalls)
			}
		})
	}
}
