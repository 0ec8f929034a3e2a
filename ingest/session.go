package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/gocolly/colly/v2"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest/progress"
)

// Headers the transport sets on every response so rows can name the exact
// archived bytes they came from (see ingest/transport).
const (
	HeaderWARCRecordID  = "X-Gwanmun-Warc-Record-Id"
	HeaderFetchedAt     = "X-Gwanmun-Fetched-At"
	HeaderContentSHA256 = "X-Gwanmun-Content-Sha256"
)

// Session is what a collector gets for one run: a way to emit rows, a colly
// collector wired to the run's transport, and the run's counters.
type Session struct {
	RunID string
	Mode  Mode
	// Bundled: a replay of the bundled demo recordings (rows are fixtures).
	Bundled bool
	Log     *slog.Logger
	// UserAgent for colly; the transport enforces the rest of politeness.
	UserAgent string

	info      Info
	transport http.RoundTripper
	now       func() time.Time
	sink      func(schema.Row, [rowhash.Size]byte) error // the row and its rowhash sum
	// recordSink takes EmitRecord's batches with their rows' sums.
	recordSink func(ds schema.Dataset, partition string, rec arrow.RecordBatch, sums [][rowhash.Size]byte) error

	mu       sync.Mutex
	counts   counters
	errs     []string
	maxErrs  int
	rejected int64
	// seen remembers the natural keys emitted lately, to drop repeats in
	// bounded memory (see repeat).
	seen   seenKeys
	keyers map[string]lakestore.Keyer
	hasher *rowhash.Hasher
	// recHashers hash EmitRecord's rows, per dataset.
	recHashers map[string]*rowhash.RecordHasher
	// sites bounds where redirects may go (see sites.go).
	sites *sites
	// progress hears of requests (nil: nobody is watching).
	progress *progress.Counters
}

// SeenWindow is how many natural keys a session remembers to catch
// repeats: between SeenWindow and twice that many of the latest keys, at
// about 60 bytes each, however many rows a run emits.
const SeenWindow = 1 << 18

// seenKeys is two generations of keys: when the current one fills, it
// becomes the old one and the oldest is forgotten.
type seenKeys struct {
	cur, old map[keyID]seenRow
	window   int
}

// keyID is a 128-bit digest of dataset and natural key; process-local.
type keyID [2]uint64

type seenRow struct {
	fetchedAt int64 // Unix nanoseconds
	sum       [16]byte
}

var keySeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func idOf(dataset, key string) keyID {
	var id keyID
	for i, seed := range keySeeds {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(dataset)
		h.WriteByte(0)
		h.WriteString(key)
		id[i] = h.Sum64()
	}
	return id
}

func (k *seenKeys) get(id keyID) (seenRow, bool) {
	if r, ok := k.cur[id]; ok {
		return r, true
	}
	r, ok := k.old[id]
	return r, ok
}

func (k *seenKeys) put(id keyID, r seenRow) {
	if k.window == 0 {
		k.window = SeenWindow
	}
	if k.cur == nil {
		k.cur = map[keyID]seenRow{}
	}
	if _, ok := k.cur[id]; !ok && len(k.cur) >= k.window {
		k.old, k.cur = k.cur, make(map[keyID]seenRow, k.window)
	}
	k.cur[id] = r
}

type counters struct {
	requests       int64
	byStatus       map[int]int64
	parseFailures  int64
	robotsRefusals int64
	emitted        int64
	duplicates     int64
}

