package transport

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/nlnwa/gowarc/v3"
)

// warcWriter appends request/response record pairs to one .warc.gz, each
// record its own gzip member so readers can seek to any record.
type warcWriter struct {
	mu     sync.Mutex
	f      *os.File
	infoID string
}

func openWARCWriter(path string, now func() time.Time) (*warcWriter, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open WARC: %w", err)
	}
	w := &warcWriter{f: f, infoID: newRecordID()}
	// Appending keeps earlier recordings; each session starts with its own warcinfo.
	info := gowarc.NewRecordBuilder(gowarc.Warcinfo, gowarc.WithAddMissingDigest(true))
	info.AddWarcHeader(gowarc.WarcRecordID, w.infoID)
	info.AddWarcHeader(gowarc.WarcDate, now().UTC().Format(time.RFC3339Nano))
	info.AddWarcHeader(gowarc.WarcFilename, filepath.Base(path))
	info.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	_, _ = info.WriteString("software: gwanmun ingest/transport\r\nformat: WARC File Format 1.1\r\n" +
		"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
	if err := w.append(info); err != nil {
		return nil, errors.Join(fmt.Errorf("write warcinfo to %q: %w", path, err), f.Close())
	}
	return w, nil
}

// write records one exchange and returns the response record's ID.
func (w *warcWriter) write(req *http.Request, reqBody []byte, ex *exchange) (string, error) {
	reqID, respID := newRecordID(), newRecordID()
	date := ex.fetchedAt.UTC().Format(time.RFC3339Nano)

	hostHeader := req.Host
	if hostHeader == "" {
		hostHeader = req.URL.Host
	}
	var reqBlock bytes.Buffer
	fmt.Fprintf(&reqBlock, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), hostHeader)
	_ = redacted(req.Header).Write(&reqBlock)
	reqBlock.WriteString("\r\n")
	reqBlock.Write(reqBody)

	var respBlock bytes.Buffer
	fmt.Fprintf(&respBlock, "HTTP/1.1 %s\r\n", ex.statusText)
	_ = ex.header.Write(&respBlock)
	respBlock.WriteString("\r\n")
	respBlock.Write(ex.body)

	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range []struct {
		typ       gowarc.RecordType
		id, other string
		msgtype   string
		block     []byte
	}{
		{gowarc.Request, reqID, respID, "request", reqBlock.Bytes()},
		{gowarc.Response, respID, reqID, "response", respBlock.Bytes()},
	} {
		b := gowarc.NewRecordBuilder(r.typ, gowarc.WithAddMissingDigest(true))
		b.AddWarcHeader(gowarc.WarcRecordID, r.id)
		b.AddWarcHeader(gowarc.WarcConcurrentTo, r.other)
		b.AddWarcHeader(gowarc.WarcWarcinfoID, w.infoID)
		b.AddWarcHeader(gowarc.WarcDate, date)
		b.AddWarcHeader(gowarc.WarcTargetURI, req.URL.String())
		b.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationHttp+";msgtype="+r.msgtype)
		if _, err := b.Write(r.block); err != nil {
			return "", errors.Join(err, b.Close())
		}
		if err := w.append(b); err != nil {
			return "", err
		}
	}
	return respID, nil
}

// append builds the record and writes it as one gzip member; the caller
// holds w.mu (or owns w exclusively).
func (w *warcWriter) append(b gowarc.WarcRecordBuilder) error {
	if w.f == nil {
		return ErrClosed
	}
	rec, _, err := b.Build()
	if err != nil {
		return fmt.Errorf("build WARC record: %w", err)
	}
	defer rec.Close()
	zw := gzip.NewWriter(w.f)
	if _, _, err := gowarc.NewMarshaler().Marshal(zw, rec, 0); err != nil {
		return fmt.Errorf("write WARC record: %w", err)
	}
	return zw.Close()
}

func (w *warcWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if err != nil {
		return fmt.Errorf("close WARC: %w", err)
	}
	return nil
}

func newRecordID() string { return "<urn:uuid:" + uuid.NewString() + ">" }

// secretHeaders never reach an archive: WARC files are shared with
// reviewers, and API keys travel in these request headers.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Naver-Client-Id", "X-Naver-Client-Secret", "X-Api-Key"}

// redacted returns a copy of h with secret values replaced.
func redacted(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range secretHeaders {
		if out.Get(k) != "" {
			out.Set(k, "REDACTED")
		}
	}
	return out
}
