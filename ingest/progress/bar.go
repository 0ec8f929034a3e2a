package progress

import (
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// barRefresh is how often the terminal display redraws.
const barRefresh = 200 * time.Millisecond

// barReporter draws one mpb bar per collector (requests answered of those
// known, with the counters beside it) and one per task. The redraw is
// driven by the Clock's ticker, so tests step it by hand.
type barReporter struct {
	p      *mpb.Progress
	clock  Clock
	ticker Ticker
	redraw chan any

	mu    sync.Mutex
	bars  map[*Counters]*mpb.Bar
	tasks []*mpb.Bar
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

func newBarReporter(out io.Writer, clock Clock, every time.Duration) *barReporter {
	r := &barReporter{
		clock: clock, ticker: clock.NewTicker(every), redraw: make(chan any),
		bars: map[*Counters]*mpb.Bar{}, stop: make(chan struct{}),
	}
	r.p = mpb.New(mpb.WithOutput(out), mpb.WithWidth(100), mpb.WithManualRefresh(r.redraw))
	r.wg.Add(1)
	go r.loop()
	return r
}

func (r *barReporter) loop() {
	defer r.wg.Done()
	for {
		select {
		case <-r.stop:
			return
		case now := <-r.ticker.C():
			r.update()
			select {
			case r.redraw <- now:
			case <-r.stop:
				return
			}
		}
	}
}

// update moves every collector's bar to its counters: the total is what
// is known so far (answered + queued), so the bar fills as the queue drains.
func (r *barReporter) update() {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	for c, b := range r.bars {
		s := c.Snapshot(now)
		b.SetTotal(s.Requests+s.Queued, false)
		b.SetCurrent(s.Requests)
	}
}

func (r *barReporter) Start(name string) *Counters {
	c := NewCounters(name, r.clock.Now())
	b := r.p.New(0, mpb.BarStyle(),
		mpb.PrependDecorators(decor.Name(name, decor.WC{C: decor.DindentRight | decor.DextraSpace, W: 14})),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return line(c.Snapshot(r.clock.Now())) })),
		mpb.BarWidth(20),
	)
	r.mu.Lock()
	r.bars[c] = b
	r.mu.Unlock()
	return c
}

func (r *barReporter) Finish(c *Counters, status string) {
	r.mu.Lock()
	b := r.bars[c]
	delete(r.bars, c)
	r.mu.Unlock()
	if b == nil {
		return
	}
	c.Stop(r.clock.Now())
	s := c.Snapshot(r.clock.Now())
	// A full bar says done, also for a collector that makes no requests.
	n := max(s.Requests, 1)
	b.SetCurrent(n)
	b.SetTotal(n, true)
	_ = status // the summary table that follows says it
}

func (r *barReporter) Counters(name string) *Counters {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.bars {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (r *barReporter) Task(kind string, n int) Task {
	t := &barTask{}
	t.b = r.p.New(int64(n), mpb.BarStyle(),
		mpb.PrependDecorators(decor.Name(kind, decor.WC{C: decor.DindentRight | decor.DextraSpace, W: 14})),
		mpb.AppendDecorators(decor.CountersNoUnit("%d / %d "), decor.Any(func(decor.Statistics) string {
			t.mu.Lock()
			defer t.mu.Unlock()
			return t.name
		})),
		mpb.BarWidth(20),
	)
	r.mu.Lock()
	r.tasks = append(r.tasks, t.b)
	r.mu.Unlock()
	return t
}

// Close completes what is left (a run that failed midway) and waits for
// the last redraw.
func (r *barReporter) Close() {
	r.once.Do(func() {
		close(r.stop)
		r.wg.Wait()
		r.ticker.Stop()
		r.mu.Lock()
		for c, b := range r.bars {
			b.Abort(false)
			delete(r.bars, c)
		}
		for _, b := range r.tasks {
			if !b.Completed() {
				b.Abort(false)
			}
		}
		r.mu.Unlock()
		r.p.Wait()
	})
}

type barTask struct {
	b    *mpb.Bar
	mu   sync.Mutex
	name string
}

func (t *barTask) Step(name string) {
	t.mu.Lock()
	t.name = name
	t.mu.Unlock()
	t.b.Increment()
}

func (t *barTask) Done() { t.b.SetTotal(-1, true) }