// Emit stamps a row with the collector and run, validates it and hands it
// to the writer. A row that fails validation is counted, logged and kept
// out of the lake; the collector carries on with the next one.
func (s *Session) Emit(r schema.Row) {
	p := r.Prov()
	p.Collector = s.info.Name
	p.CollectorVersion = s.info.Version
	p.RunID = s.RunID
	if p.FetchedAt.IsZero() {
		p.FetchedAt = s.now().UTC()
	}
	s.stampEvidence(p)
	s.mu.Lock()
	s.counts.emitted++
	s.mu.Unlock()
	if err := r.Validate(); err != nil {
		s.reject(r, err)
		return
	}
	sum, dup, err := s.repeat(r)
	if dup {
		return
	} else if err != nil {
		s.reject(r, err)
		return
	}
	if err := s.sink(r, sum); err != nil {
		s.Error(fmt.Errorf("write %s row: %w", r.Dataset(), err))
	}
}

// stampEvidence sets what the row rests on from how this run reached its
// source, which the collector cannot know: a web row is live when fetched
// now (its access date the fetch), archived when replayed from the user's
// WARC (its access date the original fetch the archive recorded), and a
// fixture when replayed from a bundled recording nobody fetched. Rows of a
// non-web collector are compiled (the seed); its fetched_at is the compile
// date, so no access date is claimed.
func (s *Session) stampEvidence(p *schema.Provenance) {
	switch {
	case s.info.Kind != "web":
		p.Evidence, p.AccessedAt = schema.EvidenceCompiled, nil
	case s.Mode == Replay && s.Bundled:
		p.Evidence, p.AccessedAt = schema.EvidenceFixture, nil
	case s.Mode == Replay:
		p.Evidence = schema.EvidenceArchived
	default:
		p.Evidence = schema.EvidenceLive
	}
	if p.Evidence == schema.EvidenceLive || p.Evidence == schema.EvidenceArchived {
		at := p.FetchedAt
		p.AccessedAt = &at
	}
}

// repeat catches a natural key emitted twice in one run. An identical
// copy (the same article in two feeds) is dropped quietly; a different row
// for the same key from the same fetch is an error, because no reader
// could tell which one is right. The same key fetched again later is a
// new version and goes through: the readers keep the latest.
//
// The session remembers the last SeenWindow to 2×SeenWindow keys, not
// every key of the run, so memory stays flat however large the input: an
// identical copy further back than that is written again, and the
// readers' views, which keep one row per key, read it once. Each row is
// hashed once, from its columns (data/rowhash), not from JSON; the sum
// goes on to the lake writer, whose rerun check uses the same sums.
func (s *Session) repeat(r schema.Row) (sum [rowhash.Size]byte, dup bool, err error) {
	ds, err := schema.Lookup(r.Dataset())
	if err != nil {
		return sum, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keyers == nil {
		s.keyers, s.hasher = map[string]lakestore.Keyer{}, rowhash.New()
	}
	k, ok := s.keyers[ds.Name]
	if !ok {
		k = lakestore.NewKeyer(ds)
		s.keyers[ds.Name] = k
	}
	key := k.Key(r)
	sum, err = s.hasher.Sum(r)
	if err != nil {
		return sum, false, err
	}
	dup, err = s.seenBefore(ds.Name, key, sum, r.Prov().FetchedAt.UnixNano())
	return sum, dup, err
}

// seenBefore is the repeat check of one row, under s.mu: an identical
// copy of a key seen lately is a duplicate (counted), other values for it
// from the same fetch an error; anything else is remembered.
func (s *Session) seenBefore(dataset, key string, sum [rowhash.Size]byte, fetchedAt int64) (dup bool, err error) {
	cur := seenRow{fetchedAt: fetchedAt}
	copy(cur.sum[:], sum[:])
	id := idOf(dataset, key)
	prev, ok := s.seen.get(id)
	switch {
	case ok && prev.sum == cur.sum:
		s.counts.duplicates++
		return true, nil
	case ok && prev.fetchedAt == cur.fetchedAt:
		return false, fmt.Errorf("duplicate %s key %s with different values in one fetch; kept the first", dataset, key)
	}
	s.seen.put(id, cur)
	return false, nil
}

func (s *Session) reject(r schema.Row, err error) { s.rejectRow(r.Dataset(), r.Prov().SourceURL, err) }

// rejectRow counts, logs and records one rejected row.
func (s *Session) rejectRow(dataset, sourceURL string, err error) {
	s.mu.Lock()
	s.rejected++
	s.mu.Unlock()
	s.Log.Warn("row rejected", "collector", s.info.Name, "dataset", dataset, "source_url", sourceURL, "err", err)
	s.record(func() string { return fmt.Sprintf("rejected %s row from %s: %v", dataset, sourceURL, err) })
}

// ParseFailure records a page or record the collector could not parse; the
// run goes on, the ledger keeps the reason.
func (s *Session) ParseFailure(url string, err error) {
	s.mu.Lock()
	s.counts.parseFailures++
	s.mu.Unlock()
	s.Log.Warn("parse failure", "collector", s.info.Name, "url", url, "err", err)
	s.record(func() string { return fmt.Sprintf("parse %s: %v", url, err) })
}

// Error records a recoverable error (a page that failed after retries).
func (s *Session) Error(err error) {
	s.Log.Warn("collector error", "collector", s.info.Name, "err", err)
	s.record(err.Error)
}

// record keeps the first maxErrs messages for the ledger; msg is only
// formatted for those, so a page with 400,000 bad rows costs counters,
// not memory.
func (s *Session) record(msg func() string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errs) < s.maxErrs {
		s.errs = append(s.errs, msg())
	} else if len(s.errs) == s.maxErrs {
		s.errs = append(s.errs, "further errors omitted")
	}
}

