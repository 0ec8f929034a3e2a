package rss

import (
	"testing"
	"time"
)

func TestSinceOnlyMovesTheWindowForward(t *testing.T) {
	configured := time.Date(2022, 10, 15, 0, 0, 0, 0, time.UTC)
	c := &Collector{}
	c.window.From = configured
	c.Since(configured.Add(-48 * time.Hour))
	if !c.window.From.Equal(configured) {
		t.Fatalf("an older cursor moved the configured start back to %v", c.window.From)
	}
	later := configured.Add(24 * time.Hour)
	c.Since(later)
	if !c.window.From.Equal(later) {
		t.Fatalf("window starts %v, want %v", c.window.From, later)
	}
	open := &Collector{}
	open.Since(later)
	if !open.window.From.Equal(later) {
		t.Fatalf("open window starts %v, want %v", open.window.From, later)
	}
}
