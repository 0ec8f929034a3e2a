package rss

import "time"

// Since implements ingest.Incremental: it moves the start of the window
// forward to t, never back past a configured "from".
func (c *Collector) Since(t time.Time) {
	if c.window.From.IsZero() || t.After(c.window.From) {
		c.window.From = t
	}
}