// Colly returns a colly collector whose requests go through the run's
// transport (live, record or replay) and are counted for the ledger.
// Collectors register their callbacks and call Visit as usual.
func (s *Session) Colly(opts ...colly.CollectorOption) *colly.Collector {
	return s.newColly(func(_ *colly.Response, err error) { s.Error(err) }, opts...)
}

// newColly is Colly with the fetch errors handed to report instead of
// recorded at once, so VisitPages can record them in visiting order.
func (s *Session) newColly(report func(r *colly.Response, err error), opts ...colly.CollectorOption) *colly.Collector {
	base := []colly.CollectorOption{
		colly.UserAgent(s.UserAgent),
		// The transport obeys robots.txt and records the decision; colly's
		// own check would fetch robots.txt around our archive.
		colly.IgnoreRobotsTxt(),
		colly.MaxBodySize(0),
		colly.ParseHTTPErrorResponse(),
		colly.AllowURLRevisit(),
	}
	c := colly.NewCollector(append(base, opts...)...)
	if s.transport != nil {
		c.WithTransport(s.transport)
	}
	c.SetRequestTimeout(2 * time.Minute)
	s.mu.Lock()
	if s.sites == nil {
		s.sites = newSites(s.info.URL)
	}
	s.mu.Unlock()
	// A request the collector makes names one of its own sites; a redirect
	// never reaches OnRequest, so it is held to them in checkRedirect.
	c.OnRequest(func(r *colly.Request) {
		s.progress.Begin()
		s.mu.Lock()
		s.sites.add(r.URL.Hostname())
		s.mu.Unlock()
	})
	c.SetRedirectHandler(s.checkRedirect)
	c.OnResponse(func(r *colly.Response) { s.countStatus(r.StatusCode) })
	c.OnError(func(r *colly.Response, err error) {
		if r != nil && r.StatusCode != 0 {
			s.countStatus(r.StatusCode)
		} else {
			s.countStatus(0)
		}
		if errors.Is(err, ErrRobots) || isRobots(err) {
			s.mu.Lock()
			s.counts.robotsRefusals++
			s.mu.Unlock()
		}
		url := ""
		if r != nil && r.Request != nil {
			url = r.Request.URL.String()
		}
		if kind := fetchProblem(err); kind != "" {
			report(r, fmt.Errorf("fetch %s: %s: %w", url, kind, err))
			return
		}
		report(r, fmt.Errorf("fetch %s: %w", url, err))
	})
	return c
}

