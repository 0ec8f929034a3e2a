// Package transport is the http.RoundTripper every web collector hands to
// colly (Collector.WithTransport). It fetches politely (robots.txt, per-host
// spacing, retries with backoff), optionally records every exchange to a
// WARC file, replays recordings without touching the network, converts
// legacy charsets to UTF-8 and stamps each response with provenance headers.
package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Mode selects where responses come from.
type Mode string

const (
	ModeLive   Mode = "live"   // fetch from the network
	ModeRecord Mode = "record" // fetch from the network and write a WARC
	ModeReplay Mode = "replay" // serve a WARC or a replay folder, never the network
)

// Provenance headers set on every response RoundTrip returns.
const (
	HeaderWarcRecordID  = "X-Gwanmun-Warc-Record-Id" // "<urn:uuid:...>"; empty in live mode
	HeaderFetchedAt     = "X-Gwanmun-Fetched-At"     // RFC 3339 (nanoseconds, UTC)
	HeaderContentSHA256 = "X-Gwanmun-Content-Sha256" // hex sha256 of the body as returned
	HeaderRobots        = "X-Gwanmun-Robots"         // one of the Robots* values
)

// Values of HeaderRobots.
const (
	RobotsAllowed    = "allowed"
	RobotsDisallowed = "disallowed" // never on a response: such URLs return ErrRobotsDisallowed
	RobotsNotChecked = "not-checked"
)

var (
	ErrRobotsDisallowed  = errors.New("disallowed by robots.txt")
	ErrRobotsUnreachable = errors.New("robots.txt unreachable")
	ErrDomainNotAllowed  = errors.New("domain not allowed")
	ErrBodyTooLarge      = errors.New("body too large")
	ErrRetriesExhausted  = errors.New("retries exhausted")
	ErrRetryAfterTooLong = errors.New("Retry-After too long")
	ErrNotRecorded       = errors.New("replay: no recorded response for URL")
	ErrClosed            = errors.New("transport closed")
)

// Config configures a Transport. Zero values take the documented defaults.
type Config struct {
	Mode      Mode
	WARCPath  string // record: output .warc.gz (appended to); replay: a WARC file or a folder of them
	ReplayDir string // replay: a folder of .http files (see README), instead of WARCPath

	UserAgent      string   // live/record; empty means DefaultUserAgent()
	AllowedDomains []string // empty allows any; "example.kr" also allows "news.example.kr"
	// RespectRobots should be true for every real collector; a bool cannot
	// default to true, so callers set it explicitly.
	RespectRobots bool

	Delay          time.Duration // min spacing per server (resolved address); default 1s, raised by Crawl-delay
	AllowZeroDelay bool          // make Delay 0 mean "no spacing" (loopback tests, benchmarks)

	MaxRetries   int           // default 4
	BackoffBase  time.Duration // default 1s
	BackoffMax   time.Duration // default 60s; Retry-After above 5*BackoffMax is refused
	MaxBodyBytes int64         // default 32 MiB, after Content-Encoding decoding
	Timeout      time.Duration // per attempt, default 30s

	Logger *slog.Logger      // nil discards
	Base   http.RoundTripper // default: a clone of http.DefaultTransport
	// LookupIP resolves host names to the servers pacing is keyed by.
	// Default: the system resolver when Base is the default, else none
	// (names are paced apart, since a custom Base may not dial them).
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
	Now      func() time.Time                                 // default time.Now; tests inject a fake clock
	Sleep    func(ctx context.Context, d time.Duration) error // every wait goes through it; default a timer
}

// MaxParallelism bounds WithParallelism.
const MaxParallelism = 64

type parallelismKey struct{}

// WithParallelism lets requests made with ctx keep up to n requests in
// flight to their server at once, for hosts that allow it (a loopback
// site, an API with a stated rate); the default is one. The delay between
// request starts still applies per server, so n only helps when answers
// take longer than the delay. n is clamped to [1, MaxParallelism].
func WithParallelism(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, parallelismKey{}, min(max(n, 1), MaxParallelism))
}

