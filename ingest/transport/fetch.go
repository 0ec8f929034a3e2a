package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/temoto/robotstxt"
)

// host is the robots.txt state of one origin (scheme://host:port, the unit
// robots.txt applies to). Its robots fields are guarded by mu.
type host struct {
	slot   *slot
	mu     sync.Mutex
	robots *robotstxt.RobotsData
	loaded bool // robots looked up; robots may still be nil in replay
	// why robots is a disallow-all the server did not write (a 5xx answer).
	robotsNote string
	// robotsErr: robots.txt could not be reached, so the host is skipped
	// for this run with that error rather than a made-up robots refusal.
	robotsErr error
}

// slot is the pacing state of one server, keyed by resolved address, so
// two names for one machine (localhost, 127.0.0.1) wait for each other.
// Its fields are guarded by mu.
type slot struct {
	mu       sync.Mutex
	inflight int       // requests holding the slot
	waiters  []*waiter // in arrival order
	last     time.Time // when the last request was (or is due to be) sent
	delay    time.Duration
}

// waiter is a request queued for a slot with its parallelism.
type waiter struct {
	ready chan struct{}
	limit int
}

// host returns the origin's state, resolving its name once to find the
// server's slot. Resolution happens outside t.mu: it may wait on DNS.
func (t *Transport) host(ctx context.Context, u *url.URL) *host {
	key := strings.ToLower(u.Scheme + "://" + u.Host)
	t.mu.Lock()
	h, ok := t.hosts[key]
	t.mu.Unlock()
	if ok {
		return h
	}
	addrs := t.addresses(ctx, u.Hostname())
	t.mu.Lock()
	defer t.mu.Unlock()
	if h, ok := t.hosts[key]; ok {
		return h
	}
	var s *slot
	for _, a := range addrs {
		if s = t.slots[a]; s != nil {
			break
		}
	}
	if s == nil {
		s = &slot{delay: t.cfg.Delay}
	}
	for _, a := range addrs {
		if _, taken := t.slots[a]; !taken {
			t.slots[a] = s
		}
	}
	h = &host{slot: s}
	t.hosts[key] = h
	return h
}

// addresses are the slot keys of a host name: its IP addresses when they
// can be known, else the name itself. Replay never resolves, and a custom
// Base dials as it likes, so only literal IPs are trusted there.
func (t *Transport) addresses(ctx context.Context, name string) []string {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if ip, err := netip.ParseAddr(name); err == nil {
		return []string{ip.Unmap().String()}
	}
	if t.archive == nil && t.cfg.LookupIP != nil {
		ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
		defer cancel()
		if ips, err := t.cfg.LookupIP(ctx, name); err == nil && len(ips) > 0 {
			out := make([]string, len(ips))
			for i, ip := range ips {
				out[i] = ip.Unmap().String()
			}
			return out
		}
	}
	return []string{"name:" + name}
}

// acquire waits until fewer than limit requests hold the host's server
// (one by default: see WithParallelism), first come first served.
func (h *host) acquire(ctx context.Context, limit int) error {
	s := h.slot
	s.mu.Lock()
	if len(s.waiters) == 0 && s.inflight < limit {
		s.inflight++
		s.mu.Unlock()
		return nil
	}
	w := &waiter{ready: make(chan struct{}), limit: limit}
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, x := range s.waiters {
			if x == w {
				s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
				s.grant()
				return ctx.Err()
			}
		}
		// Granted while giving up: hand the place on.
		s.inflight--
		s.grant()
		return ctx.Err()
	}
}

func (h *host) release() {
	s := h.slot
	s.mu.Lock()
	s.inflight--
	s.grant()
	s.mu.Unlock()
}

// grant lets queued requests in while their limit allows; s.mu is held.
func (s *slot) grant() {
	for len(s.waiters) > 0 && s.inflight < s.waiters[0].limit {
		s.inflight++
		close(s.waiters[0].ready)
		s.waiters = s.waiters[1:]
	}
}

// pace waits until the slot's delay has passed since its last request.
// Each request books its send time under the lock, so requests sharing a
// server in parallel are still spaced by the delay.
func (t *Transport) pace(ctx context.Context, h *host) error {
	s := h.slot
	s.mu.Lock()
	now := t.cfg.Now()
	at := now
	if !s.last.IsZero() {
		if next := s.last.Add(s.delay); next.After(now) {
			at = next
		}
	}
	s.last = at
	s.mu.Unlock()
	if wait := at.Sub(now); wait > 0 {
		if err := t.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
		// A late wake-up moves the mark, so the next request still waits a
		// full delay after this one was really sent.
		s.mu.Lock()
		if n := t.cfg.Now(); s.last.Equal(at) && n.After(at) {
			s.last = n
		}
		s.mu.Unlock()
	}
	return nil
}

