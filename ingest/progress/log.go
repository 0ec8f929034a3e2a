package progress

import (
	"log/slog"
	"sync"
	"time"
)

// logReporter writes one Info record per collector at its start, every
// interval while it runs and at its end, and one per task step: what a
// cron log needs to show where a run is.
type logReporter struct {
	log   *slog.Logger
	clock Clock

	mu     sync.Mutex
	active []*Counters // in start order
	ticker Ticker
	stop   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
	// ticked hears of every handled tick (tests only).
	ticked chan struct{}
}

func newLogReporter(log *slog.Logger, clock Clock, interval time.Duration) *logReporter {
	r := &logReporter{log: log, clock: clock, ticker: clock.NewTicker(interval), stop: make(chan struct{})}
	r.wg.Add(1)
	go r.loop()
	return r
}

func (r *logReporter) loop() {
	defer r.wg.Done()
	for {
		select {
		case <-r.stop:
			return
		case <-r.ticker.C():
			r.mu.Lock()
			now := r.clock.Now()
			for _, c := range r.active {
				r.log.Info("collector progress", attrs(c.Snapshot(now))...)
			}
			r.mu.Unlock()
			if r.ticked != nil {
				r.ticked <- struct{}{}
			}
		}
	}
}

func (r *logReporter) Start(name string) *Counters {
	c := NewCounters(name, r.clock.Now())
	r.mu.Lock()
	r.active = append(r.active, c)
	r.mu.Unlock()
	r.log.Info("collector started", "collector", name)
	return c
}

func (r *logReporter) Finish(c *Counters, status string) {
	if c == nil {
		return
	}
	r.mu.Lock()
	for i, a := range r.active {
		if a == c {
			r.active = append(r.active[:i], r.active[i+1:]...)
			break
		}
	}
	r.mu.Unlock()
	c.Stop(r.clock.Now())
	r.log.Info("collector finished", append(attrs(c.Snapshot(r.clock.Now())), "status", status)...)
}

func (r *logReporter) Counters(name string) *Counters {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.active {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (r *logReporter) Task(kind string, n int) Task {
	r.log.Info(kind+" started", "kind", kind, "total", n)
	now := r.clock.Now()
	return &logTask{r: r, kind: kind, n: n, start: now, last: now}
}

func (r *logReporter) Close() {
	r.once.Do(func() {
		close(r.stop)
		r.wg.Wait()
		r.ticker.Stop()
	})
}

type logTask struct {
	r           *logReporter
	kind        string
	n, done     int
	start, last time.Time
	mu          sync.Mutex
}

// Step logs one finished item with how long it took.
func (t *logTask) Step(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.r.clock.Now()
	t.done++
	t.r.log.Info(t.kind+" done", "kind", t.kind, "name", name, "done", t.done, "total", t.n,
		"took_s", round1(now.Sub(t.last).Seconds()), "elapsed_s", round1(now.Sub(t.start).Seconds()))
	t.last = now
}

func (t *logTask) Done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.r.log.Info(t.kind+" finished", "kind", t.kind, "done", t.done, "total", t.n,
		"elapsed_s", round1(t.r.clock.Now().Sub(t.start).Seconds()))
}
