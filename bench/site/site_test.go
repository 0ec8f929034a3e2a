package site

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServeOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "10.0.0.1:0", "example.org:80"} {
		if _, _, err := Serve(10, addr); err == nil {
			t.Errorf("Serve(%q) should refuse a non-loopback address", addr)
		}
	}
}

func TestPagesAndFeeds(t *testing.T) {
	s, stop, err := Serve(250, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if got := len(s.Feeds()); got != 3 {
		t.Fatalf("feeds = %d, want 3 for 250 pages", got)
	}
	get := func(u string) string {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", u, resp.Status)
		}
		return string(b)
	}
	page := get(s.Base() + ArticlePath(7))
	if n := len(page); n < 5500 || n > 7500 {
		t.Errorf("page is %d bytes, want about 6 KB", n)
	}
	for _, want := range []string{Title(7), Lead(7), `content="` + Published(7).Format("2006-01-02T15:04:05Z07:00"), "SYNTHETIC"} {
		if !strings.Contains(page, want) {
			t.Errorf("page 7 lacks %q", want)
		}
	}
	items := 0
	for _, f := range s.Feeds() {
		items += strings.Count(get(f), "<item>")
	}
	if items != 250 {
		t.Errorf("feeds list %d items, want 250", items)
	}
}