// exchange is one response, fully read, as recorded or replayed.
type exchange struct {
	status     int
	statusText string // "200 OK"
	header     http.Header
	body       []byte // identity-encoded, original charset
	recordID   string // WARC-Record-ID, "<urn:uuid:...>"
	fetchedAt  time.Time
}

// fetch sends req to h with retries. When it gives up on a response it
// returns that last exchange along with the error; robots.txt needs its status.
func (t *Transport) fetch(ctx context.Context, h *host, req *http.Request, body []byte) (*exchange, error) {
	for attempt := 0; ; attempt++ {
		if err := t.pace(ctx, h); err != nil {
			return nil, fmt.Errorf("%s %q: %w", req.Method, req.URL, err)
		}
		ex, err := t.attempt(ctx, req, body)
		reason, retry := shouldRetry(ctx, ex, err)
		if !retry {
			return ex, err
		}
		if attempt == t.cfg.MaxRetries {
			return ex, fmt.Errorf("%s %q: %w after %d retries, last: %s", req.Method, req.URL, ErrRetriesExhausted, attempt, reason)
		}
		wait := t.backoff(attempt)
		if ra, ok := t.retryAfter(ex); ok {
			if limit := 5 * t.cfg.BackoffMax; ra > limit {
				return ex, fmt.Errorf("%s %q: %w: server asks for %v, more than 5×BackoffMax (%v)", req.Method, req.URL, ErrRetryAfterTooLong, ra, limit)
			}
			wait = ra
		}
		t.log.Info("retrying", "url", req.URL.String(), "reason", reason, "wait", wait, "retry", attempt+1)
		t.count(func(s *Stats) { s.Retries++ })
		if err := t.cfg.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s %q: %w", req.Method, req.URL, err)
		}
	}
}

// attempt is a single request, its body read in full under the caps.
func (t *Transport) attempt(ctx context.Context, req *http.Request, body []byte) (*exchange, error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	out := req.Clone(ctx)
	out.URL.Fragment, out.URL.RawFragment = "", ""
	out.Header.Set("User-Agent", t.cfg.UserAgent)
	// Without it Go's transport asks for gzip and decodes it itself, so the
	// body is identity-encoded and the size cap applies after decoding.
	out.Header.Del("Accept-Encoding")
	out.Body, out.GetBody, out.ContentLength = nil, nil, 0
	if len(body) > 0 {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}

	start := t.cfg.Now()
	resp, err := t.cfg.Base.RoundTrip(out)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	t.count(func(s *Stats) { s.ByStatus[resp.StatusCode]++ })
	header := resp.Header.Clone()
	payload, err := readBody(resp.Body, header, t.cfg.MaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", req.Method, req.URL, err)
	}
	t.count(func(s *Stats) { s.Bytes += int64(len(payload)) })
	ex := &exchange{status: resp.StatusCode, statusText: resp.Status, header: header, body: payload, fetchedAt: start}
	if t.warc != nil {
		if ex.recordID, err = t.warc.write(out, body, ex); err != nil {
			return nil, fmt.Errorf("%s %q: record: %w", req.Method, req.URL, err)
		}
	}
	return ex, nil
}

func shouldRetry(ctx context.Context, ex *exchange, err error) (reason string, retry bool) {
	switch {
	case ctx.Err() != nil: // the caller gave up, not the server
		return "", false
	case err != nil:
		return err.Error(), transient(err)
	case ex.status == http.StatusTooManyRequests || ex.status >= 500:
		return "status " + ex.statusText, true
	}
	return "", false
}

// transient reports timeouts and dropped connections.
func transient(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout()) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// backoff is exponential with full jitter: uniform in [0, min(max, base·2^n)).
func (t *Transport) backoff(attempt int) time.Duration {
	ceil := t.cfg.BackoffMax
	if attempt < 32 {
		ceil = min(ceil, t.cfg.BackoffBase<<attempt)
	}
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil)
}

// retryAfter parses Retry-After as delay-seconds or an HTTP date.
func (t *Transport) retryAfter(ex *exchange) (time.Duration, bool) {
	if ex == nil {
		return 0, false
	}
	v := strings.TrimSpace(ex.header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(min(secs, 1<<32)) * time.Second, true // cap: no overflow
	}
	if when, err := http.ParseTime(v); err == nil {
		return max(when.Sub(t.cfg.Now()), 0), true
	}
	return 0, false
}