// ErrRobots is matched by text too, since colly flattens transport errors.
var ErrRobots = errors.New("disallowed by robots.txt")

// isRobots matches a robots.txt refusal only, not an unreachable
// robots.txt (a connection problem) whose message also names the file.
func isRobots(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "disallowed by robots.txt")
}

func (s *Session) countStatus(code int) {
	s.progress.Done(code == 0 || code >= 400)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.requests++
	if s.counts.byStatus == nil {
		s.counts.byStatus = map[int]int64{}
	}
	s.counts.byStatus[code]++
}

// Prov builds the provenance of rows parsed from a response: its URL, the
// title given, the original fetch time and content hash, and the WARC
// record that holds the bytes.
func (s *Session) Prov(r *colly.Response, title string) schema.Provenance {
	p := schema.Provenance{SourceURL: r.Request.URL.String(), SourceTitle: title}
	if h := r.Headers; h != nil {
		if t, err := time.Parse(time.RFC3339Nano, h.Get(HeaderFetchedAt)); err == nil {
			p.FetchedAt = t.UTC()
		}
		p.ContentSHA256 = h.Get(HeaderContentSHA256)
		if id := h.Get(HeaderWARCRecordID); id != "" {
			p.WARCRecordID = &id
		}
	}
	if p.ContentSHA256 == "" {
		sum := sha256.Sum256(r.Body)
		p.ContentSHA256 = hex.EncodeToString(sum[:])
	}
	if p.FetchedAt.IsZero() {
		p.FetchedAt = s.now().UTC()
	}
	return p
}

func (s *Session) statusJSON() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := "{"
	first := true
	for code := 0; code < 600; code++ {
		n, ok := s.counts.byStatus[code]
		if !ok {
			continue
		}
		if !first {
			out += ","
		}
		first = false
		label := strconv.Itoa(code)
		if code == 0 {
			label = "error"
		}
		out += strconv.Quote(label) + ":" + strconv.FormatInt(n, 10)
	}
	return out + "}"
}

// SessionOptions builds a session outside a Runner, for collector tests
// and tools that want the rows rather than the lake.
type SessionOptions struct {
	RunID     string
	Mode      Mode
	Bundled   bool
	Log       *slog.Logger
	Transport http.RoundTripper
	Now       func() time.Time
	// Sink receives every row that passed validation.
	Sink func(schema.Row) error
}

// NewSession returns a session for collector c.
func NewSession(c Collector, o SessionOptions) *Session {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	sink := func(schema.Row, [rowhash.Size]byte) error { return nil }
	recordSink := func(schema.Dataset, string, arrow.RecordBatch, [][rowhash.Size]byte) error { return nil }
	if o.Sink != nil {
		sink = func(r schema.Row, _ [rowhash.Size]byte) error { return o.Sink(r) }
		// A test harness gets a bulk path's rows as rows, so a
		// collector's golden files do not depend on which path it took.
		recordSink = func(ds schema.Dataset, _ string, rec arrow.RecordBatch, _ [][rowhash.Size]byte) error {
			rows, err := lakestore.RecordRows(ds, rec)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if err := o.Sink(r); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return &Session{
		RunID: o.RunID, Mode: o.Mode, Bundled: o.Bundled, Log: o.Log, UserAgent: DefaultUserAgent,
		info: c.Info(), transport: o.Transport, now: o.Now, sink: sink, recordSink: recordSink, maxErrs: 50,
	}
}

// Rejected returns how many rows failed validation.
func (s *Session) Rejected() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// Errors returns the errors recorded so far.
func (s *Session) Errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errs...)
}

// DefaultUserAgent names the tool and where to complain.
const DefaultUserAgent = "gwanmun/0.1 (+https://github.com/gwanmun/gwanmun; research crawler)"
