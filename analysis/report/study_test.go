package report

import (
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/studies"
	"github.com/gwanmun/gwanmun/data/study"
)

// A study picks the report's sections, in its order, and words the
// sections that name its incident; the default study keeps the page as it
// was.
func TestStudySections(t *testing.T) {
	fb, err := study.Load(studies.FS, "facebook_outage_2021", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	steps, err := studySections(fb)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(steps, ","); got != "outage_gantt,outage_impact,blast_radius,mau_trend,network_effects,news_volume" {
		t.Fatalf("sections %s", got)
	}
	def, err := studySections(study.Default())
	if err != nil || len(def) != len(reportSections) {
		t.Fatalf("default study: %d sections, %v", len(def), err)
	}
	b := &builder{lang: "en", study: study.Default()}
	if got := b.text("outage_gantt.title"); !strings.Contains(got, "Pangyo") {
		t.Fatalf("default study title %q", got)
	}
	b.study = fb
	if got := b.text("outage_gantt.title"); got != "Restoration per service" {
		t.Fatalf("generic title %q", got)
	}
	bad := &study.Study{Name: "x", Report: study.Report{Sections: []string{"hhi", "gantt"}}}
	if _, err := studySections(bad); err == nil || !strings.Contains(err.Error(), `"gantt"`) {
		t.Fatalf("unknown section: %v", err)
	}
}
