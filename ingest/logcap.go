package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// DefaultLogRepeats is how many log lines with the same message one
// collector writes per run before the rest are only counted.
const DefaultLogRepeats = 20

// maxCappedMessages bounds the counter map; messages are constant strings
// in the code, so this is never reached in practice.
const maxCappedMessages = 1000

// repeatCap is a slog.Handler that passes the first limit records of each
// (level, message) and counts the rest, so one hostile page with 400,000
// bad rows writes 20 warnings and a summary line to the cron mail instead
// of 84 MB. Flush writes the summary; the ledger keeps the totals.
type repeatCap struct {
	next  slog.Handler
	state *capState
}

type capState struct {
	mu    sync.Mutex
	limit int
	base  slog.Handler // the handler Flush writes summaries to
	seen  map[capKey]int
	order []capKey // first-seen order, for a stable summary
}

type capKey struct {
	level slog.Level
	msg   string
}

func newRepeatCap(next slog.Handler, limit int) *repeatCap {
	return &repeatCap{next: next, state: &capState{limit: limit, base: next, seen: map[capKey]int{}}}
}

func (h *repeatCap) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *repeatCap) Handle(ctx context.Context, r slog.Record) error {
	st := h.state
	k := capKey{r.Level, r.Message}
	st.mu.Lock()
	n, ok := st.seen[k]
	if !ok && len(st.seen) >= maxCappedMessages {
		k = capKey{r.Level, "(other messages)"}
		n = st.seen[k]
	}
	if _, known := st.seen[k]; !known {
		st.order = append(st.order, k)
	}
	st.seen[k] = n + 1
	st.mu.Unlock()
	if n >= st.limit {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *repeatCap) WithAttrs(as []slog.Attr) slog.Handler {
	return &repeatCap{next: h.next.WithAttrs(as), state: h.state}
}

func (h *repeatCap) WithGroup(name string) slog.Handler {
	return &repeatCap{next: h.next.WithGroup(name), state: h.state}
}

// Flush writes one line per message that went over the limit, saying how
// many lines were left out, and starts counting afresh.
func (h *repeatCap) Flush(ctx context.Context, attrs ...slog.Attr) {
	st := h.state
	st.mu.Lock()
	type over struct {
		k          capKey
		suppressed int
	}
	var lines []over
	for _, k := range st.order {
		if n := st.seen[k]; n > st.limit {
			lines = append(lines, over{k, n - st.limit})
		}
	}
	st.seen, st.order = map[capKey]int{}, nil
	st.mu.Unlock()
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].k.level > lines[j].k.level })
	for _, l := range lines {
		if !st.base.Enabled(ctx, l.k.level) {
			continue
		}
		r := slog.NewRecord(time.Now(), l.k.level, "repeated log lines left out", 0)
		r.AddAttrs(attrs...)
		r.AddAttrs(slog.String("message", l.k.msg), slog.Int("shown", st.limit), slog.Int("left_out", l.suppressed))
		_ = st.base.Handle(ctx, r)
	}
}

// MaxPageProblems is how many of one page's problems a parser keeps as
// errors; the ledger shows at most 50 messages and the log 20 lines per
// message, so more would only cost memory.
const MaxPageProblems = 50

// Problems collects what a page parser could not read: the first
// MaxPageProblems in full, the rest only counted. A 12 MB page of 240,000
// bad rows then holds 50 errors (it held all 240,000, about 110 MiB),
// while the ledger still counts every one (Page.MoreProblems).
type Problems struct {
	list []error
	more int
}

// Add keeps err, or only counts it once MaxPageProblems are kept.
func (p *Problems) Add(err error) {
	if len(p.list) < MaxPageProblems {
		p.list = append(p.list, err)
		return
	}
	p.more++
}

// Addf is Add(fmt.Errorf(format, a...)), formatting only a problem it
// keeps.
func (p *Problems) Addf(format string, a ...any) {
	if len(p.list) < MaxPageProblems {
		p.list = append(p.list, fmt.Errorf(format, a...))
		return
	}
	p.more++
}

// List is the kept problems, for Page.Problems.
func (p *Problems) List() []error { return p.list }

// More is how many problems were counted but not kept, for
// Page.MoreProblems.
func (p *Problems) More() int { return p.more }

// Len is every problem added, kept or not.
func (p *Problems) Len() int { return len(p.list) + p.more }

// moreParseFailures counts a page's problems its parser did not keep
// (see Problems): each is a parse failure in the ledger, and together
// they get one log line and one ledger message.
func (s *Session) moreParseFailures(url string, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	s.counts.parseFailures += int64(n)
	s.mu.Unlock()
	s.Log.Warn("parse failures not listed", "collector", s.info.Name, "url", url, "count", n)
	s.record(func() string { return fmt.Sprintf("parse %s: %d more problems not listed", url, n) })
}
