package progress

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock moves only when the test says so; its ticker ticks only when
// the test sends on it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
	t   *fakeTicker
}

type fakeTicker struct{ c chan time.Time }

func (t *fakeTicker) C() <-chan time.Time { return t.c }
func (t *fakeTicker) Stop()               {}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) NewTicker(time.Duration) Ticker {
	f.t = &fakeTicker{c: make(chan time.Time)}
	return f.t
}

func (f *fakeClock) advance(d time.Duration) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	return f.now
}

var t0 = time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)

func TestParseModeIsStrict(t *testing.T) {
	for _, ok := range []string{"auto", "bar", "log", "off"} {
		if m, err := ParseMode(ok); err != nil || string(m) != ok {
			t.Errorf("ParseMode(%q) = %q, %v", ok, m, err)
		}
	}
	for _, bad := range []string{"", "Auto", "bars", "none", "on"} {
		if _, err := ParseMode(bad); err == nil {
			t.Errorf("ParseMode(%q) accepted", bad)
		}
	}
}

func TestSnapshotRatesQueueAndETA(t *testing.T) {
	c := NewCounters("news", t0)
	c.Queue(10)
	for i := 0; i < 4; i++ {
		c.Begin()
		c.Done(i == 3)
	}
	c.AddRows(40)
	c.Waited(3 * time.Second)
	s := c.Snapshot(t0.Add(8 * time.Second))
	want := Snapshot{Collector: "news", Requests: 4, Queued: 6, Failed: 1, Rows: 40, Elapsed: 8 * time.Second,
		Waited: 3 * time.Second, RowsPerSec: 5, RequestsPerSec: 0.5, ETA: 12 * time.Second}
	if s != want {
		t.Fatalf("snapshot = %+v\nwant       %+v", s, want)
	}
	// Without a page list, queued is what was sent and not answered.
	d := NewCounters("rss", t0)
	d.Begin()
	d.Begin()
	d.Done(false)
	if s := d.Snapshot(t0.Add(time.Second)); s.Queued != 1 || s.ETA != time.Second {
		t.Fatalf("in flight: %+v", s)
	}
	// Stopped counters keep their rate.
	d.Stop(t0.Add(2 * time.Second))
	if s := d.Snapshot(t0.Add(time.Hour)); s.Elapsed != 2*time.Second || s.RequestsPerSec != 0.5 {
		t.Fatalf("after Stop: %+v", s)
	}
	// Nothing queued: no ETA; a nil counter is harmless.
	if s := NewCounters("seed", t0).Snapshot(t0); s.ETA != -1 {
		t.Fatalf("ETA of nothing = %v", s.ETA)
	}
	var none *Counters
	none.Begin()
	none.Done(true)
	none.AddRows(1)
	if err := none.Sleep(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
}

func TestSleepCountsPolitenessWait(t *testing.T) {
	c := NewCounters("news", t0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); err == nil {
		t.Fatal("a cancelled sleep returned nil")
	}
	if s := c.Snapshot(t0); s.Waited != time.Hour {
		t.Fatalf("waited %v, want 1h", s.Waited)
	}
}

func records(t *testing.T, b *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestLogModeWritesStartEveryTickAndEnd(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{now: t0}
	r := New(Options{Mode: Log, Log: slog.New(slog.NewJSONHandler(&buf, nil)), Clock: clock, Interval: time.Minute}).(*logReporter)
	r.ticked = make(chan struct{})
	c := r.Start("news")
	if r.Counters("news") != c || r.Counters("rss") != nil {
		t.Fatal("Counters does not find the running collector")
	}
	c.Queue(100)
	for i := 0; i < 20; i++ {
		c.Begin()
		c.Done(false)
	}
	c.AddRows(20)
	clock.t.c <- clock.advance(10 * time.Second)
	<-r.ticked
	for i := 0; i < 30; i++ {
		c.Begin()
		c.Done(i%10 == 0)
	}
	c.AddRows(30)
	c.Waited(4 * time.Second)
	clock.t.c <- clock.advance(10 * time.Second)
	<-r.ticked
	clock.advance(5 * time.Second)
	r.Finish(c, "ok")
	clock.t.c <- clock.advance(10 * time.Second) // nothing runs: no record
	<-r.ticked
	task := r.Task("analysis", 2)
	clock.advance(2 * time.Second)
	task.Step("concentration")
	clock.advance(3 * time.Second)
	task.Step("outage_impact")
	task.Done()
	r.Close()
	r.Close()

	got := records(t, &buf)
	type rec struct {
		msg                       string
		requests, queued, failed  float64
		rows, eta, wait, rowsPerS float64
	}
	var recs []rec
	for _, m := range got {
		if m["level"] != "INFO" {
			t.Errorf("record %v: level %v, want INFO", m["msg"], m["level"])
		}
		if m["collector"] != nil && m["collector"] != "news" {
			t.Errorf("record %v names collector %v", m["msg"], m["collector"])
		}
		f := func(k string) float64 { v, _ := m[k].(float64); return v }
		recs = append(recs, rec{m["msg"].(string), f("requests"), f("queued"), f("failed"), f("rows"), f("eta_s"), f("politeness_wait_s"), f("rows_per_s")})
	}
	want := []rec{
		{msg: "collector started"},
		{"collector progress", 20, 80, 0, 20, 40, 0, 2},
		{"collector progress", 50, 50, 3, 50, 20, 4, 2.5},
		{"collector finished", 50, 50, 3, 50, 25, 4, 2},
		{msg: "analysis started"},
		{msg: "analysis done"},
		{msg: "analysis done"},
		{msg: "analysis finished"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d:\n%s", len(recs), len(want), buf.String())
	}
	for i := range want {
		if recs[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, recs[i], want[i])
		}
	}
	if got[6]["name"] != "outage_impact" || got[6]["took_s"] != 3.0 || got[6]["done"] != 2.0 || got[6]["total"] != 2.0 {
		t.Errorf("second step record: %v", got[6])
	}
	if got[3]["status"] != "ok" {
		t.Errorf("finish record has status %v", got[3]["status"])
	}
}

func TestBarModeDrawsEachCollector(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{now: t0}
	r := newBarReporter(&buf, clock, time.Second)
	c := r.Start("wikitable")
	c.Queue(8)
	for i := 0; i < 4; i++ {
		c.Begin()
		c.Done(i == 0)
	}
	c.AddRows(120)
	c.Waited(2 * time.Second)
	clock.t.c <- clock.advance(4 * time.Second)
	clock.t.c <- clock.advance(0) // the previous tick's redraw is done
	r.Finish(c, "ok")
	task := r.Task("figure", 3)
	task.Step("hhi")
	task.Done()
	r.Close()
	out := buf.String()
	for _, want := range []string{"wikitable", "req 4 (queued 4, failed 1)", "rows 120", "30 rows/s", "polite wait 2s", "ETA 4s", "figure"} {
		if !strings.Contains(out, want) {
			t.Errorf("display lacks %q:\n%s", want, out)
		}
	}
}

func TestOffShowsNothingButCounts(t *testing.T) {
	r := New(Options{Mode: Off})
	c := r.Start("seed")
	c.AddRows(3)
	if r.Counters("seed") != c {
		t.Fatal("Off mode lost the counters")
	}
	r.Finish(c, "ok")
	r.Task("analysis", 1).Step("x")
	r.Close()
	if s := c.Snapshot(time.Now()); s.Rows != 3 {
		t.Fatalf("rows %d", s.Rows)
	}
}
