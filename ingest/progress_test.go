package ingest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/progress"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// spy keeps each collector's last snapshot and status.
type spy struct {
	progress.Reporter
	final  map[string]progress.Snapshot
	status map[string]string
}

func (s *spy) Finish(c *progress.Counters, status string) {
	s.final[c.Name()], s.status[c.Name()] = c.Snapshot(time.Now()), status
	s.Reporter.Finish(c, status)
}

func TestTheRunnerFeedsProgress(t *testing.T) {
	good := goodServer(t)
	missing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(missing.Close)
	sp := &spy{Reporter: progress.Nop(), final: map[string]progress.Snapshot{}, status: map[string]string{}}
	r := &ingest.Runner{
		LakeDir: t.TempDir(), Mode: ingest.Live, Progress: sp,
		Transport: func(ingest.Collector) (http.RoundTripper, io.Closer, error) {
			tr, err := transport.New(transport.Config{Mode: transport.ModeLive, AllowZeroDelay: true, MaxRetries: 1,
				BackoffBase: time.Millisecond, BackoffMax: time.Millisecond, Timeout: 5 * time.Second})
			return tr, tr, err
		},
	}
	urls := []string{good.URL + "/good", missing.URL + "/gone", good.URL + "/good"}
	if _, err := r.Run(context.Background(), []ingest.Collector{&probe{urls: urls}}); err != nil {
		t.Fatal(err)
	}
	s := sp.final["probe"]
	// Three requests, the 404 failed; the good page's two rows twice (a
	// later fetch is a new version of a row).
	if s.Requests != 3 || s.Failed != 1 || s.Queued != 0 || s.Rows != 4 || sp.status["probe"] != ingest.StatusPartial {
		t.Fatalf("final progress %+v, status %s; want 3 requests, 1 failed, 0 queued, 4 rows, partial", s, sp.status["probe"])
	}
}
