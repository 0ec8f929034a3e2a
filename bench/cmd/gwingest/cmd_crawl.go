package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gwanmun/gwanmun/bench/site"
)

// runCrawlChild crawls the local site from its feeds: every feed, then
// every article page it lists, extracting URL, title, publication time and
// lead. -impl colly is the bare crawler written for the benchmark (colly
// and JSON lines, nothing else); -impl gwanmun is our news collector
// through the ingest runner and the live or record transport.
func runCrawlChild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("crawl", flag.ExitOnError)
	impl := fs.String("impl", "colly", "colly or gwanmun")
	feedsFile := fs.String("feeds", "", "file with one feed URL a line")
	pagesFile := fs.String("pages", "", "gwanmun: file with the article URLs the feeds list (the article collector's urls)")
	conc := fs.Int("c", 16, "concurrent requests")
	out := fs.String("out", "", "colly: JSON lines output; gwanmun: lake directory")
	mode := fs.String("mode", "live", "gwanmun: live or record")
	warc := fs.String("warc", "", "gwanmun record mode: output .warc.gz")
	fs.Parse(args)
	feeds, err := readLines(*feedsFile)
	if err != nil {
		return err
	}
	start := time.Now()
	var pages int64
	switch *impl {
	case "colly":
		pages, err = crawlBareColly(feeds, *conc, *out)
	case "gwanmun":
		var urls []string
		if urls, err = readLines(*pagesFile); err == nil {
			pages, err = crawlGwanmun(ctx, feeds, urls, *out, *mode, *warc, *conc)
		}
	default:
		err = fmt.Errorf("impl %q: want colly or gwanmun", *impl)
	}
	if err != nil {
		return err
	}
	report(map[string]any{"pages": pages, "seconds": time.Since(start).Seconds()})
	return nil
}

type item struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Lead      string `json:"lead"`
}

// crawlBareColly is what a researcher would write with colly alone: no
// politeness, no validation, no archive, JSON lines out.
func crawlBareColly(feeds []string, conc int, outPath string) (int64, error) {
	f, err := os.Create(outPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	var pages, failed atomic.Int64

	c := colly.NewCollector(colly.Async(true), colly.AllowURLRevisit(), colly.IgnoreRobotsTxt())
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: conc}); err != nil {
		return 0, err
	}
	c.OnXML("//item/link", func(e *colly.XMLElement) {
		_ = e.Request.Visit(strings.TrimSpace(e.Text))
	})
	c.OnHTML("html", func(e *colly.HTMLElement) {
		it := item{
			URL:       e.ChildAttr(`link[rel="canonical"]`, "href"),
			Title:     strings.TrimSpace(e.ChildText("h1")),
			Published: e.ChildAttr(`meta[property="article:published_time"]`, "content"),
			Lead:      strings.TrimSpace(e.ChildText("p.lead")),
		}
		pages.Add(1)
		mu.Lock()
		_ = enc.Encode(it) // a failed write shows as a short output file
		mu.Unlock()
	})
	c.OnError(func(_ *colly.Response, _ error) { failed.Add(1) })
	for _, u := range feeds {
		if err := c.Visit(u); err != nil {
			return 0, err
		}
	}
	c.Wait()
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if n := failed.Load(); n > 0 {
		return 0, fmt.Errorf("%d requests failed", n)
	}
	return pages.Load(), nil
}

// runServe serves the synthetic site on loopback until interrupted, for
// running Scrapy or another crawler by hand.
func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	n := fs.Int("pages", 5000, "article pages")
	addr := fs.String("addr", "127.0.0.1:8089", "loopback address to listen on")
	feedsOut := fs.String("feeds", "", "write the feed URLs to this file")
	fs.Parse(args)
	s, stop, err := site.Serve(*n, *addr)
	if err != nil {
		return err
	}
	defer stop()
	if *feedsOut != "" {
		if err := os.WriteFile(*feedsOut, []byte(strings.Join(s.Feeds(), "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "serving %d SYNTHETIC pages and %d feeds at %s (Ctrl-C stops)\n", *n, len(s.Feeds()), s.Base())
	<-ctx.Done()
	return nil
}
