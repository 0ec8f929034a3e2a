// Package progress counts what a long run has done and shows it: a live
// display per collector on a terminal (mpb), structured log records at
// start, every interval and at the end off a terminal (cron), or nothing.
// The session feeds the request counters and politeness waits, the runner
// the rows; analyses and figure export report one step per item.
package progress

import (
	"context"
	"sync/atomic"
	"time"
)

// Counters is one collector's progress. Every method is safe for
// concurrent use and a no-op on a nil *Counters, so code that feeds it
// needs no check for "progress off".
type Counters struct {
	name    string
	started time.Time
	// announced: requests a collector said it will make (a page list);
	// begun: requests sent; done: requests answered or failed.
	announced, begun, done, failed, rows atomic.Int64
	waited                               atomic.Int64 // nanoseconds
	// stopped is when Stop was called (Unix nanoseconds; 0 while running):
	// a finished collector's rate and elapsed time stay as they ended.
	stopped atomic.Int64
}

// Stop freezes the clock of the counters at at.
func (c *Counters) Stop(at time.Time) {
	if c != nil {
		c.stopped.CompareAndSwap(0, at.UnixNano())
	}
}

// NewCounters starts counting for name at start.
func NewCounters(name string, start time.Time) *Counters {
	return &Counters{name: name, started: start}
}

// Name is the collector's name.
func (c *Counters) Name() string {
	if c == nil {
		return ""
	}
	return c.name
}

// Queue announces n requests still to make.
func (c *Counters) Queue(n int) {
	if c != nil && n > 0 {
		c.announced.Add(int64(n))
	}
}

// Begin counts a request sent.
func (c *Counters) Begin() {
	if c != nil {
		c.begun.Add(1)
	}
}

// Done counts a request answered; failed when it errored or the server
// refused it (status 0 or >= 400).
func (c *Counters) Done(failed bool) {
	if c == nil {
		return
	}
	c.done.Add(1)
	if failed {
		c.failed.Add(1)
	}
}

// AddRows counts rows accepted for the lake.
func (c *Counters) AddRows(n int64) {
	if c != nil {
		c.rows.Add(n)
	}
}

// Waited adds time spent waiting on politeness (per-host delay,
// Crawl-delay, back-off before a retry).
func (c *Counters) Waited(d time.Duration) {
	if c != nil && d > 0 {
		c.waited.Add(int64(d))
	}
}

// Sleep waits d (or until ctx ends) and counts it as politeness wait; it
// has the signature of transport.Config.Sleep.
func (c *Counters) Sleep(ctx context.Context, d time.Duration) error {
	c.Waited(d)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Snapshot is the counters at one moment.
type Snapshot struct {
	Collector string
	Requests  int64 // answered or failed
	Queued    int64 // announced or sent, not yet answered
	Failed    int64
	Rows      int64
	Elapsed   time.Duration
	Waited    time.Duration // on politeness
	// RowsPerSec and RequestsPerSec are averages since the start.
	RowsPerSec, RequestsPerSec float64
	// ETA is the queued requests at the average rate so far; -1 when
	// unknown (nothing queued, or no request answered yet).
	ETA time.Duration
}

// Snapshot reads the counters at now.
func (c *Counters) Snapshot(now time.Time) Snapshot {
	if c == nil {
		return Snapshot{ETA: -1}
	}
	if end := c.stopped.Load(); end != 0 && now.UnixNano() > end {
		now = time.Unix(0, end)
	}
	done := c.done.Load()
	s := Snapshot{
		Collector: c.name, Requests: done, Failed: c.failed.Load(), Rows: c.rows.Load(),
		Elapsed: now.Sub(c.started), Waited: time.Duration(c.waited.Load()), ETA: -1,
	}
	s.Queued = max(c.announced.Load(), c.begun.Load()) - done
	if s.Queued < 0 {
		s.Queued = 0
	}
	if sec := s.Elapsed.Seconds(); sec > 0 {
		s.RowsPerSec = float64(s.Rows) / sec
		s.RequestsPerSec = float64(done) / sec
	}
	if s.Queued > 0 && s.RequestsPerSec > 0 {
		s.ETA = time.Duration(float64(s.Queued) / s.RequestsPerSec * float64(time.Second)).Round(time.Second)
	}
	return s
}
