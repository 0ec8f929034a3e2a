package bench_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/bench/site"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/article"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// These benchmarks crawl the SYNTHETIC loopback site (bench/site) with
// the article collector through ingest/transport, for `go test -bench`.
// bench/cmd/gwbench measures the full crawl against Scrapy at 5,000 pages.

// crawl runs the article collector over urls once and returns the rows.
func crawl(b *testing.B, tc transport.Config, urls []string, parallelism int) int64 {
	b.Helper()
	cfg := fmt.Sprintf("[sources.article]\nurls = [%s]\n", quoteList(urls))
	if parallelism > 0 {
		cfg += fmt.Sprintf("parallelism = %d\n", parallelism)
	}
	c, err := ingest.ParseConfig([]byte(cfg))
	if err != nil {
		b.Fatal(err)
	}
	sc, err := c.Source(article.Name)
	if err != nil {
		b.Fatal(err)
	}
	col, err := article.New(sc)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := transport.New(tc)
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	var rows atomic.Int64
	s := ingest.NewSession(col, ingest.SessionOptions{RunID: "bench", Mode: ingest.Live, Transport: tr,
		Sink: func(schema.Row) error { rows.Add(1); return nil }})
	if err := col.Collect(context.Background(), s); err != nil {
		b.Fatal(err)
	}
	if errs := s.Errors(); len(errs) > 0 {
		b.Fatalf("crawl errors: %v", errs)
	}
	return rows.Load()
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// BenchmarkCrawlLoopback: politeness off (the site is on loopback), one
// host, the article collector at parallelism 1 (what every collector did
// before) and 16 (the `parallelism` key, as gwbench's crawl sets it).
func BenchmarkCrawlLoopback(b *testing.B) {
	const pages = 500
	st, stop, err := site.Serve(pages, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	urls := make([]string, pages)
	for i := range urls {
		urls[i] = st.Base() + site.ArticlePath(i)
	}
	for _, par := range []int{1, 16} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			for b.Loop() {
				n := crawl(b, transport.Config{Mode: transport.ModeLive, Delay: 0, AllowZeroDelay: true,
					AllowedDomains: []string{"127.0.0.1"}}, urls, par)
				if n != pages {
					b.Fatalf("%d rows, want %d", n, pages)
				}
			}
			b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkPoliteCrawlHosts: default politeness (1 request/s per host,
// robots.txt fetched and obeyed) over H host names, all served by the
// loopback site (a dialer maps every *.bench.invalid name to it; the
// transport paces names apart, as it does for any custom dialer). With
// hosts fetched in parallel a crawl takes about pages/H seconds (each
// host: its robots.txt, then pages/H pages a second apart), not pages
// seconds.
func BenchmarkPoliteCrawlHosts(b *testing.B) {
	const pages = 16
	st, stop, err := site.Serve(pages, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	addr := strings.TrimPrefix(st.Base(), "http://")
	_, port, _ := net.SplitHostPort(addr)
	base := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	base.DialContext = func(ctx context.Context, network, to string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(to)
		if err != nil || !strings.HasSuffix(host, ".bench.invalid") {
			return nil, fmt.Errorf("bench dialer: %q is not a benchmark host", to)
		}
		return dialer.DialContext(ctx, network, addr) // loopback only
	}
	for _, hosts := range []int{1, 4, 16} {
		urls := make([]string, pages)
		for i := range urls {
			// Grouped by host, as a feed lists one outlet's articles together.
			urls[i] = fmt.Sprintf("http://h%d.bench.invalid:%s%s", i*hosts/pages, port, site.ArticlePath(i))
		}
		b.Run(fmt.Sprintf("hosts=%d", hosts), func(b *testing.B) {
			for b.Loop() {
				n := crawl(b, transport.Config{Mode: transport.ModeLive, RespectRobots: true, Base: base,
					AllowedDomains: []string{"bench.invalid"}}, urls, 0)
				if n != pages {
					b.Fatalf("%d rows, want %d", n, pages)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(pages)/sec, "pages/s")
			b.ReportMetric(float64(pages)/float64(hosts), "expected-s")
		})
	}
}
