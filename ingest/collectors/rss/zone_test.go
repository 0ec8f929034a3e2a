package rss

import (
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// A `from`/`to` day is a day of the active study's time zone: the same
// config bounds other instants under a study told in another zone.
func TestWindowDaysFollowTheStudyZone(t *testing.T) {
	defer newsmatch.UseStudy(study.Default())
	for _, tc := range []struct{ name, zone, from, to string }{
		{"pangyo_fire_2022", "Asia/Seoul", "2022-10-14T15:00:00Z", "2022-10-21T15:00:00Z"},
		{"facebook_outage_2021", "UTC", "2022-10-15T00:00:00Z", "2022-10-22T00:00:00Z"},
	} {
		s, err := study.Open(tc.name, "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if s.Analysis.TimeZone != tc.zone && !(tc.zone == "UTC" && s.Analysis.TimeZone == "") {
			t.Fatalf("%s: time zone %q, want %q", tc.name, s.Analysis.TimeZone, tc.zone)
		}
		newsmatch.UseStudy(s)
		c := newCollector(t, "[sources.rss]\nfrom = \"2022-10-15\"\nto = \"2022-10-22\"\n").(*Collector)
		if got := c.window.From.UTC().Format(time.RFC3339); got != tc.from {
			t.Errorf("%s: from %s, want %s", tc.name, got, tc.from)
		}
		if got := c.window.To.UTC().Format(time.RFC3339); got != tc.to {
			t.Errorf("%s: to %s, want %s", tc.name, got, tc.to)
		}
	}
}
