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
			http.Error(w, "gone", http.StatusGone)
		default:
			w.Write([]byte(strings.TrimPrefix(r.URL.Path, "/")))
		}
	}))
	defer srv.Close()
	var rows []schema.Row
	s := NewSession(stubCollector{}, SessionOptions{RunID: "r", Transport: http.DefaultTransport,
		Sink: func(r schema.Row) error { rows = append(rows, r); return nil }})
	err := s.VisitPages(context.Background(), []string{srv.URL + "/gone", srv.URL + "/bad", srv.URL + "/good"},
		func(body []byte) (Page, error) {
			if string(body) == "bad" {
				return Page{}, errors.New("no table")
			}
			return Page{Title: "Good page", Rows: []schema.Row{&schema.Platform{PlatformID: "kakaotalk", Name: "KakaoTalk"}}}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Prov().SourceURL != srv.URL+"/good" || rows[0].Prov().SourceTitle != "Good page" ||
		rows[0].Prov().ContentSHA256 == "" || rows[0].Prov().Collector != "stub" || rows[0].Prov().FetchedAt.After(time.Now()) {
		t.Fatalf("rows = %+v", rows)
	}
	errs := strings.Join(s.Errors(), "\n")
	if !strings.Contains(errs, "/gone: HTTP 410") || !strings.Contains(errs, "/bad: no table") {
		t.Fatalf("errors = %s", errs)
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
