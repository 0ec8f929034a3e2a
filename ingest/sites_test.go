package ingest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// offSiteServer serves /case as a redirect to the same server under
// another host name (127.0.0.1 → localhost) and /rows as a valid table:
// following the redirect would land a row.
func offSiteServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
		_, port, _ := net.SplitHostPort(r.Host)
		http.Redirect(w, r, "http://localhost:"+port+"/rows", http.StatusFound)
	})
	mux.HandleFunc("/rows", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, faultRow)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// liveTransport is what the CLI builds: no AllowedDomains at all.
func liveTransport(t *testing.T) *transport.Transport {
	tr, err := transport.New(transport.Config{
		Mode: transport.ModeLive, RespectRobots: true, AllowZeroDelay: true,
		MaxRetries: 1, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// The CLI path: the runner with a transport that allows every domain.
func TestRedirectToAnotherHostNameIsRefusedByTheRunner(t *testing.T) {
	srv := offSiteServer(t)
	got := runProbe(t, srv.Config.Handler, transport.Config{})
	ledger := strings.Join(got.ledger.Errors, "\n")
	for _, m := range got.mau {
		if strings.Contains(m.SourceURL, "localhost") || m.PlatformID == "line" {
			t.Errorf("a row from the redirect target landed: %s %s", m.PlatformID, m.SourceURL)
		}
	}
	if !strings.Contains(ledger, "domain not allowed") || !strings.Contains(ledger, `"http://localhost:`) {
		t.Errorf("ledger does not name the refused redirect:\n%s", ledger)
	}
}

// The test path: a session built with NewSession enforces the same sites.
func TestRedirectToAnotherHostNameIsRefusedBySession(t *testing.T) {
	srv := offSiteServer(t)
	var rows []schema.Row
	s := ingest.NewSession(&probe{urls: []string{srv.URL + "/case"}}, ingest.SessionOptions{
		Transport: liveTransport(t), Sink: func(r schema.Row) error { rows = append(rows, r); return nil },
	})
	if err := (&probe{urls: []string{srv.URL + "/case"}}).Collect(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 0 {
		t.Errorf("%d rows landed from an off-site redirect", len(rows))
	}
	errs := strings.Join(s.Errors(), "\n")
	if !strings.Contains(errs, "domain not allowed") {
		t.Errorf("errors do not name the refused redirect: %q", errs)
	}
	// The same redirect within the site is followed.
	same := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/case":
			http.Redirect(w, r, "/rows", http.StatusMovedPermanently)
		case "/rows":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, faultRow)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(same.Close)
	rows = nil
	s = ingest.NewSession(&probe{urls: []string{same.URL + "/case"}}, ingest.SessionOptions{
		Transport: liveTransport(t), Sink: func(r schema.Row) error { rows = append(rows, r); return nil },
	})
	if err := (&probe{urls: []string{same.URL + "/case"}}).Collect(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || len(s.Errors()) != 0 {
		t.Errorf("same-site redirect: %d rows (want 1), errors %q", len(rows), s.Errors())
	}
}

// A refused connection is a connection error in the ledger, not a
// robots.txt refusal, and is not counted as one.
func TestRefusedConnectionIsNamed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := ingest.NewSession(&probe{urls: []string{"http://" + addr + "/case"}}, ingest.SessionOptions{Transport: liveTransport(t)})
	if err := (&probe{urls: []string{"http://" + addr + "/case"}}).Collect(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	errs := strings.Join(s.Errors(), "\n")
	if !strings.Contains(errs, "connection error") || !strings.Contains(errs, "connection refused") ||
		strings.Contains(errs, "disallowed") {
		t.Errorf("errors = %q, want a connection error naming the refusal and no robots.txt refusal", errs)
	}
}

// One page with many bad rows logs DefaultLogRepeats warnings and one
// summary line; the ledger still counts every failure.
func TestRepeatedLogLinesAreCapped(t *testing.T) {
	var page strings.Builder
	page.WriteString(`<html><body><table class="mau">`)
	const bad = 500
	for range bad {
		page.WriteString(`<tr><td>LINE</td><td>2023Q1</td><td>lots</td></tr>`)
	}
	page.WriteString(`</table></body></html>`)
	mux := http.NewServeMux()
	mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page.String())
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	r := &ingest.Runner{
		LakeDir: t.TempDir(), Mode: ingest.Live,
		Log: slog.New(slog.NewJSONHandler(&logs, nil)),
		Transport: func(ingest.Collector) (http.RoundTripper, io.Closer, error) {
			tr := liveTransport(t)
			return tr, tr, nil
		},
	}
	sum, err := r.Run(context.Background(), []ingest.Collector{&probe{urls: []string{srv.URL + "/case"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Collectors[0].ParseFailures; got != bad {
		t.Errorf("ledger counts %d parse failures, want %d", got, bad)
	}
	// The ledger keeps the first 50 messages and says the rest were left out.
	if errs := sum.Collectors[0].Errors; len(errs) != 51 || errs[50] != "further errors omitted" {
		t.Errorf("ledger holds %d errors, want 50 and the omission note", len(errs))
	}
	if got := strings.Count(logs.String(), `"msg":"parse failure"`); got != ingest.DefaultLogRepeats {
		t.Errorf("%d parse-failure lines logged, want %d", got, ingest.DefaultLogRepeats)
	}
	want := `"msg":"repeated log lines left out","collector":"probe","message":"parse failure","shown":20,"left_out":480`
	if !strings.Contains(logs.String(), want) {
		t.Errorf("no summary line %s in the log:\n%.2000s", want, logs.String())
	}
}
