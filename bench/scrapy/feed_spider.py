#!/usr/bin/env python3
"""Scrapy's side of the crawl benchmark (a): the same SYNTHETIC loopback
site, the same work as the Go crawlers: every feed, then every article it
lists, extracting URL, title, publication time and lead, written as JSON
lines. Politeness is off (no delay, no robots.txt, no autothrottle) because
the site is on 127.0.0.1; concurrency matches the others.

Usage: feed_spider.py FEEDS_FILE CONCURRENCY OUT.jsonl
The last stdout line is JSON for bench/cmd/gwbench.
"""
import json
import sys
import time

import scrapy
from scrapy.crawler import CrawlerProcess


class FeedSpider(scrapy.Spider):
    name = "bench_feeds"

    def __init__(self, feeds, **kw):
        super().__init__(**kw)
        self.start_urls = feeds

    def parse(self, response):
        response.selector.remove_namespaces()
        for link in response.xpath("//item/link/text()").getall():
            yield scrapy.Request(link.strip(), callback=self.parse_article)

    def parse_article(self, response):
        yield {
            "url": response.css('link[rel="canonical"]::attr(href)').get(),
            "title": (response.css("h1::text").get() or "").strip(),
            "published": response.css('meta[property="article:published_time"]::attr(content)').get(),
            "lead": (response.css("p.lead::text").get() or "").strip(),
        }


def main():
    feeds_file, conc, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(feeds_file) as f:
        feeds = [l.strip() for l in f if l.strip()]
    process = CrawlerProcess(settings={
        "LOG_LEVEL": "ERROR",
        "ROBOTSTXT_OBEY": False,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": conc,
        "CONCURRENT_REQUESTS_PER_DOMAIN": conc,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
        "FEEDS": {out: {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
    })
    crawler = process.create_crawler(FeedSpider)
    t0 = time.perf_counter()
    process.crawl(crawler, feeds=feeds)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "pages": stats.get("item_scraped_count", 0),
        "seconds": time.perf_counter() - t0,
        "errors": stats.get("log_count/ERROR", 0),
    }))


if __name__ == "__main__":
    main()
