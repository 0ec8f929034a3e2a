package newsmatch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Query parameters that track a click rather than name an article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"yclid": true, "igshid": true, "mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true,
	"ref": true, "ref_src": true, "ref_url": true, "cmpid": true, "spm": true, "share": true,
	"sns": true, "fromsns": true, "rss": true, "from": true, "amp": true, "outputtype": true,
	"rprev": true, "mobile": true, "ocid": true, "sc_cid": true, "ns_campaign": true, "ns_mchannel": true,
}

// keepOnly lists, per site (host without www./m.), the only query
// parameters that name an article there; everything else is navigation or
// tracking (etnews' ?mc=cp_002_00003, hankookilbo's ?rPrev=...&type=A2).
// An entry with no parameters means the path alone names the article.
var keepOnly = map[string][]string{
	"chosun.com":       {},
	"it.chosun.com":    {},
	"etnews.com":       {},
	"ddaily.co.kr":     {},
	"hankookilbo.com":  {},
	"hankyung.com":     {},
	"imaeil.com":       {},
	"news1.kr":         {},
	"nocutnews.co.kr":  {},
	"v.daum.net":       {},
	"news.mt.co.kr":    {"no"},
	"newstomato.com":   {"no"},
	"koreaherald.com":  {"ud"},
	"fntimes.com":      {"ud"},
	"newspic.kr":       {"nid"},
	"edaily.co.kr":     {"newsid"},
	"ekn.kr":           {"key"},
	"koreatimesus.com": {"p"},
}

// CanonicalURL reduces an article URL to the form every source agrees on,
// so the same story fetched from a feed, an API and the page itself gets
// one article_id. It is an identity key, not always a fetchable address:
//   - scheme https, host lower-case without a default port, userinfo or
//     trailing dot; a leading www., m., mobile. or amp. label is dropped;
//   - AMP variants lose their "amp" path segment (/amp/…, …/amp, /Amp/)
//     and ?outputType=amp / ?amp=1; a trailing slash is dropped;
//   - tracking parameters (utm_*, fbclid, gclid, …) are dropped, and for
//     known sites everything but the article's own id parameter; the rest
//     are sorted; the fragment is dropped;
//   - a few sites' mobile paths are mapped onto their desktop ones.
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonical URL %q: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("canonical URL %q: not an http(s) URL", raw)
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" || strings.ContainsAny(host, " %") || strings.Contains(host, "..") || strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") {
		return "", fmt.Errorf("canonical URL %q: no usable host", raw)
	}
	host = siteHost(host)

	var segs []string
	for _, s := range strings.Split(u.EscapedPath(), "/") {
		if s == "" || strings.EqualFold(s, "amp") {
			continue
		}
		segs = append(segs, s)
	}
	path := "/" + strings.Join(segs, "/")

	q := u.Query()
	// Mobile and AMP pages of Money Today carry the desktop article number.
	if host == "mt.co.kr" && (path == "/renew/view.html" || path == "/renew/view_amp.html") {
		host, path = "news.mt.co.kr", "/mtview.php"
	}
	keep, known := keepOnly[host]
	var keys []string
	for k := range q {
		lk := strings.ToLower(k)
		switch {
		case known && !contains(keep, lk):
			continue
		case !known && (trackingParams[lk] || strings.HasPrefix(lk, "utm_")):
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("https://")
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	b.WriteString(host)
	b.WriteString(path)
	for i, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for j, v := range vs {
			if i == 0 && j == 0 {
				b.WriteByte('?')
			} else {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String(), nil
}

// siteHost drops the www./m./mobile./amp. label that names a variant of a
// site rather than a different site.
func siteHost(host string) string {
	for _, p := range []string{"www.", "m.", "mobile.", "amp."} {
		if rest, ok := strings.CutPrefix(host, p); ok && strings.Contains(rest, ".") {
			return siteHost(rest)
		}
	}
	return host
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ArticleID is the news dataset's key: the hex of the first 16 bytes of
// the SHA-256 of the canonical URL (32 hex digits; 128 bits is far past
// collision range for any news corpus and keeps the key short).
func ArticleID(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:16])
}

// IDFor canonicalises raw and returns its canonical URL and article id.
func IDFor(raw string) (canonical, id string, err error) {
	canonical, err = CanonicalURL(raw)
	if err != nil {
		return "", "", err
	}
	return canonical, ArticleID(canonical), nil
}

var errNoURL = errors.New("article has no URL")
