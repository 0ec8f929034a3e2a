package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/text/encoding/korean"
)

// hostileCase is one bad (or merely odd) response served on 127.0.0.1 and
// read by a real collector whose URL the config points at it.
type hostileCase struct {
	name      string
	collector string // wikitable (mau rows) or rss (news rows)
	handler   http.HandlerFunc
	robots    http.HandlerFunc // default 404: allow all
	url       func(srv *httptest.Server) string
	// Rows that may land: min..max. A bad row never lands; a good row on
	// the same page must.
	minRows, maxRows int
	// want: text at least one of which the run must say (ledger error or
	// stderr). Empty for odd but valid input that needs no message.
	want []string
	// reason: text the lake's news.date_missing_reason must hold, for
	// input whose message is kept with the row rather than logged.
	reason string
	// valid: why this input, odd as it is, is good input that needs no
	// message. Every case is either bad (want or reason: a message it must
	// give) or valid, so each bad input is checked for its message.
	valid string
}

func (c hostileCase) lakeSays(reason string) hostileCase { c.reason = reason; return c }
func (c hostileCase) ok(why string) hostileCase          { c.valid = why; return c }
func (c hostileCase) bad() bool                          { return len(c.want) > 0 || c.reason != "" }

// hostile runs the corpus; each case gets a fresh lake, its own server and
// a hard deadline.
func (t *torture) hostile(only string) error {
	dir := filepath.Join(t.work, "hostile")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cases := hostileCases()
	for _, c := range cases {
		if c.bad() == (c.valid != "") {
			return fmt.Errorf("hostile case %s: give it a message to check (bad input) or say why it is valid, not both", c.name)
		}
	}
	for i, c := range cases {
		if !strings.Contains(c.name, only) {
			continue
		}
		t.c.HostileInputs++
		if c.bad() {
			t.c.BadInputs++
		}
		if err := t.hostileOne(dir, i, c); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return nil
}

func (t *torture) hostileOne(dir string, i int, c hostileCase) error {
	mux := http.NewServeMux()
	robots := c.robots
	if robots == nil {
		robots = http.NotFound
	}
	mux.HandleFunc("/robots.txt", robots)
	mux.HandleFunc("/", c.handler)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u := srv.URL + "/case"
	if c.url != nil {
		u = c.url(srv)
	}
	caseDir := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, c.name))
	lake := filepath.Join(caseDir, "lake")
	if err := os.MkdirAll(lake, 0o755); err != nil {
		return err
	}
	extra := ""
	if c.collector == "rss" {
		extra = "keep = \"all\"\n"
	}
	cfg := fmt.Sprintf(`[politeness]
delay = "5ms"
max_retries = 1
max_body_bytes = 16777216
timeout = "3s"
respect_robots = true

[sources.seed]
enabled = false

[sources.%s]
url = %q
%s`, c.collector, u, extra)
	cfgPath := filepath.Join(caseDir, "sources.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return err
	}
	r := t.gw(caseDir, 90*time.Second, "ingest", "--config", cfgPath, "--lake", lake, "--source", c.collector)
	var sum struct {
		Status     string `json:"status"`
		Error      string `json:"error"`
		Collectors []struct {
			Status      string   `json:"status"`
			RowsWritten int      `json:"rows_written"`
			Errors      []string `json:"errors"`
		} `json:"collectors"`
	}
	_ = json.Unmarshal(r.stdout, &sum)
	rows, said := 0, sum.Error+"\n"+string(r.stderr)
	for _, col := range sum.Collectors {
		rows += col.RowsWritten
		said += "\n" + strings.Join(col.Errors, "\n")
	}
	var problems []string
	switch {
	case r.timedOut:
		t.c.Hangs++
		problems = append(problems, "hung (killed after 90s)")
	case panicked(r.stderr) || strings.Contains(said, "panicked"):
		t.c.Panics++
		problems = append(problems, "panicked")
	}
	if len(sum.Collectors) == 0 && !r.timedOut {
		problems = append(problems, fmt.Sprintf("no summary line (exit %d)", r.code))
		t.c.Unclear++
	}
	if rows < c.minRows || rows > c.maxRows {
		t.c.WrongRows++
		problems = append(problems, fmt.Sprintf("%d rows landed, want %d..%d", rows, c.minRows, c.maxRows))
	}
	clear := true
	if len(c.want) > 0 && !containsAny(said, c.want) {
		clear = false
		problems = append(problems, fmt.Sprintf("no message saying any of %q", c.want))
	}
	if c.reason != "" {
		q := "SELECT string_agg(date_missing_reason, ' | ') AS r FROM news WHERE published_at IS NULL"
		if lr := t.gw(caseDir, time.Minute, "sql", "--format", "csv", "--lake", lake, q); !strings.Contains(string(lr.stdout), c.reason) {
			clear = false
			problems = append(problems, fmt.Sprintf("news.date_missing_reason does not say %q: %s %s", c.reason, oneLine(lr.stdout), oneLine(lr.stderr)))
		}
	}
	// Rows that could have landed and did not must be accounted for too.
	if rows < c.maxRows && strings.TrimSpace(said) == "" {
		clear = false
		problems = append(problems, fmt.Sprintf("%d of up to %d rows landed and the run said nothing", rows, c.maxRows))
	}
	switch {
	case !clear:
		t.c.Unclear++
	case c.bad():
		t.c.ClearMessages++
	}
	if lines := bytes.Count(r.stderr, []byte("\n")); lines > 200 {
		t.c.LogFloods++
		problems = append(problems, fmt.Sprintf("%d stderr lines (%d bytes)", lines, len(r.stderr)))
	}
	if c.name == "12mb-page-of-bad-rows" {
		t.c.MaxRSSMiB12MB = float64(r.maxRSSKiB) / 1024
	}
	t.logf("hostile %-32s exit %d, %d rows, %d stderr bytes, %.0f MiB, %s: %s", c.name, r.code, rows,
		len(r.stderr), float64(r.maxRSSKiB)/1024, r.elapsed.Round(time.Millisecond), oneLine([]byte(said)))
	if len(problems) > 0 {
		fmt.Printf("torture: hostile %s: %s\n   said: %s\n", c.name, strings.Join(problems, "; "), oneLine([]byte(said)))
	}
	return nil
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// Pages and feeds the cases vary.

