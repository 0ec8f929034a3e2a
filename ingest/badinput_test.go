package ingest_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/ingest/transport"
)

// TestBadInput drives every case of testdata/badinput through the probe
// collector, the real transport and the runner. Each case directory holds
// the response to serve (input.http, raw as `curl -si` prints it, or
// input.gen naming a response the test generates) and want: the probe's
// ledger status, how many mau rows land in total (the good page's two plus
// any good rows of the case), and text each ledger error must contain
// ("error none": no errors at all).
func TestBadInput(t *testing.T) {
	dirs, err := filepath.Glob("testdata/badinput/*/want")
	for i := range dirs {
		dirs[i] = filepath.Dir(dirs[i])
	}
	if err != nil || len(dirs) < 30 {
		t.Fatalf("%d bad-input cases, want at least 30 (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			w := readWant(t, filepath.Join(dir, "want"))
			got := runProbe(t, caseHandler(t, dir), transport.Config{})
			ledger := strings.Join(got.ledger.Errors, "\n")
			t.Logf("ledger errors:\n%s", ledger)
			if got.ledger.Status != w.status {
				t.Errorf("ledger status %s, want %s; errors:\n%s", got.ledger.Status, w.status, ledger)
			}
			if len(got.mau) != w.rows {
				t.Errorf("%d mau rows landed, want %d; errors:\n%s", len(got.mau), w.rows, ledger)
			}
			if w.none && ledger != "" {
				t.Errorf("ledger errors %q, want none", ledger)
			}
			for _, e := range w.errors {
				if !strings.Contains(ledger, e) {
					t.Errorf("ledger errors do not say %q:\n%s", e, ledger)
				}
			}
			if w.duplicates >= 0 && got.sum.Collectors[0].RowsDuplicate != int64(w.duplicates) {
				t.Errorf("%d duplicates dropped, want %d", got.sum.Collectors[0].RowsDuplicate, w.duplicates)
			}
		})
	}
}

type want struct {
	status     string
	rows       int
	errors     []string
	none       bool
	duplicates int
}

func readWant(t *testing.T, path string) want {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := want{duplicates: -1}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "", "#":
		case "status":
			w.status = v
		case "rows":
			w.rows, err = strconv.Atoi(v)
		case "duplicates":
			w.duplicates, err = strconv.Atoi(v)
		case "error":
			if v == "none" {
				w.none = true
			} else {
				w.errors = append(w.errors, v)
			}
		default:
			t.Fatalf("%s: unknown line %q", path, line)
		}
		if err != nil {
			t.Fatalf("%s: %q: %v", path, line, err)
		}
	}
	return w
}

// caseHandler serves a case's /case (and its robots.txt, 404 unless the
// case says otherwise).
func caseHandler(t *testing.T, dir string) http.Handler {
	if raw, err := os.ReadFile(filepath.Join(dir, "input.http")); err == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/case" {
				http.NotFound(w, r)
				return
			}
			serveRaw(w, raw)
		})
	}
	gen, err := os.ReadFile(filepath.Join(dir, "input.gen"))
	if err != nil {
		t.Fatalf("%s has neither input.http nor input.gen", dir)
	}
	name, arg, _ := strings.Cut(strings.TrimSpace(string(gen)), " ")
	n, _ := strconv.Atoi(arg)
	mux := http.NewServeMux()
	switch name {
	case "huge-body":
		mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			chunk := bytes.Repeat([]byte("<p>x</p>\n"), 1<<13)
			for sent := 0; sent < n; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		})
	case "gzip-bomb":
		var bomb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
		zeros := make([]byte, 1<<20)
		for i := 0; i < n>>20; i++ {
			zw.Write(zeros)
		}
		zw.Close()
		mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb.Bytes())
		})
	case "robots-disallow":
		mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /case\n")
		})
		mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
			t.Error("a page robots.txt disallows was fetched")
		})
	case "robots-503":
		mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		})
		mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
			t.Error("a page was fetched although robots.txt was unavailable")
		})
	case "redirect-loop":
		mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/case2", http.StatusFound) })
		mux.HandleFunc("/case2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/case", http.StatusFound) })
	case "redirect-offsite":
		mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://evil.example/mau", http.StatusFound)
		})
	case "json-deep":
		mux.HandleFunc("/case", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"rows": ` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`))
		})
	default:
		t.Fatalf("%s: unknown generator %q", dir, name)
	}
	return mux
}

// serveRaw writes a stored response byte for byte, wrong lengths and all,
// then hangs up.
func serveRaw(w http.ResponseWriter, raw []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	head, body, _ := bytes.Cut(raw, []byte("\n\n"))
	// Stored files use bare newlines; the wire wants CRLF in the head.
	for _, line := range strings.Split(string(head), "\n") {
		buf.WriteString(strings.TrimRight(line, "\r") + "\r\n")
	}
	if !bytes.Contains(bytes.ToLower(head), []byte("content-length:")) {
		buf.WriteString("Connection: close\r\n")
	}
	buf.WriteString("\r\n")
	buf.Write(body)
	_ = buf.Flush()
}
