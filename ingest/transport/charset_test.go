package transport

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func eucKR(t testing.TB, s string) []byte {
	t.Helper()
	b, err := korean.EUCKR.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeBodyKorean(t *testing.T) {
	const headline = "카카오톡 먹통 사태, 판교 데이터센터 화재"
	page := func(head string) string {
		return "<html><head>" + head + "<title>속보</title></head><body><h1>" + headline + "</h1></body></html>"
	}
	tests := []struct {
		name        string
		contentType string
		html        string
	}{
		{"Content-Type charset", "text/html; charset=EUC-KR", page("")},
		{"Content-Type ks_c_5601-1987", "text/html; charset=ks_c_5601-1987", page("")},
		{"Content-Type cp949", "text/html;charset=CP949", page("")},
		{"meta charset", "text/html", page(`<meta charset="euc-kr">`)},
		{"meta http-equiv", "text/html", page(`<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">`)},
		{"meta after 1 KiB of script", "text/html", page("<script>" + strings.Repeat("var x = 1;\n", 200) + `</script><meta charset=euc-kr>`)},
		{"xml declaration", "application/xml", `<?xml version="1.0" encoding="euc-kr"?><rss><title>` + headline + `</title></rss>`},
		{"no declaration", "text/html", page("") + page("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, name, err := DecodeBody(eucKR(t, tt.html), tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if name != "euc-kr" || !strings.Contains(string(got), headline) {
				t.Errorf("charset %q, body %q; want euc-kr with %q", name, got, headline)
			}
		})
	}
}

func TestDecodeBodyGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "charset", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			input, contentType := readCharsetCase(t, dir)
			body, name, err := DecodeBody(input, contentType)
			if err != nil {
				t.Fatal(err)
			}
			got := "charset: " + name + "\n" + string(body)
			wantPath := filepath.Join(dir, "want")
			if *update {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func readCharsetCase(t testing.TB, dir string) ([]byte, string) {
	t.Helper()
	input, err := os.ReadFile(filepath.Join(dir, "input"))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := os.ReadFile(filepath.Join(dir, "content-type"))
	if err != nil {
		t.Fatal(err)
	}
	return input, strings.TrimSpace(string(ct))
}

func FuzzDecodeBody(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "charset", "*"))
	for _, dir := range dirs {
		input, ct := readCharsetCase(f, dir)
		f.Add(input, ct)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, name, err := DecodeBody(body, contentType)
		if err != nil {
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("%s: output is not UTF-8: %q", name, out)
		}
		// Decoding is idempotent once the charset is declared as UTF-8.
		again, name2, err := DecodeBody(out, "text/html; charset=utf-8")
		if err != nil || name2 != "utf-8" || !bytes.Equal(again, out) {
			t.Fatalf("second pass changed the body: %q -> %q (%s, %v)", out, again, name2, err)
		}
	})
}

func TestRoundTripServesUTF8(t *testing.T) {
	const headline = "카카오톡 먹통"
	s := newSite(t, map[string]http.HandlerFunc{"/news": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=euc-kr")
		w.Write(eucKR(t, "<html><body><h1>"+headline+"</h1></body></html>"))
	}})
	cfg := testConfig(newFakeClock())
	cfg.RespectRobots = false
	tr := newTransport(t, cfg)

	resp, body, err := get(t, tr, s.URL+"/news")
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !strings.Contains(body, headline) {
		t.Errorf("body %q lacks %q", body, headline)
	}
	sum := sha256.Sum256([]byte(body))
	if got := resp.Header.Get(HeaderContentSHA256); got != hex.EncodeToString(sum[:]) {
		t.Errorf("%s = %q, want sha256 of the decoded body", HeaderContentSHA256, got)
	}
	if resp.Header.Get(HeaderWarcRecordID) != "" || resp.Header.Get(HeaderFetchedAt) != "2022-10-15T06:30:00Z" {
		t.Errorf("live provenance headers: %v", resp.Header)
	}
}