var goodRows = [][3]string{{"LINE", "196", "Q1 2024"}, {"Telegram", "900", "March 2024"}}

func wikiPage(rows ...[3]string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><title>List of platforms - Wikipedia</title></head><body>` +
		`<h1 id="firstHeading">List of platforms</h1><table class="wikitable">` +
		`<tr><th>Name</th><th>Monthly active users (millions)</th><th>Date of latest user count</th></tr>`)
	for _, r := range rows {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", r[0], r[1], r[2])
	}
	b.WriteString("</table></body></html>")
	return b.String()
}

func withGood(bad ...[3]string) string { return wikiPage(append([][3]string{goodRows[0]}, bad...)...) }

var goodItem = [3]string{"카카오톡 먹통 사태", "/news/1", "Sat, 15 Oct 2022 16:00:00 +0900"}

func feed(items ...[3]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>테스트 뉴스</title>` +
		`<link>http://127.0.0.1/</link><language>ko</language>`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><pubDate>%s</pubDate><description>카카오톡 장애</description></item>\n", it[0], it[1], it[2])
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

func serve(contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing by the server either
		}
		_, _ = io.WriteString(w, body)
	}
}

func html(body string) http.HandlerFunc { return serve("text/html; charset=utf-8", body) }
func xml(body string) http.HandlerFunc  { return serve("application/rss+xml; charset=utf-8", body) }

func status(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, http.StatusText(code), code)
	}
}

// failThen answers code n times, then with ok.
func failThen(n int32, code int, retryAfter string, ok http.HandlerFunc) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			status(code, retryAfter)(w, r)
			return
		}
		ok(w, r)
	}
}

func hijack(w http.ResponseWriter, f func(c net.Conn)) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	f(conn)
}

func closedPortURL(*httptest.Server) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "http://127.0.0.1:1/case"
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/case"
}

