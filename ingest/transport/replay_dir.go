package transport

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// replayDir serves raw HTTP responses from <dir>/<host>/<request-uri>.http,
// both parts escaped as ReplayPath does. Only GET is recorded this way.
type replayDir struct{ dir string }

func openReplayDir(dir string) (*replayDir, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("replay folder: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("replay folder %q: not a directory", dir)
	}
	return &replayDir{dir: dir}, nil
}

// ReplayPath is where a replay folder keeps the response for u:
// <dir>/<url.QueryEscape(host)>/<url.QueryEscape(request URI)>.http, e.g.
// news.example.kr/%2Farticle%3Fid%3D7.http. File names over 200 bytes
// become the hex sha256 of the request URI instead.
func ReplayPath(dir string, u *url.URL) string {
	name := url.QueryEscape(u.RequestURI())
	if len(name) > 200 {
		sum := sha256.Sum256([]byte(u.RequestURI()))
		name = hex.EncodeToString(sum[:])
	}
	return filepath.Join(dir, url.QueryEscape(strings.ToLower(u.Host)), name+".http")
}

func (d *replayDir) lookup(method string, u *url.URL, body []byte, limit int64) (*exchange, error) {
	if method != http.MethodGet || len(body) > 0 {
		return nil, ErrNotRecorded
	}
	path := ReplayPath(d.dir, u)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotRecorded
	}
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	ex, err := parseHTTPFile(data, limit)
	if err != nil {
		return nil, fmt.Errorf("replay %q: %w", path, err)
	}
	return ex, nil
}

// parseHTTPFile reads "HTTP/x status\r\nheaders\r\n\r\nbody" as `curl -si`
// prints it. The body is taken as stored, so Content-Length and chunking
// headers are ignored; provenance headers in the file are kept, so a saved
// gwanmun response replays with its original record ID and fetch time.
func parseHTTPFile(data []byte, limit int64) (*exchange, error) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
	line, err := tp.ReadLine()
	if err != nil {
		return nil, fmt.Errorf("status line: %w", err)
	}
	proto, status, _ := strings.Cut(line, " ")
	codeText, _, _ := strings.Cut(status, " ")
	code, err := strconv.Atoi(codeText)
	if !strings.HasPrefix(proto, "HTTP/") || err != nil || code < 100 || code > 999 {
		return nil, fmt.Errorf("bad status line %q", line)
	}
	mh, err := tp.ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("headers: %w", err)
	}
	header := http.Header(mh)
	header.Del("Transfer-Encoding")
	b, err := readBody(tp.R, header, limit)
	if err != nil {
		return nil, err
	}
	ex := &exchange{status: code, header: header, body: b, recordID: header.Get(HeaderWarcRecordID)}
	if status = strings.TrimSpace(status); status != codeText { // else respond supplies the reason phrase
		ex.statusText = status
	}
	if at := header.Get(HeaderFetchedAt); at != "" {
		if ex.fetchedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("%s: %w", HeaderFetchedAt, err)
		}
	} else if date, err := http.ParseTime(header.Get("Date")); err == nil {
		ex.fetchedAt = date
	}
	return ex, nil
}
