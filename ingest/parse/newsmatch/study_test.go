package newsmatch

import (
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwanmun/gwanmun/data/study"
)

// A study's terms, in its own language, drive the matcher: an item the
// default study drops is kept, with the study's incident, under another.
func TestStudyMatcher(t *testing.T) {
	const file = `name = "line_jp"
title = "A LINE outage in Japan"
[incident]
id = "line-jp-outage"
cause = "data centre fire"
start = 2023-05-01T10:00:00+09:00
end = 2023-05-01T20:00:00+09:00
news_to = 2023-05-15T00:00:00+09:00
affected_services = ["line"]
[incident.start_citation]
url = "https://example.org/a"
title = "A"
publisher = "P"
accessed = "2024-01-02"
[incident.end_citation]
url = "https://example.org/a"
title = "A"
publisher = "P"
accessed = "2024-01-02"
[news]
terms = ["LINE outage", "data centre fire", "LINE 障害"]
[[news.services]]
id = "line"
aliases = ["LINE", "ライン"]
outage = ["LINE 不具合"]
[report]
sections = ["news_volume"]
`
	s, err := study.Load(fstest.MapFS{"line_jp/study.toml": {Data: []byte(file)}}, "line_jp", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	title := "LINE outage in Japan after data centre fire"
	if terms, _ := DefaultMatcher.Match(title); len(terms) != 0 {
		t.Fatalf("the default study matched %v", terms)
	}
	m := StudyMatcher(s)
	terms, services := m.Match(title)
	if !slices.Equal(terms, []string{"LINE outage", "data centre fire"}) || !slices.Equal(services, []string{"line"}) {
		t.Fatalf("terms %v services %v", terms, services)
	}
	at := time.Date(2023, 5, 2, 3, 0, 0, 0, time.UTC)
	if got := m.IncidentFor(terms, &at); got != "line-jp-outage" {
		t.Fatalf("incident %q", got)
	}
	late := time.Date(2023, 6, 2, 3, 0, 0, 0, time.UTC)
	if got := m.IncidentFor(terms, &late); got != "" {
		t.Fatalf("an article after the news window got incident %q", got)
	}
	// Japanese terms match without spaces between words and particles.
	if terms, services := m.Match("LINEで大規模な障害、ラインが一時不通"); !slices.Contains(terms, "LINE 障害") || !slices.Contains(services, "line") {
		t.Fatalf("Japanese: terms %v services %v", terms, services)
	}
}
