package transport

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// offline is a Base transport that fails the test if anything dials out.
func offline(t *testing.T) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("replay touched the network: %s %s", r.Method, r.URL)
		return nil, errors.New("network disabled in replay test")
	})
}

type fetched struct {
	status int
	body   string
	header http.Header
}

func TestRecordReplayRoundTrip(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{
		"/robots.txt": robotsTxt("User-agent: *\nDisallow: /private\n"),
		"/one":        text("첫 번째 기사"),
		"/two": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=euc-kr")
			w.Write(eucKR(t, "<html><body><h1>카카오톡 먹통</h1></body></html>"))
		},
		"/gone":    status(http.StatusNotFound),
		"/flaky":   scripted(nil, reply{503, nil}, reply{200, nil}),
		"/private": text("secret"),
	})
	pages := []string{"/one", "/two", "/gone", "/flaky"}
	dir := filepath.Join(t.TempDir(), "warcs")
	warcPath := filepath.Join(dir, "crawl.warc.gz")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	clk := newFakeClock()
	clk.now = clk.now.Add(123456789 * time.Nanosecond) // WARC-Date must keep nanoseconds
	cfg := testConfig(clk)
	cfg.Mode, cfg.WARCPath = ModeRecord, warcPath
	rec := newTransport(t, cfg)
	recorded := map[string]fetched{}
	for _, p := range pages {
		resp, body, err := get(t, rec, s.URL+p)
		if err != nil {
			t.Fatalf("record %s: %v", p, err)
		}
		if id := resp.Header.Get(HeaderWarcRecordID); !strings.HasPrefix(id, "<urn:uuid:") {
			t.Errorf("record %s: %s = %q", p, HeaderWarcRecordID, id)
		}
		recorded[p] = fetched{resp.StatusCode, body, resp.Header}
	}
	if _, _, err := get(t, rec, s.URL+"/private"); !errors.Is(err, ErrRobotsDisallowed) {
		t.Fatalf("record /private: %v", err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	// robots.txt, four pages and the retried 503 of /flaky.
	checkWARC(t, warcPath, 6)

	for _, source := range []string{warcPath, dir} {
		t.Run("replay from "+filepath.Base(source), func(t *testing.T) {
			rep := newTransport(t, Config{Mode: ModeReplay, WARCPath: source, RespectRobots: true, Base: offline(t)})
			for _, p := range pages {
				resp, body, err := get(t, rep, s.URL+p)
				if err != nil {
					t.Fatalf("replay %s: %v", p, err)
				}
				want := recorded[p]
				if resp.StatusCode != want.status || body != want.body {
					t.Errorf("replay %s: %d %q, recorded %d %q", p, resp.StatusCode, body, want.status, want.body)
				}
				for _, h := range []string{HeaderWarcRecordID, HeaderFetchedAt, HeaderContentSHA256, HeaderRobots, "Content-Type"} {
					if got := resp.Header.Get(h); got != want.header.Get(h) {
						t.Errorf("replay %s: %s = %q, recorded %q", p, h, got, want.header.Get(h))
					}
				}
			}
			if _, _, err := get(t, rep, s.URL+"/private"); !errors.Is(err, ErrRobotsDisallowed) {
				t.Errorf("replay /private: err = %v, want the recorded robots.txt to refuse it", err)
			}
			_, _, err := get(t, rep, s.URL+"/never-crawled")
			if !errors.Is(err, ErrNotRecorded) || !strings.Contains(err.Error(), "replay: no recorded response for URL") {
				t.Errorf("unknown URL: err = %v, want ErrNotRecorded", err)
			}
		})
	}
	if got := recorded["/one"].header.Get(HeaderFetchedAt); !strings.HasSuffix(got, ".123456789Z") {
		t.Errorf("fetched-at %q lost precision", got)
	}
	if recorded["/flaky"].status != http.StatusOK {
		t.Errorf("/flaky recorded as %d, want the final 200", recorded["/flaky"].status)
	}
}

// checkWARC reads the file back with strict validation.
func checkWARC(t *testing.T, path string, wantPairs int) {
	t.Helper()
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	types := map[string]int{}
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatalf("read WARC: %v", err)
		}
		if len(rec.Validation) > 0 {
			t.Errorf("record %s: %v", rec.WarcRecord, rec.Validation)
		}
		if v, err := rec.WarcRecord.ValidateDigest(); err != nil || len(v) > 0 {
			t.Errorf("record %s digest: %v %v", rec.WarcRecord, v, err)
		}
		types[rec.WarcRecord.Type().String()]++
		rec.Close()
	}
	if types["warcinfo"] != 1 || types["request"] != wantPairs || types["response"] != wantPairs {
		t.Errorf("record types = %v, want 1 warcinfo and %d request/response pairs", types, wantPairs)
	}
}

