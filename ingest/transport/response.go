package transport

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// respond turns an exchange into what the caller sees: UTF-8 markup and the
// provenance headers. Live, record and replay all pass through here, so a
// replayed response is byte-identical to the recorded one.
func (t *Transport) respond(req *http.Request, ex *exchange, robots string) (*http.Response, error) {
	header := ex.header.Clone()
	body := ex.body
	if mediaType, params, ok := markup(header, body); ok {
		decoded, _, err := DecodeBody(body, header.Get("Content-Type"))
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", req.Method, req.URL, err)
		}
		body = decoded
		params["charset"] = "utf-8"
		header.Set("Content-Type", mime.FormatMediaType(mediaType, params))
	}
	for _, k := range []string{HeaderWarcRecordID, HeaderFetchedAt, HeaderContentSHA256, HeaderRobots} {
		header.Del(k) // never trust a server's copy
	}
	if ex.recordID != "" {
		header.Set(HeaderWarcRecordID, ex.recordID)
	}
	if !ex.fetchedAt.IsZero() {
		header.Set(HeaderFetchedAt, ex.fetchedAt.UTC().Format(time.RFC3339Nano))
	}
	sum := sha256.Sum256(body)
	header.Set(HeaderContentSHA256, hex.EncodeToString(sum[:]))
	header.Set(HeaderRobots, robots)
	header.Set("Content-Length", strconv.Itoa(len(body)))
	status := ex.statusText
	if status == "" {
		status = strconv.Itoa(ex.status) + " " + http.StatusText(ex.status)
	}
	return &http.Response{
		Status:        status,
		StatusCode:    ex.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// markup reports HTML and XML bodies, the ones colly parses as text.
// A missing Content-Type is sniffed, as browsers do.
func markup(header http.Header, body []byte) (string, map[string]string, bool) {
	if len(body) == 0 {
		return "", nil, false
	}
	ct := header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", nil, false
	}
	switch {
	case mediaType == "text/html", mediaType == "application/xhtml+xml",
		mediaType == "text/xml", mediaType == "application/xml", strings.HasSuffix(mediaType, "+xml"):
		return mediaType, params, true
	}
	return "", nil, false
}

// readBody reads at most limit bytes and undoes a gzip Content-Encoding
// under the same limit, so a gzip bomb stops at the cap. It edits header to
// describe the identity-encoded body it returns.
func readBody(r io.Reader, header http.Header, limit int64) ([]byte, error) {
	body, err := readCapped(r, limit)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(strings.TrimSpace(header.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		if body, err = readCapped(zr, limit); err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		header.Del("Content-Encoding")
	}
	header.Del("Transfer-Encoding")
	header.Set("Content-Length", strconv.Itoa(len(body)))
	return body, nil
}

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: over the %d-byte limit", ErrBodyTooLarge, limit)
	}
	return b, nil
}

// readRequestBody buffers a request body so it can be retried and recorded.
func readRequestBody(req *http.Request, limit int64) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	b, err := readCapped(req.Body, limit)
	if err != nil {
		return nil, fmt.Errorf("%s %q: request body: %w", req.Method, req.URL, err)
	}
	return b, nil
}