func parallelism(ctx context.Context) int {
	if n, ok := ctx.Value(parallelismKey{}).(int); ok {
		return n
	}
	return 1
}

// DefaultUserAgent names the crawler and where to complain about it.
func DefaultUserAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "gwanmun/" + v + " (+https://github.com/gwanmun/gwanmun; research crawler)"
}

// Stats counts what a Transport did. ByStatus counts every response seen,
// including robots.txt fetches and attempts that were retried.
type Stats struct {
	Requests         int64 // RoundTrip calls
	ByStatus         map[int]int64
	Retries          int64
	RobotsAllowed    int64
	RobotsRefusals   int64
	RobotsNotChecked int64
	Bytes            int64 // body bytes after Content-Encoding decoding
	Errors           int64 // RoundTrip calls that returned an error
}

var _ http.RoundTripper = (*Transport)(nil)

// Transport is an http.RoundTripper; safe for concurrent use.
type Transport struct {
	cfg     Config
	log     *slog.Logger
	agent   string // robots.txt product token, e.g. "gwanmun"
	domains []string
	warc    *warcWriter // record mode
	archive archive     // replay mode

	mu     sync.Mutex
	hosts  map[string]*host // by origin
	slots  map[string]*slot // by resolved address (or "name:" host name)
	stats  Stats
	closed bool
}

// New validates cfg, then opens the WARC to record to or indexes the replay
// source. It never touches the network.
func New(cfg Config) (*Transport, error) {
	cfg, domains, err := validate(cfg)
	if err != nil {
		return nil, fmt.Errorf("transport: %w", err)
	}
	t := &Transport{
		cfg:     cfg,
		log:     cfg.Logger,
		agent:   productToken(cfg.UserAgent),
		domains: domains,
		hosts:   map[string]*host{},
		slots:   map[string]*slot{},
		stats:   Stats{ByStatus: map[int]int64{}},
	}
	switch {
	case cfg.Mode == ModeRecord:
		t.warc, err = openWARCWriter(cfg.WARCPath, cfg.Now)
	case cfg.Mode == ModeReplay && cfg.ReplayDir != "":
		t.archive, err = openReplayDir(cfg.ReplayDir)
	case cfg.Mode == ModeReplay:
		t.archive, err = openWARCArchive(cfg.WARCPath)
	}
	if err != nil {
		return nil, fmt.Errorf("transport: %w", err)
	}
	return t, nil
}