func TestReplayKeepsPOSTsApart(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/search": func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "results for "+string(b))
	}})
	warcPath := filepath.Join(t.TempDir(), "post.warc.gz")
	cfg := testConfig(newFakeClock())
	cfg.Mode, cfg.WARCPath, cfg.RespectRobots = ModeRecord, warcPath, false
	post := func(tr http.RoundTripper, form string) (string, error) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/search", strings.NewReader(form))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	rec := newTransport(t, cfg)
	for _, form := range []string{"page=1", "page=2"} {
		if _, err := post(rec, form); err != nil {
			t.Fatal(err)
		}
	}
	rec.Close()

	rep := newTransport(t, Config{Mode: ModeReplay, WARCPath: warcPath, Base: offline(t)})
	for _, form := range []string{"page=2", "page=1"} {
		if got, err := post(rep, form); err != nil || got != "results for "+form {
			t.Errorf("POST %s: %q, %v", form, got, err)
		}
	}
	if _, err := post(rep, "page=3"); !errors.Is(err, ErrNotRecorded) {
		t.Errorf("POST page=3: err = %v, want ErrNotRecorded", err)
	}
	if _, _, err := get(t, rep, s.URL+"/search"); !errors.Is(err, ErrNotRecorded) {
		t.Errorf("GET of a POSTed URL: err = %v, want ErrNotRecorded", err)
	}
}

func TestReplayDir(t *testing.T) {
	rep := newTransport(t, Config{Mode: ModeReplay, ReplayDir: filepath.Join("testdata", "replay"), RespectRobots: true, Base: offline(t)})

	resp, body, err := get(t, rep, "https://news.example.kr/article?id=7#comments")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.Contains(body, `<h1 class="headline">카카오톡 먹통 사태, 판교 데이터센터 화재</h1>`) {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Type":     "text/html; charset=utf-8",
		HeaderFetchedAt:    "2022-10-15T08:33:00Z", // from Date: no WARC record to take it from
		HeaderWarcRecordID: "",
		HeaderRobots:       RobotsAllowed,
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if _, _, err := get(t, rep, "https://news.example.kr/admin"); !errors.Is(err, ErrRobotsDisallowed) {
		t.Errorf("/admin: err = %v, want ErrRobotsDisallowed", err)
	}
	if _, _, err := get(t, rep, "https://news.example.kr/article?id=8"); !errors.Is(err, ErrNotRecorded) {
		t.Errorf("unknown article: err = %v, want ErrNotRecorded", err)
	}
	// Another host has no robots.txt in the folder: not checked, not refused.
	if _, _, err := get(t, rep, "https://other.example.kr/"); !errors.Is(err, ErrNotRecorded) {
		t.Errorf("other host: err = %v, want ErrNotRecorded", err)
	}
}

func TestReplayPath(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://news.example.kr/article?id=7", "news.example.kr/%2Farticle%3Fid%3D7.http"},
		{"https://News.Example.KR/", "news.example.kr/%2F.http"},
		{"http://127.0.0.1:8080/a/b", "127.0.0.1%3A8080/%2Fa%2Fb.http"},
		{"https://x.kr/" + strings.Repeat("long/", 60), "x.kr/"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.url)
		got := filepath.ToSlash(ReplayPath("", u))
		if !strings.HasPrefix(got, tt.want) || len(filepath.Base(got)) > 210 {
			t.Errorf("ReplayPath(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
