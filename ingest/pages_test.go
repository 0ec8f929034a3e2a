package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
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
	// A page's Next is visited right after it, before the remaining URLs.
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
