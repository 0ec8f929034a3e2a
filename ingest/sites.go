package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/net/publicsuffix"
)

// Errors a fetch can end with before any page is parsed.
var (
	// ErrDomainNotAllowed: a redirect left the sites the source names.
	ErrDomainNotAllowed = errors.New("domain not allowed")
	ErrRedirectLoop     = errors.New("redirect loop")
	ErrTooManyRedirects = errors.New("too many redirects")
)

// maxRedirects is net/http's own limit.
const maxRedirects = 10

// sites are the hosts a collector may be sent to: those of the URLs its
// Info names (its configured URLs) and those it requests itself, which
// collectors take only from their configuration. A redirect is the
// server's choice, so it must stay on one of these sites; the check sits
// in the session so every way a collector is run (CLI, scheduler, tests)
// enforces it, whatever the transport was configured with.
type sites struct {
	hosts []string // lower case, no trailing dot
}

func newSites(infoURL string) *sites {
	s := &sites{}
	for _, f := range strings.Fields(infoURL) {
		if u, err := url.Parse(f); err == nil && u.Hostname() != "" && (u.Scheme == "http" || u.Scheme == "https") {
			s.add(u.Hostname())
		}
	}
	return s
}

func (s *sites) add(host string) {
	host = normHost(host)
	if host != "" && !slices.Contains(s.hosts, host) {
		s.hosts = append(s.hosts, host)
	}
}

// allows reports whether host is one of the sites: the same host, or the
// same registrable domain (news.example.kr and www.example.kr are one
// site; example.kr and example.com are not). IP addresses and single-label
// names such as localhost match only exactly, so a redirect from
// 127.0.0.1 to localhost is refused like any other change of host name.
func (s *sites) allows(host string) bool {
	host = normHost(host)
	site := siteOf(host)
	for _, h := range s.hosts {
		if h == host || (site != "" && siteOf(h) == site) {
			return true
		}
	}
	return false
}

func normHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// siteOf is the registrable domain (eTLD+1) of a host name, "" for IP
// addresses and names without one.
func siteOf(host string) string {
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	site, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	return site
}

// checkRedirect is the colly redirect handler of every session collector:
// it refuses redirects off the source's sites and names loops as loops.
func (s *Session) checkRedirect(req *http.Request, via []*http.Request) error {
	from := via[len(via)-1].URL
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("not following redirect from %s to %q: only http and https are fetched", from, req.URL)
	}
	s.mu.Lock()
	ok := s.sites.allows(req.URL.Hostname())
	hosts := strings.Join(s.sites.hosts, ", ")
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("not following redirect from %s to %q: %w (the source's hosts are %s)", from, req.URL, ErrDomainNotAllowed, hosts)
	}
	seen := 0
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			seen++
		}
	}
	// Once back to a URL already visited is how some sites set a cookie;
	// twice is a loop.
	if seen >= 2 {
		return fmt.Errorf("%w: %s redirects back to %q after %d redirects", ErrRedirectLoop, from, req.URL, len(via))
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: gave up after %d, last from %s to %q", ErrTooManyRedirects, len(via), from, req.URL)
	}
	return nil
}

// fetchProblem names the kind of a fetch failure for the ledger, so a
// refused connection reads as one and not as whatever came after it.
func fetchProblem(err error) string {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, ErrDomainNotAllowed), errors.Is(err, ErrRedirectLoop), errors.Is(err, ErrTooManyRedirects):
		return "" // the message already says it
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.As(err, &dns):
		return "connection error"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return ""
}