func validate(cfg Config) (Config, []string, error) {
	switch cfg.Mode {
	case ModeLive:
		if cfg.WARCPath != "" || cfg.ReplayDir != "" {
			return cfg, nil, errors.New("live mode takes neither WARCPath nor ReplayDir")
		}
	case ModeRecord:
		if !strings.HasSuffix(cfg.WARCPath, ".warc.gz") {
			return cfg, nil, fmt.Errorf("record mode needs WARCPath ending in .warc.gz, got %q", cfg.WARCPath)
		}
		if cfg.ReplayDir != "" {
			return cfg, nil, errors.New("record mode takes no ReplayDir")
		}
	case ModeReplay:
		if (cfg.WARCPath == "") == (cfg.ReplayDir == "") {
			return cfg, nil, errors.New("replay mode needs exactly one of WARCPath and ReplayDir")
		}
	default:
		return cfg, nil, fmt.Errorf("mode %q: want %q, %q or %q", cfg.Mode, ModeLive, ModeRecord, ModeReplay)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent()
	}
	if strings.ContainsAny(cfg.UserAgent, "\r\n") || strings.TrimSpace(cfg.UserAgent) == "" {
		return cfg, nil, fmt.Errorf("user agent %q: must be one non-blank line", cfg.UserAgent)
	}
	for name, d := range map[string]time.Duration{
		"Delay": cfg.Delay, "BackoffBase": cfg.BackoffBase, "BackoffMax": cfg.BackoffMax, "Timeout": cfg.Timeout,
	} {
		if d < 0 {
			return cfg, nil, fmt.Errorf("%s %v: must not be negative", name, d)
		}
	}
	if cfg.MaxRetries < 0 || cfg.MaxBodyBytes < 0 {
		return cfg, nil, errors.New("MaxRetries and MaxBodyBytes must not be negative")
	}
	if cfg.Delay == 0 && !cfg.AllowZeroDelay {
		cfg.Delay = time.Second
	}
	cfg.MaxRetries = orDefault(cfg.MaxRetries, 4)
	cfg.BackoffBase = orDefault(cfg.BackoffBase, time.Second)
	cfg.BackoffMax = orDefault(cfg.BackoffMax, time.Minute)
	cfg.MaxBodyBytes = orDefault(cfg.MaxBodyBytes, 32<<20)
	cfg.Timeout = orDefault(cfg.Timeout, 30*time.Second)
	if cfg.BackoffMax < cfg.BackoffBase {
		return cfg, nil, fmt.Errorf("BackoffMax %v below BackoffBase %v", cfg.BackoffMax, cfg.BackoffBase)
	}
	var domains []string
	for _, d := range cfg.AllowedDomains {
		d = strings.Trim(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" || strings.ContainsAny(d, "/:@ ") {
			return cfg, nil, fmt.Errorf("allowed domain %q: want a bare host name like example.kr", d)
		}
		domains = append(domains, d)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Base == nil {
		cfg.Base = http.DefaultTransport.(*http.Transport).Clone()
		if cfg.LookupIP == nil {
			cfg.LookupIP = func(ctx context.Context, host string) ([]netip.Addr, error) {
				return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
			}
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return cfg, domains, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// productToken is the robots.txt name of a user agent: "gwanmun/1.2 (...)" → "gwanmun".
func productToken(ua string) string {
	tok, _, _ := strings.Cut(strings.TrimSpace(ua), "/")
	tok, _, _ = strings.Cut(tok, " ")
	return strings.ToLower(tok)
}

// RoundTrip implements http.RoundTripper. Redirects are left to the client,
// so every hop comes back through here and passes the same checks.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.count(func(s *Stats) { s.Requests++ })
	resp, err := t.roundTrip(req)
	if err != nil {
		t.count(func(s *Stats) { s.Errors++ })
		return nil, err
	}
	return resp, nil
}

func (t *Transport) roundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		// http.RoundTripper must close the request body, even on errors.
		defer req.Body.Close()
	}
	u := req.URL
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s %q: unsupported scheme", req.Method, u)
	}
	if !t.domainAllowed(u.Hostname()) {
		return nil, fmt.Errorf("%s %q: %w", req.Method, u, ErrDomainNotAllowed)
	}
	reqBody, err := readRequestBody(req, t.cfg.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	closed := t.closed
	t.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("%s %q: %w", req.Method, u, ErrClosed)
	}

	ctx := req.Context()
	h := t.host(ctx, u)
	if err := h.acquire(ctx, parallelism(ctx)); err != nil {
		return nil, fmt.Errorf("%s %q: %w", req.Method, u, err)
	}
	defer h.release()
	robots, err := t.robotsFor(ctx, h, req.Method, u)
	if err != nil {
		return nil, err
	}
	var ex *exchange
	if t.archive != nil {
		ex, err = t.replayGet(req.Method, u, reqBody)
	} else {
		ex, err = t.fetch(ctx, h, req, reqBody)
	}
	if err != nil {
		return nil, err
	}
	return t.respond(req, ex, robots)
}

func (t *Transport) domainAllowed(host string) bool {
	if len(t.domains) == 0 {
		return true
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range t.domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// Stats returns a snapshot of the counters.
func (t *Transport) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.ByStatus = make(map[int]int64, len(t.stats.ByStatus))
	for code, n := range t.stats.ByStatus {
		s.ByStatus[code] = n
	}
	return s
}

func (t *Transport) count(f func(*Stats)) {
	t.mu.Lock()
	f(&t.stats)
	t.mu.Unlock()
}

// Close flushes and closes the WARC being recorded; later requests fail
// with ErrClosed. It is safe to call more than once.
func (t *Transport) Close() error {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	if t.warc != nil {
		return t.warc.Close()
	}
	return nil
}
