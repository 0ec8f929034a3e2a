package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/temoto/robotstxt"
)

// robotsFor decides whether u may be fetched, loading robots.txt once per
// host. The caller holds h's slot; requests to the host in parallel wait
// here for the first one's robots.txt.
func (t *Transport) robotsFor(ctx context.Context, h *host, method string, u *url.URL) (string, error) {
	if !t.cfg.RespectRobots {
		t.count(func(s *Stats) { s.RobotsNotChecked++ })
		return RobotsNotChecked, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.loaded {
		rd, note, err := t.loadRobots(ctx, h, u)
		switch {
		case err != nil && ctx.Err() != nil:
			return "", fmt.Errorf("%s %q: %w", method, u, err)
		case err != nil: // remembered: one unreachable host is one lookup per run
			h.robotsErr, h.loaded = err, true
		default:
			h.robots, h.robotsNote, h.loaded = rd, note, true
		}
		if rd != nil {
			h.slot.mu.Lock()
			h.slot.delay = max(h.slot.delay, rd.FindGroup(t.agent).CrawlDelay)
			h.slot.mu.Unlock()
		}
	}
	switch {
	case h.robotsErr != nil:
		return "", fmt.Errorf("%s %q: %w", method, u, h.robotsErr)
	case h.robots == nil: // replay of a recording without robots.txt
		t.count(func(s *Stats) { s.RobotsNotChecked++ })
		return RobotsNotChecked, nil
	case !h.robots.TestAgent(u.RequestURI(), t.agent):
		t.count(func(s *Stats) { s.RobotsRefusals++ })
		if h.robotsNote != "" {
			return "", fmt.Errorf("%s %q: %w (%s)", method, u, ErrRobotsDisallowed, h.robotsNote)
		}
		return "", fmt.Errorf("%s %q: %w", method, u, ErrRobotsDisallowed)
	}
	t.count(func(s *Stats) { s.RobotsAllowed++ })
	return RobotsAllowed, nil
}

// loadRobots applies RFC 9309: 4xx allows all; 5xx, 429 or unparseable
// disallows all for this run (note says why); up to five redirects are
// followed. An unreachable robots.txt is an error wrapping
// ErrRobotsUnreachable and the cause (refused, timed out), so the ledger
// names a connection problem, not a robots.txt rule nobody wrote. It
// returns nil, nil when a replay source has no robots.txt for the host.
func (t *Transport) loadRobots(ctx context.Context, h *host, u *url.URL) (rd *robotstxt.RobotsData, note string, err error) {
	target := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	for range 6 {
		var ex *exchange
		var err error
		if t.archive != nil {
			ex, err = t.replayGet(http.MethodGet, target, nil)
		} else {
			// A redirect to another origin is still paced as this one: it is
			// one robots.txt fetch, and locking a second host could deadlock.
			req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
			if rerr != nil {
				return nil, "", fmt.Errorf("robots.txt %q: %w", target, rerr)
			}
			ex, err = t.fetch(ctx, h, req, nil)
		}
		switch {
		case ctx.Err() != nil:
			return nil, "", fmt.Errorf("robots.txt %q: %w", target, ctx.Err())
		case errors.Is(err, ErrNotRecorded):
			return nil, "", nil
		case ex == nil:
			t.log.Warn("robots.txt unreachable, skipping host for this run", "url", target.String(), "err", err)
			return nil, "", fmt.Errorf("%w at %q, host skipped for this run: %w", ErrRobotsUnreachable, target, err)
		case ex.status >= 300 && ex.status < 400 && ex.header.Get("Location") != "":
			next, perr := target.Parse(ex.header.Get("Location"))
			if perr != nil {
				t.log.Warn("robots.txt redirect unusable, disallowing host for this run", "url", target.String(), "err", perr)
				return robotsDisallowAll(), fmt.Sprintf("robots.txt redirect unusable: %v", perr), nil
			}
			target = next
			continue
		case ex.status == http.StatusTooManyRequests || ex.status >= 500:
			t.log.Warn("robots.txt server error, disallowing host for this run", "url", target.String(), "status", ex.status)
			return robotsDisallowAll(), fmt.Sprintf("robots.txt answered %s, which RFC 9309 reads as disallow all", ex.statusText), nil
		}
		rd, err := robotstxt.FromStatusAndBytes(ex.status, ex.body)
		if err != nil {
			t.log.Warn("robots.txt unparseable, disallowing host for this run", "url", target.String(), "err", err)
			return robotsDisallowAll(), fmt.Sprintf("robots.txt unparseable: %v", err), nil
		}
		return rd, "", nil
	}
	return robotsAllowAll(), "", nil // RFC 9309 §2.3.1.2: too many redirects = unavailable
}

func robotsAllowAll() *robotstxt.RobotsData {
	rd, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	return rd
}

func robotsDisallowAll() *robotstxt.RobotsData {
	rd, _ := robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	return rd
}
