package statuspage

import (
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

var updateGolden = flag.Bool("update", false, "rebuild testdata/recording.warc.gz and testdata/want.json")

// recordedAt dates the bundled recording's exchanges: the day the capture
// was put into the recording (the capture itself is of 2022-11-25).
var recordedAt = time.Date(2026, 11, 24, 12, 40, 0, 0, time.UTC)

const capture = "testdata/pages/githubstatus-summary-2022-11-25.json"

func newCollector(t *testing.T) ingest.Collector {
	t.Helper()
	cfg, err := ingest.Config{}.Source(Name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecording(t *testing.T) {
	rows := recordtest.Recording{At: recordedAt, RunID: "test"}.Check(t, newCollector(t), *updateGolden)
	for _, r := range rows {
		p := r.Prov()
		if p.SourceURL != "https://www.githubstatus.com/api/v2/summary.json" || p.ContentSHA256 == "" ||
			p.WARCRecordID == nil || !p.FetchedAt.Equal(recordedAt) {
			t.Errorf("provenance %+v", p)
		}
	}
}

// The real GitHub capture: seven "investigating" updates of one incident,
// times in UTC ("Etc/UTC" page), asserted row by row.
func TestParseGitHubCapture(t *testing.T) {
	body, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Parse(body, "")
	if err != nil {
		t.Fatal(err)
	}
	const id = "2022-11-25-github-ljwdk6qml8z8"
	want := []struct {
		update, event, at, local, scope, note string
	}{
		{"n1dr3fb22655", "start", "2022-11-25T14:39:09.577Z", "2022-11-25T14:39:09.577", "Packages (operational); impact major",
			"We are investigating reports of degraded performance for Packages."},
		{"y0x9rc7hvp1s", "update", "2022-11-25T14:39:29.123Z", "2022-11-25T14:39:29.123", "Pages (operational), Packages (partial_outage); impact major",
			"Pages is experiencing degraded performance. We are continuing to investigate."},
		{"5r7154l5bkg7", "update", "2022-11-25T15:06:53.071Z", "2022-11-25T15:06:53.071", "Pages (partial_outage), Packages (partial_outage); impact major",
			"Packages is now experiencing degraded availability. We are continuing to investigate."},
		{"3956pfljsss1", "update", "2022-11-25T15:11:41.808Z", "2022-11-25T15:11:41.808", "Packages, Pages; impact major",
			"We are investigating issues with Packages. GitHub Pages and ghcr.io are also impacted. We will continue to update users as we progress towards mitigation."},
		{"8bccy289xckg", "update", "2022-11-25T15:40:46.461Z", "2022-11-25T15:40:46.461", "Pages (partial_outage), Packages (major_outage); impact major",
			"Pages is operating normally."},
		{"8fnd7wsp5v36", "update", "2022-11-25T15:45:13.950Z", "2022-11-25T15:45:13.950", "Packages, Pages; impact major",
			"Following mitigations being put in place, we are seeing recovery for GitHub Packages, GitHub Pages and ghcr.io. We are monitoring this recovery and will continue to update."},
		{"k0x2s8g2plxb", "update", "2022-11-25T15:50:04.967Z", "2022-11-25T15:50:04.967", "Pages (operational), Packages (major_outage); impact major",
			"Packages is now experiencing degraded performance. We are still investigating and will provide an update when we have one."},
	}
	if len(evs) != len(want) {
		t.Fatalf("got %d events, want %d", len(evs), len(want))
	}
	for i, w := range want {
		e := evs[i]
		r := e.Row
		at, _ := time.Parse(time.RFC3339Nano, w.at)
		if e.UpdateID != w.update || r.IncidentID != id || r.ServiceID != "github" || r.Service != "GitHub" ||
			r.Event != w.event || r.EventRaw != "investigating" || !r.At.Equal(at) || r.At.Location() != time.UTC ||
			r.AtLocal != w.local || r.UTCOffset != "+00:00" || r.Scope != w.scope || r.Note != w.note || r.Cause != "" {
			t.Errorf("event %d:\n got %s %+v\nwant %+v", i, e.UpdateID, *r, w)
		}
		if e.Title != "GitHub status: Incident with Packages and Pages" {
			t.Errorf("title %q", e.Title)
		}
	}
}

// The same capture on a page kept in Seoul time: at stays UTC, at_local
// and utc_offset follow the page's zone, and the incident id takes the
// local date of its start.
func TestParsePageTimeZone(t *testing.T) {
	body, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	body = []byte(strings.Replace(string(body), `"time_zone": "Etc/UTC"`, `"time_zone": "Asia/Seoul"`, 1))
	evs, err := Parse(body, "gh")
	if err != nil {
		t.Fatal(err)
	}
	r := evs[0].Row
	if r.IncidentID != "2022-11-25-gh-ljwdk6qml8z8" || r.AtLocal != "2022-11-25T23:39:09.577" || r.UTCOffset != "+09:00" ||
		r.At.Format(time.RFC3339Nano) != "2022-11-25T14:39:09.577Z" {
		t.Errorf("got %s %s %s %s", r.IncidentID, r.AtLocal, r.UTCOffset, r.At)
	}
	last := evs[len(evs)-1].Row
	if last.AtLocal != "2022-11-26T00:50:04.967" {
		t.Errorf("last at_local %s", last.AtLocal)
	}
}

// A resolved incident: monitoring is a partial restore, resolved the
// restore, the postmortem the cause; with no investigating update the
// start comes from started_at.
func TestParseLifecycle(t *testing.T) {
	const body = `{"page":{"id":"p1","name":"Example Cloud","time_zone":"America/Los_Angeles"},
"incidents":[{"id":"i1","name":"API errors","impact":"minor","started_at":"2022-03-01T10:00:00Z",
"postmortem_body":"<p>A bad <b>config</b> push.</p>",
"components":[{"name":"API"}],
"incident_updates":[
 {"id":"u3","status":"resolved","body":"Fixed.","display_at":"2022-03-01T12:00:00Z"},
 {"id":"u2","status":"monitoring","body":"A fix is rolling out.","display_at":"2022-03-01T11:00:00Z"}]}]}`
	evs, err := Parse([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Row.Event+" "+e.Row.AtLocal+" "+e.Row.UTCOffset+" "+e.Row.Cause)
	}
	want := []string{
		"start 2022-03-01T02:00:00.000 -08:00 A bad config push.",
		"partial_restore 2022-03-01T03:00:00.000 -08:00 A bad config push.",
		"restore 2022-03-01T04:00:00.000 -08:00 A bad config push.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if evs[0].Row.IncidentID != "2022-03-01-example_cloud-i1" || evs[0].Row.Scope != "API; impact minor" {
		t.Errorf("row %+v", *evs[0].Row)
	}
	for _, e := range evs {
		if err := e.Row.Validate(); err != nil {
			t.Error(err)
		}
	}
}

func TestNewValidates(t *testing.T) {
	for name, raw := range map[string]string{
		"bad endpoint": "[sources.statuspage]\nendpoints = [\"history\"]\n",
		"bad url":      "[sources.statuspage]\nurl = \"ftp://example.com\"\n",
		"unknown key":  "[sources.statuspage]\npage = \"x\"\n",
	} {
		cfg, err := ingest.ParseConfig([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := cfg.Source(Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(sc); err == nil {
			t.Errorf("%s: New accepted %q", name, raw)
		}
	}
}

func FuzzParse(f *testing.F) {
	body, err := os.ReadFile(capture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte(`{"page":{"id":"x","time_zone":"Asia/Seoul"},"incidents":[{"id":"i","incident_updates":[{"id":"u","status":"resolved","display_at":"2022-10-15T06:19:00Z"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := Parse(b, "")
		if err != nil {
			return
		}
		for _, e := range evs {
			var _ schema.Row = e.Row
			if e.Row.At.Location() != time.UTC {
				t.Fatalf("at %v is not UTC", e.Row.At)
			}
		}
	})
}

// Two real incidents from Google Cloud's incidents.json (see
// testdata/README.md): one product with five updates, and a four-product
// outage whose mini incident report names the root cause.
func TestParseGCP(t *testing.T) {
	body, err := os.ReadFile("testdata/pages/gcp-incidents-excerpt.json")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := ParseGCP(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 7+5*4 {
		t.Fatalf("%d events", len(evs))
	}
	var got []string
	for _, e := range evs[:7] {
		r := e.Row
		got = append(got, strings.Join([]string{r.IncidentID, r.ServiceID, r.Event, r.EventRaw,
			r.At.Format(time.RFC3339), r.AtLocal, r.UTCOffset}, " "))
	}
	want := []string{
		"2022-07-01-gcp-TaA75H7XA1DQyM2ReK2f gcp_google_bigquery start begin 2022-07-01T13:37:44Z 2022-07-01T13:37:44.000 +00:00",
		"2022-07-01-gcp-TaA75H7XA1DQyM2ReK2f gcp_google_bigquery update SERVICE_INFORMATION 2022-07-01T14:04:53Z 2022-07-01T14:04:53.000 +00:00",
		"2022-07-01-gcp-TaA75H7XA1DQyM2ReK2f gcp_google_bigquery update SERVICE_INFORMATION 2022-07-01T14:54:19Z 2022-07-01T14:54:19.000 +00:00",
		"2022-07-01-gcp-TaA75H7XA1DQyM2ReK2f gcp_google_bigquery update SERVICE_INFORMATION 2022-07-01T16:46:20Z 2022-07-01T16:46:20.000 +00:00",
		"2022-07-01-gcp-TaA75H7XA1DQyM2ReK2f gcp_google_bigquery update SERVICE_INFORMATION 2022-07-01T17:48:07Z 2022-07-01T17:48:07.000 +00:00",
		"2022-07-01-gcp-TaA75H7XA1DQyM2ReK2f gcp_google_bigquery update AVAILABLE 2022-07-01T19:25:45Z 2022-07-01T19:25:45.000 +00:00",
		"2022-07-01-gcp-TaA75H7XA1DQyM2ReK2f gcp_google_bigquery restore end 2022-07-01T19:25:45Z 2022-07-01T19:25:45.000 +00:00",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if evs[0].Row.Scope != "impact SERVICE_INFORMATION, severity low" || evs[0].Row.Note != "[Google BigQuery] Lower throughput from the Read API" || evs[0].Row.Cause != "" {
		t.Errorf("row 0 %+v", *evs[0].Row)
	}
	multi := evs[7:]
	services := map[string]bool{}
	for _, e := range multi {
		services[e.Row.ServiceID] = true
		if err := e.Row.Validate(); err != nil {
			t.Error(err)
		}
		if !strings.HasPrefix(e.Row.Cause, "From preliminary analysis, the root cause of the issue was due to a large reconvergence event on our user facing backbone") {
			t.Fatalf("cause %q", e.Row.Cause)
		}
	}
	if !reflect.DeepEqual(services, map[string]bool{"gcp_hybrid_connectivity": true, "gcp_virtual_private_cloud_vpc": true,
		"gcp_google_cloud_networking": true, "gcp_cloud_nat": true}) {
		t.Errorf("services %v", services)
	}
	if multi[0].Row.At.Format(time.RFC3339) != "2022-06-16T08:11:00Z" || multi[4].Row.Event != "restore" ||
		multi[4].Row.At.Format(time.RFC3339) != "2022-06-16T09:44:00Z" {
		t.Errorf("multi-product rows %+v %+v", *multi[0].Row, *multi[4].Row)
	}
}

func FuzzParseGCP(f *testing.F) {
	body, err := os.ReadFile("testdata/pages/gcp-incidents-excerpt.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := ParseGCP(b)
		if err != nil {
			return
		}
		for _, e := range evs {
			if e.Row.At.Location() != time.UTC {
				t.Fatal("not UTC")
			}
		}
	})
}
