package transport

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// archive is a replay source. lookup returns ErrNotRecorded for anything it
// does not hold.
type archive interface {
	lookup(method string, u *url.URL, body []byte, limit int64) (*exchange, error)
}

func (t *Transport) replayGet(method string, u *url.URL, body []byte) (*exchange, error) {
	ex, err := t.archive.lookup(method, u, body, t.cfg.MaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", method, u, err)
	}
	t.count(func(s *Stats) {
		s.ByStatus[ex.status]++
		s.Bytes += int64(len(ex.body))
	})
	return ex, nil
}

// replayKey identifies an exchange: method, URL without fragment and, for
// requests with a body (POST forms), the body's sha256.
func replayKey(method string, u *url.URL, body []byte) string {
	c := *u
	c.Scheme, c.Host = strings.ToLower(c.Scheme), strings.ToLower(c.Host)
	c.Fragment, c.RawFragment = "", ""
	key := strings.ToUpper(method) + " " + c.String()
	if len(body) > 0 {
		sum := sha256.Sum256(body)
		key += " " + hex.EncodeToString(sum[:])
	}
	return key
}

// warcArchive indexes response records by replayKey; the bodies stay on
// disk until asked for. Later records win, so a retried 503 followed by a
// 200 replays as the 200.
type warcArchive struct {
	index map[string]warcLocation
}

type warcLocation struct {
	file   string
	offset int64
}

func openWARCArchive(path string) (*warcArchive, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("replay WARC: %w", err)
	}
	files := []string{path}
	if info.IsDir() {
		files = nil
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".warc") || strings.HasSuffix(p, ".warc.gz")) {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("replay WARC folder: %w", err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("replay WARC folder %q: no .warc or .warc.gz files", path)
		}
	}
	a := &warcArchive{index: map[string]warcLocation{}}
	for _, f := range files {
		if err := a.add(f); err != nil {
			return nil, fmt.Errorf("index %q: %w", f, err)
		}
	}
	return a, nil
}

// add indexes one file. A response is keyed through its request record
// (linked by WARC-Concurrent-To either way), which holds the method and body.
func (a *warcArchive) add(file string) error {
	r, err := gowarc.NewWarcFileReader(file, 0)
	if err != nil {
		return err
	}
	defer r.Close()
	type response struct {
		id, target string
		linked     []string
		at         warcLocation
	}
	var responses []response
	keyOf := map[string]string{} // record ID → request key, for both ends of each link
	for rec, err := range r.Records() {
		if err != nil {
			return err
		}
		h := rec.WarcRecord.WarcHeader()
		id, target, linked := h.Get(gowarc.WarcRecordID), h.Get(gowarc.WarcTargetURI), h.GetAll(gowarc.WarcConcurrentTo)
		switch rec.WarcRecord.Type() {
		case gowarc.Response:
			responses = append(responses, response{id, target, linked, warcLocation{file, rec.Offset}})
		case gowarc.Request:
			key, err := requestKey(rec.WarcRecord, target)
			if err != nil {
				return errors.Join(fmt.Errorf("request %s: %w", id, err), rec.Close())
			}
			keyOf[id] = key
			for _, l := range linked {
				keyOf[l] = key
			}
		}
		if err := rec.Close(); err != nil {
			return err
		}
	}
	for _, resp := range responses {
		key := keyOf[resp.id]
		for i := 0; key == "" && i < len(resp.linked); i++ {
			key = keyOf[resp.linked[i]]
		}
		if key == "" { // a WARC written without request records
			u, err := url.Parse(resp.target)
			if err != nil {
				continue
			}
			key = replayKey(http.MethodGet, u, nil)
		}
		a.index[key] = resp.at
	}
	return nil
}

func requestKey(rec gowarc.WarcRecord, target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", err
	}
	block, ok := rec.Block().(gowarc.HttpRequestBlock)
	if !ok {
		return "", errors.New("not an HTTP request block")
	}
	method, _, _ := strings.Cut(string(block.ProtocolHeaderBytes()), " ")
	payload, err := block.PayloadBytes()
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(payload)
	if err != nil {
		return "", err
	}
	return replayKey(method, u, body), nil
}

func (a *warcArchive) lookup(method string, u *url.URL, body []byte, limit int64) (*exchange, error) {
	at, ok := a.index[replayKey(method, u, body)]
	if !ok {
		return nil, ErrNotRecorded
	}
	r, err := gowarc.NewWarcFileReader(at.file, at.offset)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", at.file, err)
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil {
		return nil, fmt.Errorf("replay %s@%d: %w", at.file, at.offset, err)
	}
	defer rec.Close()
	block, ok := rec.WarcRecord.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return nil, fmt.Errorf("replay %s@%d: not an HTTP response block", at.file, at.offset)
	}
	payload, err := block.PayloadBytes()
	if err != nil {
		return nil, fmt.Errorf("replay %s@%d: %w", at.file, at.offset, err)
	}
	header := block.HttpHeader().Clone()
	if strings.EqualFold(header.Get("Transfer-Encoding"), "chunked") { // as other crawlers store it
		payload = httputil.NewChunkedReader(payload)
	}
	b, err := readBody(payload, header, limit)
	if err != nil {
		return nil, fmt.Errorf("replay %s@%d: %w", at.file, at.offset, err)
	}
	h := rec.WarcRecord.WarcHeader()
	fetchedAt, err := time.Parse(time.RFC3339Nano, h.Get(gowarc.WarcDate))
	if err != nil {
		return nil, fmt.Errorf("replay %s@%d: WARC-Date: %w", at.file, at.offset, err)
	}
	return &exchange{
		status:     block.HttpStatusCode(),
		statusText: block.HttpStatusLine(),
		header:     header,
		body:       b,
		recordID:   h.Get(gowarc.WarcRecordID),
		fetchedAt:  fetchedAt,
	}, nil
}
