package transport

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gocolly/colly/v2"
)

func TestCollyIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	s := newSite(t, map[string]http.HandlerFunc{
		"/robots.txt": robotsTxt("User-agent: *\nDisallow: /private\n"),
		"/": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=euc-kr")
			w.Write(eucKR(t, `<html><body><h1>카카오톡 먹통</h1><a href="/a">가</a><a href="/moved">나</a><a href="/private">다</a></body></html>`))
		},
		"/a":     text("a"),
		"/moved": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) },
		"/b":     text("b"),
	})
	tr := newTransport(t, testConfig(newFakeClock()))

	c := colly.NewCollector()
	c.WithTransport(tr)
	var headline string
	provenance := map[string]http.Header{}
	var errs []error
	c.OnHTML("h1", func(e *colly.HTMLElement) { headline = e.Text })
	c.OnHTML("a[href]", func(e *colly.HTMLElement) { _ = e.Request.Visit(e.Attr("href")) })
	c.OnResponse(func(r *colly.Response) { provenance[r.Request.URL.Path] = *r.Headers })
	c.OnError(func(r *colly.Response, err error) { errs = append(errs, err) })
	if err := c.Visit(s.URL + "/"); err != nil {
		t.Fatal(err)
	}
	c.Wait()

	if headline != "카카오톡 먹통" {
		t.Errorf("headline = %q, want the EUC-KR page decoded", headline)
	}
	for _, p := range []string{"/", "/a", "/b"} {
		h, ok := provenance[p]
		if !ok {
			t.Errorf("%s: no response (got %v)", p, keys(provenance))
			continue
		}
		if h.Get(HeaderRobots) != RobotsAllowed || h.Get(HeaderFetchedAt) == "" || len(h.Get(HeaderContentSHA256)) != 64 {
			t.Errorf("%s: provenance headers missing: %v", p, h)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrRobotsDisallowed) || s.Hits("/private") != 0 {
		t.Errorf("errors = %v, private hits %d; want one ErrRobotsDisallowed and no hit", errs, s.Hits("/private"))
	}
	// The redirect came back through the transport: / /a /moved /b /private.
	if st := tr.Stats(); st.Requests != 5 {
		t.Errorf("requests = %d, want 5", st.Requests)
	}
}

func keys(m map[string]http.Header) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(ks, " ")
}
