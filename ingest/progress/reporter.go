package progress

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"
)

// Mode is how progress is shown: the --progress flag.
type Mode string

// Modes. Auto is Bar when stderr is a terminal, Log otherwise.
const (
	Auto Mode = "auto"
	Bar  Mode = "bar"
	Log  Mode = "log"
	Off  Mode = "off"
)

// ParseMode accepts exactly auto, bar, log or off.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Auto, Bar, Log, Off:
		return m, nil
	}
	return "", fmt.Errorf("%q: want auto, bar, log or off", s)
}

// DefaultInterval is how often Log mode writes a record per running
// collector.
const DefaultInterval = 10 * time.Second

// Reporter shows the progress of collectors and of step-wise work.
type Reporter interface {
	// Start begins counting collector; Finish ends it with its status.
	Start(collector string) *Counters
	Finish(c *Counters, status string)
	// Counters returns the running collector's counters, nil if none.
	Counters(collector string) *Counters
	// Task begins n steps of one kind ("analysis", "figure").
	Task(kind string, n int) Task
	// Close stops the display; it is safe to call more than once.
	Close()
}

// Task is a sequence of steps: Step after each one, Done at the end.
type Task interface {
	Step(name string)
	Done()
}

// Options configure New.
type Options struct {
	Mode Mode // Bar, Log or Off (resolve Auto first)
	// Out is where Bar draws (stderr).
	Out io.Writer
	// Log receives Log mode's records, at level Info.
	Log      *slog.Logger
	Interval time.Duration // Log mode; default DefaultInterval
	Clock    Clock         // default RealClock
}

// New returns the reporter of o.Mode.
func New(o Options) Reporter {
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	switch o.Mode {
	case Log:
		if o.Log == nil {
			return Nop()
		}
		return newLogReporter(o.Log, o.Clock, o.Interval)
	case Bar:
		if o.Out == nil {
			return Nop()
		}
		return newBarReporter(o.Out, o.Clock, barRefresh)
	}
	return Nop()
}

// Nop counts (so the summary and the ledger do not depend on the mode)
// and shows nothing.
func Nop() Reporter { return &nop{active: map[string]*Counters{}} }

type nop struct {
	mu     sync.Mutex
	active map[string]*Counters
}

func (n *nop) Start(name string) *Counters {
	c := NewCounters(name, time.Now())
	n.mu.Lock()
	n.active[name] = c
	n.mu.Unlock()
	return c
}

func (n *nop) Finish(c *Counters, _ string) {
	c.Stop(time.Now())
	n.mu.Lock()
	delete(n.active, c.Name())
	n.mu.Unlock()
}

func (n *nop) Counters(name string) *Counters {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.active[name]
}

func (n *nop) Task(string, int) Task { return nopTask{} }
func (n *nop) Close()                {}

type nopTask struct{}

func (nopTask) Step(string) {}
func (nopTask) Done()       {}

// attrs are a snapshot as log attributes: seconds, not nanoseconds, so a
// cron log reads at a glance.
func attrs(s Snapshot) []any {
	a := []any{
		"collector", s.Collector, "requests", s.Requests, "queued", s.Queued, "failed", s.Failed,
		"rows", s.Rows, "rows_per_s", round1(s.RowsPerSec), "requests_per_s", round1(s.RequestsPerSec),
		"elapsed_s", round1(s.Elapsed.Seconds()), "politeness_wait_s", round1(s.Waited.Seconds()),
	}
	if s.ETA >= 0 {
		a = append(a, "eta_s", round1(s.ETA.Seconds()))
	}
	return a
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// line is a snapshot as one line of the terminal display.
func line(s Snapshot) string {
	out := fmt.Sprintf("req %d (queued %d, failed %d) · rows %d · %.0f rows/s", s.Requests, s.Queued, s.Failed, s.Rows, s.RowsPerSec)
	if s.Waited > 0 {
		out += fmt.Sprintf(" · polite wait %s", s.Waited.Round(time.Second))
	}
	if s.ETA >= 0 {
		out += fmt.Sprintf(" · ETA %s", s.ETA)
	}
	return out
}
