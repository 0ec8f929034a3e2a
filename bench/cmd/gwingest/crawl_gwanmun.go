package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/article"
	"github.com/gwanmun/gwanmun/ingest/collectors/rss"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// crawlGwanmun is our side of (a): one ingest run of the rss collector
// over the feeds and the article collector over the pages they list, each
// through ingest/transport in live or record mode, landing rows in a lake.
// Politeness is off because the site is on loopback: no per-host delay
// (AllowZeroDelay) and no robots.txt, and the sources' `parallelism` key
// gives the one host conc requests at once, as a user would for a host
// that allows it (see BENCHMARKS.md).
func crawlGwanmun(ctx context.Context, feeds, pages []string, lakeDir, mode, warc string, conc int) (int64, error) {
	cfg, err := ingest.ParseConfig([]byte(fmt.Sprintf("[sources.rss]\nurls = %s\nkeep = \"all\"\nparallelism = %d\n[sources.article]\nurls = %s\nparallelism = %d\n",
		tomlList(feeds), conc, tomlList(pages), conc)))
	if err != nil {
		return 0, err
	}
	var cols []ingest.Collector
	for _, e := range []ingest.Entry{rss.Entry(), article.Entry()} {
		sc, err := cfg.Source(e.Name)
		if err != nil {
			return 0, err
		}
		c, err := e.New(sc)
		if err != nil {
			return 0, err
		}
		cols = append(cols, c)
	}
	m := ingest.Live
	if mode == "record" {
		m = ingest.Record
	}
	r := &ingest.Runner{
		LakeDir: lakeDir, Mode: m,
		Transport: func(c ingest.Collector) (http.RoundTripper, io.Closer, error) {
			tc := transport.Config{
				Mode: transport.Mode(m), Delay: 0, AllowZeroDelay: true, RespectRobots: false,
				AllowedDomains: []string{"127.0.0.1"},
			}
			if m == ingest.Record {
				tc.WARCPath = strings.TrimSuffix(warc, ".warc.gz") + "-" + c.Info().Name + ".warc.gz"
			}
			t, err := transport.New(tc)
			return t, t, err
		},
	}
	sum, err := r.Run(ctx, cols)
	if err != nil {
		return 0, err
	}
	if sum.Status != ingest.StatusOK {
		return 0, fmt.Errorf("ingest %s: %+v", sum.Status, sum.Collectors)
	}
	for _, c := range sum.Collectors {
		if c.Collector == article.Name {
			return c.RowsWritten, nil
		}
	}
	return 0, fmt.Errorf("no article rows")
}

func tomlList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b)), nil
}
