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
// host. The caller holds h.
func (t *Transport) robotsFor(ctx context.Context, h *host, method string, u *url.URL) (string, error) {
	if !t.cfg.RespectRobots {
		t.count(func(s *Stats) { s.RobotsNotChecked++ })
		return RobotsNotChecked, nil
	}
	if !h.loaded {
		rd, err := t.loadRobots(ctx, h, u)
		if err != nil {
			return "", err
		}
		h.robots, h.loaded = rd, true
		if rd != nil {
			h.delay = max(h.delay, rd.FindGroup(t.agent).CrawlDelay)
		}
	}
	switch {
	case h.robots == nil: // replay of a recording without robots.txt
		t.count(func(s *Stats) { s.RobotsNotChecked++ })
		return RobotsNotChecked, nil
	case !h.robots.TestAgent(u.RequestURI(), t.agent):
		t.count(func(s *Stats) { s.RobotsRefusals++ })
		return "", fmt.Errorf("%s %q: %w", method, u, ErrRobotsDisallowed)
	}
	t.count(func(s *Stats) { s.RobotsAllowed++ })
	return RobotsAllowed, nil
}

// loadRobots applies RFC 9309: 4xx allows all; 5xx, 429, unreachable or
// unparseable disallows all for this run; up to five redirects are followed.
// It returns nil, nil when a replay source has no robots.txt for the host.
func (t *Transport) loadRobots(ctx context.Context, h *host, u *url.URL) (*robotstxt.RobotsData, error) {
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
				return nil, fmt.Errorf("robots.txt %q: %w", target, rerr)
			}
			ex, err = t.fetch(ctx, h, req, nil)
		}
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("robots.txt %q: %w", target, ctx.Err())
		case errors.Is(err, ErrNotRecorded):
			return nil, nil
		case ex == nil:
			t.log.Warn("robots.txt unreachable, disallowing host for this run", "url", target.String(), "err", err)
			return robotsDisallowAll(), nil
		case ex.status >= 300 && ex.status < 400 && ex.header.Get("Location") != "":
			next, perr := target.Parse(ex.header.Get("Location"))
			if perr != nil {
				t.log.Warn("robots.txt redirect unusable, disallowing host for this run", "url", target.String(), "err", perr)
				return robotsDisallowAll(), nil
			}
			target = next
			continue
		case ex.status == http.StatusTooManyRequests || ex.status >= 500:
			t.log.Warn("robots.txt server error, disallowing host for this run", "url", target.String(), "status", ex.status)
			return robotsDisallowAll(), nil
		}
		rd, err := robotstxt.FromStatusAndBytes(ex.status, ex.body)
		if err != nil {
			t.log.Warn("robots.txt unparseable, disallowing host for this run", "url", target.String(), "err", err)
			return robotsDisallowAll(), nil
		}
		return rd, nil
	}
	return robotsAllowAll(), nil // RFC 9309 §2.3.1.2: too many redirects = unavailable
}

func robotsAllowAll() *robotstxt.RobotsData {
	rd, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	return rd
}

func robotsDisallowAll() *robotstxt.RobotsData {
	rd, _ := robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	return rd
}