func eucKR(s string) string {
	b, err := korean.EUCKR.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

func gzipOf(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func hostileCases() []hostileCase {
	wiki := func(name string, h http.HandlerFunc, minRows, maxRows int, want ...string) hostileCase {
		return hostileCase{name: name, collector: "wikitable", handler: h, minRows: minRows, maxRows: maxRows, want: want}
	}
	rss := func(name string, h http.HandlerFunc, minRows, maxRows int, want ...string) hostileCase {
		return hostileCase{name: name, collector: "rss", handler: h, minRows: minRows, maxRows: maxRows, want: want}
	}
	// A 12 MB page: one good row and ~240,000 bad ones.
	var big strings.Builder
	big.WriteString(withGood())
	bigPage := strings.Replace(big.String(), "</table>", strings.Repeat("<tr><td>Spam</td><td>lots</td><td>Q1 2024</td></tr>\n", 240_000)+"</table>", 1)
	bomb := gzipOf(make([]byte, 256<<20)) // 256 MiB of zeros in ~250 KiB
	cases := []hostileCase{
		wiki("baseline-two-good-rows", html(wikiPage(goodRows...)), 2, 2).ok("two good rows"),
		wiki("no-table", html("<html><body><p>nothing here</p></body></html>"), 0, 0, "no table.wikitable"),
		wiki("table-without-users-column", html(`<table class="wikitable"><tr><th>Name</th><th>Founded</th></tr><tr><td>LINE</td><td>2011</td></tr></table>`), 0, 0, "has a name and a users column"),
		wiki("malformed-nesting", html(`<table class="wikitable"><tr><th>Name<th>Monthly active users (millions)<th>Date of latest user count<tr><td>LINE<td>196<td>Q1 2024<tr><td><b><i>Telegram</b></i><td>900<td>March 2024`), 2, 2).
			ok("HTML5 parsing closes the cells and rows; both rows read as written"),
		wiki("truncated-mid-row", html(withGood()[:strings.Index(withGood(), "</td><td>Q1")]), 0, 1, "cells", "no table", "date"),
		wiki("negative-mau", html(withGood([3]string{"Telegram", "-900", "March 2024"})), 1, 1, "negative", "users"),
		wiki("absurd-mau", html(withGood([3]string{"Telegram", "9,000,000", "March 2024"})), 1, 1, "exceeds the world's population"),
		wiki("nan-mau", html(withGood([3]string{"Telegram", "NaN", "March 2024"})), 1, 1, `users "NaN"`),
		wiki("text-mau", html(withGood([3]string{"Telegram", "lots", "March 2024"})), 1, 1, `users "lots"`),
		wiki("overflow-mau", html(withGood([3]string{"Telegram", "1e400", "March 2024"})), 1, 1, `users "1e400"`),
		wiki("percent-as-users", html(withGood([3]string{"Telegram", "35%", "March 2024"})), 1, 1, `users "35%"`),
		wiki("future-period-2099", html(withGood([3]string{"Telegram", "900", "Q1 2099"})), 1, 1, "is after the fetch time"),
		wiki("next-year-period", html(withGood([3]string{"Telegram", "900", fmt.Sprint(time.Now().Year() + 1)})), 1, 1, "is after the fetch time"),
		wiki("far-future-period-2999", html(withGood([3]string{"Telegram", "900", "2999"})), 1, 1, "outside 1990..2100"),
		wiki("ancient-period-1900", html(withGood([3]string{"Telegram", "900", "1900"})), 1, 1, "outside 1990..2100"),
		wiki("invalid-date", html(withGood([3]string{"Telegram", "900", "someday soon"})), 1, 1, `date "someday soon"`),
		wiki("missing-date", html(withGood([3]string{"Telegram", "900", ""})), 1, 1, "no date of the user count"),
		wiki("nameless-row", html(withGood([3]string{"", "900", "March 2024"})), 1, 1, "gives no id"),
		wiki("duplicate-key-conflict", html(withGood([3]string{"LINE", "197", "Q1 2024"})), 1, 1, "duplicate mau key"),
		wiki("duplicate-key-identical", html(withGood(goodRows[0])), 1, 1).ok("the same row twice is one row"),
		wiki("script-in-name", html(withGood([3]string{"<script>alert(1)</script>Telegram", "900", "March 2024"})), 2, 2).
			ok("a script inside a cell is not its text: the row is Telegram's"),
		wiki("script-in-title", html(strings.Replace(wikiPage(goodRows...), "List of platforms - Wikipedia", "<script>alert(1)</script>", 1)), 2, 2).
			ok("the title is text; the report escapes it (TestScrapedScriptTitleStaysInertIntegration)"),
		wiki("terminal-escapes-in-name", html(withGood([3]string{"\x1b[31mTelegram\x1b[0m", "900", "March 2024"})), 1, 1, "holds control characters"),
		wiki("invalid-utf8", html(withGood([3]string{"Tele\xff\xfegram", "900", "March 2024"})), 1, 1, "is not valid UTF-8 text"),
		wiki("nul-bytes", html(withGood([3]string{"Tele\x00gram", "9\x0000", "March 2024"})), 2, 2).
			ok("HTML5 parsing drops a NUL in text, so the cells read Telegram and 900"),
		wiki("euc-kr-without-header", serve("text/html", eucKR(strings.Replace(wikiPage(goodRows...), `<meta charset="utf-8">`, "", 1)+"<p>카카오톡 이용자 수</p>")), 2, 2).
			ok("the rows are ASCII, read in any charset"),
		wiki("euc-kr-declared-utf8", serve("text/html; charset=utf-8", eucKR(wikiPage(goodRows...)+"<p>카카오톡 이용자 수</p>")), 2, 2).
			ok("the rows are ASCII; only a paragraph outside the table is mis-decoded"),
		wiki("unknown-charset-label", serve("text/html; charset=x-klingon", wikiPage(goodRows...)), 2, 2).
			ok("an unknown label falls back to the page's own meta charset, UTF-8"),
		wiki("binary-garbage", serve("text/html", string(bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef, 0x00, 0x01}, 4096))), 0, 0, "no table.wikitable"),
		wiki("png-content-type", serve("image/png", "\x89PNG\r\n\x1a\n"+strings.Repeat("\x00", 512)), 0, 0, "no table.wikitable", "content type"),
		wiki("empty-body", serve("text/html", ""), 0, 0, "no table.wikitable", "empty"),
		wiki("deep-nesting", html(strings.Repeat("<div>", 200_000)+wikiPage(goodRows...)), 0, 0, "open stack of elements exceeds"),
		wiki("many-tables-same-rows", html(strings.Repeat(wikiPage(goodRows...), 2_000)), 2, 2).ok("the same two rows in 2,000 tables are two rows"),
		wiki("12mb-page-of-bad-rows", html(bigPage), 1, 1, `users "lots"`),
		wiki("body-over-cap-20mb", html(strings.Repeat("<p>x</p>", 20<<20/8)), 0, 0, "body too large"),
		wiki("gzip-bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(bomb)
		}, 0, 0, "body too large"),
		wiki("gzip-corrupt", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = io.WriteString(w, "this is not gzip at all")
		}, 0, 0, "gzip"),
		wiki("huge-headers", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Padding", strings.Repeat("a", 11<<20))
			html(wikiPage(goodRows...))(w, r)
		}, 0, 0, "header"),
		wiki("status-404", status(404, ""), 0, 0, "HTTP 404"),
		wiki("status-410", status(410, ""), 0, 0, "HTTP 410"),
		wiki("status-500-always", status(500, ""), 0, 0, "retries exhausted", "500"),
		wiki("503-retry-after-then-ok", failThen(1, 503, "1", html(wikiPage(goodRows...))), 2, 2).ok("retried after the second it asked for"),
		wiki("429-retry-after-then-ok", failThen(1, 429, "0", html(wikiPage(goodRows...))), 2, 2).ok("retried at once, as it asked"),
		wiki("429-retry-after-an-hour", status(429, "3600"), 0, 0, "Retry-After too long"),
		wiki("429-retry-after-date-far", status(429, "Fri, 31 Dec 2100 23:59:59 GMT"), 0, 0, "Retry-After too long"),
		wiki("503-garbage-retry-after", status(503, "soon, maybe"), 0, 0, "retries exhausted", "503"),
		{name: "robots-disallow", collector: "wikitable", handler: html(wikiPage(goodRows...)),
			robots: serve("text/plain", "User-agent: *\nDisallow: /case\n"), maxRows: 0, want: []string{"disallowed by robots.txt"}},
		{name: "robots-503", collector: "wikitable", handler: html(wikiPage(goodRows...)),
			robots: status(503, ""), maxRows: 0, want: []string{"robots.txt answered 503"}},
		{name: "robots-binary-garbage", collector: "wikitable", handler: html(wikiPage(goodRows...)),
			robots: serve("text/plain", "\x00\xff\xfe garbage \x01"), minRows: 2, maxRows: 2,
			valid: "a robots.txt without one rule reads as no rules (RFC 9309)"},
		{name: "robots-redirect-loop", collector: "wikitable", handler: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots-next.txt" {
				http.Redirect(w, r, "/robots.txt", http.StatusFound)
				return
			}
			html(wikiPage(goodRows...))(w, r)
		}, robots: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/robots-next.txt", http.StatusFound)
		},
			minRows: 2, maxRows: 2, valid: "a robots.txt lost in redirects is unavailable, which RFC 9309 reads as allow all"},
		wiki("redirect-loop", func(w http.ResponseWriter, r *http.Request) {
			next := map[string]string{"/case": "/case2", "/case2": "/case"}[r.URL.Path]
			http.Redirect(w, r, next, http.StatusFound)
		}, 0, 0, "redirect loop"),
		wiki("redirect-chain-too-long", func(w http.ResponseWriter, r *http.Request) {
			var n int
			_, _ = fmt.Sscanf(r.URL.Query().Get("n"), "%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/case?n=%d", n+1), http.StatusFound)
		}, 0, 0, "too many redirects"),
		wiki("redirect-off-domain-localhost", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/rows" {
				html(wikiPage(goodRows...))(w, r)
				return
			}
			_, port, _ := net.SplitHostPort(r.Host)
			http.Redirect(w, r, "http://localhost:"+port+"/rows", http.StatusFound)
		}, 0, 0, "domain not allowed"),
		wiki("redirect-off-domain-elsewhere", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://attacker.invalid/rows", http.StatusFound)
		}, 0, 0, "domain not allowed"),
		wiki("redirect-to-file-scheme", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}, 0, 0, "only http and https", "unsupported"),
		wiki("redirect-within-site", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/case" {
				http.Redirect(w, r, "/moved", http.StatusMovedPermanently)
				return
			}
			html(wikiPage(goodRows...))(w, r)
		}, 2, 2).ok("a redirect within the site is followed"),
		{name: "connection-refused", collector: "wikitable", handler: html(""), url: closedPortURL,
			maxRows: 0, want: []string{"connection error"}},
		wiki("connection-reset", func(w http.ResponseWriter, r *http.Request) {
			hijack(w, func(c net.Conn) { _ = c.(*net.TCPConn).SetLinger(0) })
		}, 0, 0, "connection reset"),
		wiki("hang-up-mid-body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000")
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, wikiPage(goodRows...)[:200])
			hijack(w, func(net.Conn) {})
		}, 0, 0, "unexpected EOF"),
		wiki("slow-loris-no-headers", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(60 * time.Second):
			}
		}, 0, 0, "deadline exceeded", "timeout"),
		wiki("slow-loris-trickle", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			for range 600 {
				if _, err := io.WriteString(w, "<"); err != nil {
					return
				}
				http.NewResponseController(w).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}, 0, 0, "deadline exceeded", "timeout"),
		wiki("lying-content-length", func(w http.ResponseWriter, r *http.Request) {
			hijack(w, func(c net.Conn) {
				body := wikiPage(goodRows...)
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(body)*3, body)
			})
		}, 0, 0, "unexpected EOF"),
		wiki("http-0.9-garbage-response", func(w http.ResponseWriter, r *http.Request) {
			hijack(w, func(c net.Conn) { _, _ = io.WriteString(c, "<html>no status line</html>\r\n") })
		}, 0, 0, "malformed HTTP", "response"),

		rss("rss-baseline", xml(feed(goodItem, [3]string{"네이버 장애", "/news/2", "Sun, 16 Oct 2022 09:00:00 +0900"})), 2, 2).ok("two good items"),
		rss("rss-future-2099", xml(feed(goodItem, [3]string{"미래의 기사", "/news/2", "Thu, 15 Oct 2099 09:00:00 +0900"})), 1, 1, "published_at 2099-10-15", "is after the fetch time"),
		// A news row without a usable date still lands, with the reason in
		// date_missing_reason: a fetch time is never a publication time.
		rss("rss-date-1900", xml(feed(goodItem, [3]string{"옛날 기사", "/news/2", "Mon, 15 Oct 1900 09:00:00 +0900"})), 2, 2).
			lakeSays("year 1900 is out of range"),
		rss("rss-unparseable-date", xml(feed(goodItem, [3]string{"날짜 없는 기사", "/news/2", "the day after tomorrow"})), 2, 2).
			lakeSays("unparseable feed date"),
		rss("rss-script-in-title", xml(feed(goodItem, [3]string{"&lt;script&gt;alert(1)&lt;/script&gt; 카카오", "/news/2", "Sun, 16 Oct 2022 09:00:00 +0900"})), 2, 2).
			ok("a title is text; every output escapes it"),
		rss("rss-missing-title", xml(feed(goodItem, [3]string{"", "/news/2", "Sun, 16 Oct 2022 09:00:00 +0900"})), 1, 1, "title is empty"),
		rss("rss-malformed-xml", xml(`<?xml version="1.0"?><rss><channel><item><title>broken`), 0, 0, "feed"),
		rss("rss-html-instead", html("<html><body>not a feed</body></html>"), 0, 0, "feed"),
		rss("rss-empty-body", serve("application/rss+xml", ""), 0, 0, "feed"),
		rss("rss-billion-laughs", xml(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss version="2.0"><channel><title>x</title><item><title>&lol3;</title><link>/news/9</link></item></channel></rss>`), 1, 1).
			ok("DTD entities are never expanded, so the bomb is an inert title"),
		rss("rss-euc-kr-declared", serve("application/rss+xml", eucKR(strings.Replace(feed(goodItem), `encoding="UTF-8"`, `encoding="EUC-KR"`, 1))), 1, 1).
			ok("a feed in its declared charset"),
	}
	return cases
}
