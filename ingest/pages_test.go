package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

type stubCollector struct{}

func (stubCollector) Info() Info                              { return Info{Name: "stub", Version: "1", Kind: "web"} }
func (stubCollector) Collect(context.Context, *Session) error { return nil }

func TestVisitPagesStampsRowsAndKeepsGoing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone":
			http.Error(w, `{"reason":"moved away"}`, http.StatusGone)
		default:
			w.Write([]byte(strings.TrimPrefix(r.URL.Path, "/") + " " + r.Header.Get("X-Key")))
		}
	}))
	defer srv.Close()
	var rows []schema.Row
	s := NewSession(stubCollector{}, SessionOptions{RunID: "r", Transport: http.DefaultTransport,
		Sink: func(r schema.Row) error { rows = append(rows, r); return nil }})
	var order []string
	read, err := s.VisitPages(context.Background(), Pages{
		URLs:    []string{srv.URL + "/gone", srv.URL + "/bad", srv.URL + "/good", srv.URL + "/last"},
		Header:  map[string]string{"X-Key": "k1"},
		Explain: func(body []byte) string { return strings.TrimSpace(string(body)) },
		Parse: func(f *Fetched) (Page, error) {
			order = append(order, f.URL.Path)
			switch string(f.Body) {
			case "bad k1":
				return Page{}, errors.New("no table")
			case "good k1":
				own := &schema.Platform{PlatformID: "kakao", Name: "Kakao", Provenance: f.Prov("Own title")}
				return Page{Title: "Good page", Next: []string{srv.URL + "/next"}, Problems: []error{errors.New("one odd row")},
					Rows: []schema.Row{&schema.Platform{PlatformID: "kakaotalk", Name: "KakaoTalk"}, own}}, nil
			}
			return Page{}, nil
		},
	})
	if err != nil || read != 4 {
		t.Fatalf("read %d pages, err %v", read, err)
	}
	// A page's Next is handed on right after it, before the remaining URLs
	// (one host: fetched in that order too).
	if got := strings.Join(order, " "); got != "/bad /good /next /last" {
		t.Fatalf("parse order = %s", got)
	}
	if len(rows) != 2 || rows[0].Prov().SourceURL != srv.URL+"/good" || rows[0].Prov().SourceTitle != "Good page" ||
		rows[0].Prov().ContentSHA256 == "" || rows[0].Prov().Collector != "stub" || rows[0].Prov().FetchedAt.After(time.Now()) {
		t.Fatalf("rows = %+v", rows)
	}
	if p := rows[1].Prov(); p.SourceTitle != "Own title" || p.SourceURL != rows[0].Prov().SourceURL || !p.FetchedAt.Equal(rows[0].Prov().FetchedAt) {
		t.Fatalf("a row's own provenance was not kept: %+v", p)
	}
	errs := strings.Join(s.Errors(), "\n")
	for _, want := range []string{`/gone: HTTP 410: {"reason":"moved away"}`, "/bad: no table", "/good: one odd row"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
}

func TestURLLabel(t *testing.T) {
	if got := URLLabel([]string{"https://a", "https://b", "https://c"}); got != "https://a (+2 more)" {
		t.Fatal(got)
	}
	if got := URLLabel([]string{"https://a"}); got != "https://a" {
		t.Fatal(got)
	}
}

// Hosts are fetched in parallel, and what their pages give is handed on
// in visiting order all the same: here the first URL's server answers
// only after the second's answer has been parsed.
func TestVisitPagesOrderIndependentOfAnswers(t *testing.T) {
	fastParsed := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-fastParsed:
			case <-time.After(10 * time.Second): // fetched one at a time: the test fails below
			}
		}
		w.Write([]byte(strings.TrimPrefix(r.URL.Path, "/")))
	}))
	defer srv.Close()
	// Two names for the test server are two hosts to VisitPages.
	other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	var rows []string
	s := NewSession(stubCollector{}, SessionOptions{RunID: "r", Transport: http.DefaultTransport,
		Sink: func(r schema.Row) error { rows = append(rows, r.(*schema.Platform).PlatformID); return nil }})
	var once sync.Once
	var parsed []string
	var mu sync.Mutex
	read, err := s.VisitPages(context.Background(), Pages{
		URLs: []string{srv.URL + "/slow", other + "/fast", srv.URL + "/after"},
		Parse: func(f *Fetched) (Page, error) {
			name := string(f.Body)
			mu.Lock()
			parsed = append(parsed, name)
			mu.Unlock()
			pg := Page{Rows: []schema.Row{&schema.Platform{PlatformID: name, Name: name}}}
			if name == "fast" {
				pg.Next = []string{other + "/fastnext"}
				pg.Problems = []error{errors.New("fast problem")}
				once.Do(func() { close(fastParsed) })
			}
			if name == "slow" {
				pg.Problems = []error{errors.New("slow problem")}
			}
			return pg, nil
		},
	})
	if err != nil || read != 4 {
		t.Fatalf("read %d, err %v", read, err)
	}
	if parsed[0] != "fast" {
		t.Fatalf("parse order %v: the hosts were not fetched in parallel", parsed)
	}
	if got := strings.Join(rows, " "); got != "slow fast fastnext after" {
		t.Errorf("rows in order %s, want slow fast fastnext after", got)
	}
	errs := strings.Join(s.Errors(), "\n")
	if i, j := strings.Index(errs, "slow problem"), strings.Index(errs, "fast problem"); i < 0 || j < 0 || i > j {
		t.Errorf("errors not in visiting order:\n%s", errs)
	}
}

// Take gets each page's rows, in visiting order, instead of the sink.
func TestVisitPagesTake(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.TrimPrefix(r.URL.Path, "/")))
	}))
	defer srv.Close()
	sunk := 0
	s := NewSession(stubCollector{}, SessionOptions{RunID: "r", Transport: http.DefaultTransport,
		Sink: func(schema.Row) error { sunk++; return nil }})
	var took []string
	_, err := s.VisitPages(context.Background(), Pages{
		URLs:        []string{srv.URL + "/a", srv.URL + "/b", srv.URL + "/c"},
		Parallelism: 3,
		Parse: func(f *Fetched) (Page, error) {
			return Page{Rows: []schema.Row{&schema.Platform{PlatformID: string(f.Body), Name: "x"}}}, nil
		},
		Take: func(rows []schema.Row) {
			for _, r := range rows {
				took = append(took, r.(*schema.Platform).PlatformID+"@"+strings.TrimPrefix(r.Prov().SourceURL, srv.URL))
			}
		},
	})
	if err != nil || sunk != 0 || strings.Join(took, " ") != "a@/a b@/b c@/c" {
		t.Fatalf("took %v, sunk %d, err %v", took, sunk, err)
	}
}
