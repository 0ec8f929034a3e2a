package ingest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Repeats are caught within the window, memory stays within two windows,
// and a copy older than the window is let through (the readers keep one
// row per key).
func TestRepeatWindow(t *testing.T) {
	var got []string
	s := NewSession(stubCollector{}, SessionOptions{RunID: "r",
		Sink: func(r schema.Row) error { got = append(got, r.(*schema.Platform).PlatformID); return nil }})
	s.seen.window = 4
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	row := func(id, name string) *schema.Platform {
		return &schema.Platform{PlatformID: id, Name: name, Provenance: schema.Provenance{SourceURL: "https://x.kr/", FetchedAt: at}}
	}
	s.Emit(row("p0", "zero"))
	s.Emit(row("p0", "zero"))  // identical: dropped
	s.Emit(row("p0", "other")) // same key, same fetch, other values: rejected
	for i := 1; i < 20; i++ {
		s.Emit(row(fmt.Sprintf("p%d", i), "n"))
		if n := len(s.seen.cur) + len(s.seen.old); n > 2*s.seen.window {
			t.Fatalf("%d keys remembered, window %d", n, s.seen.window)
		}
	}
	s.Emit(row("p19", "n")) // still in the window: dropped
	s.Emit(row("p0", "zero"))
	if len(got) != 21 || got[0] != "p0" || got[19] != "p19" || got[20] != "p0" {
		t.Fatalf("rows %v", got)
	}
	if s.Rejected() != 1 || s.counts.duplicates != 2 {
		t.Fatalf("rejected %d, duplicates %d", s.Rejected(), s.counts.duplicates)
	}
}
