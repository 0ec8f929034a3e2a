package lakestore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// TestDiff commits three runs of MAU figures and lists what changed:
// run r2 restates kakaotalk (10 → 12), adds line, fetches naver again
// unchanged (no change) and gives band a new note with the same value
// (superseded); r3 adds nothing new. The same changes come out by run and
// by date, before and after compaction, and backwards as removals.
func TestDiff(t *testing.T) {
	dir := t.TempDir()
	t1 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	t2 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	row := func(id string, v float64, note string, at time.Time) schema.Row {
		return &schema.MAU{
			PlatformID: id, Country: "KR", Metric: "mau", PeriodGrain: "month",
			PeriodStart: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), Value: v, Unit: "persons",
			Estimator: "panel", Source: "P", Note: note,
			Provenance: schema.Provenance{SourceURL: "https://p.example/", FetchedAt: at},
		}
	}
	commit(t, dir, "r1", []schema.Row{row("kakaotalk", 10, "", t1), row("naver", 5, "", t1), row("band", 3, "", t1)})
	commit(t, dir, "r2", []schema.Row{row("kakaotalk", 12, "", t2), row("naver", 5, "", t2), row("line", 2, "", t2), row("band", 3, "rounded", t2)})
	commit(t, dir, "r3", []schema.Row{row("naver", 5, "", t2.Add(time.Hour))})
	mau, _ := schema.Lookup("mau")
	ctx := context.Background()
	show := func(cs []Change) []string {
		var out []string
		for _, c := range cs {
			s := fmt.Sprintf("%s %s %s", c.Dataset, c.Change, c.Key)
			if c.OldValue != nil || c.NewValue != nil {
				s += fmt.Sprintf(" %v→%v", deref(c.OldValue), deref(c.NewValue))
			}
			if len(c.Changed) > 0 {
				s += fmt.Sprint(" ", c.Changed)
			}
			out = append(out, s)
		}
		return out
	}
	forward := []string{
		"mau added line | KR | mau | 2026-09-01 | month | P | 0 <nil>→2",
		"mau restated kakaotalk | KR | mau | 2026-09-01 | month | P | 0 10→12 [value]",
		"mau superseded band | KR | mau | 2026-09-01 | month | P | 0 3→3 [note]",
	}
	state := func(id string) State {
		st, err := StateAfterRun(dir, id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	check := func(name string, from, to State, want []string) {
		t.Helper()
		got, err := Diff(ctx, dir, from, to, []schema.Dataset{mau})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(show(got), want) {
			t.Errorf("%s:\n got %q\nwant %q", name, show(got), want)
		}
	}
	check("r1 → r3", state("r1"), state("r3"), forward)
	check("r2 → r3 (naver fetched again, unchanged)", state("r2"), state("r3"), nil)
	day := func(s string) State {
		d, _ := time.Parse(time.DateOnly, s)
		return StateAt(d.AddDate(0, 0, 1), s)
	}
	check("2026-11-01 → 2026-12-01", day("2026-11-01"), day("2026-12-01"), forward)
	check("r3 → r1", state("r3"), state("r1"), []string{
		"mau removed line | KR | mau | 2026-09-01 | month | P | 0 2→<nil>",
		"mau restated kakaotalk | KR | mau | 2026-09-01 | month | P | 0 12→10 [value]",
		"mau superseded band | KR | mau | 2026-09-01 | month | P | 0 3→3 [note]",
	})

	l, err := Open(dir, "c1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Compact("c1"); err != nil {
		t.Fatal(err)
	}
	l.Close()
	check("r1 → r3 after compaction", state("r1"), state("r3"), forward)

	if _, err := StateAfterRun(dir, "nope"); !errors.Is(err, ErrUnknownRun) {
		t.Fatalf("unknown run: %v", err)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
