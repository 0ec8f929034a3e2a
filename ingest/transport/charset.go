package transport

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

var (
	// Both declarations are looked for in the first 4 KiB: many Korean
	// portals put scripts before their <meta charset>, past the 1 KiB the
	// HTML prescan covers.
	metaCharset = regexp.MustCompile(`(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.+-]+)`)
	xmlEncoding = regexp.MustCompile(`(?i)^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([a-z0-9_:.+-]+)["']`)

	// Labels Korean servers send that the WHATWG list lacks; its "euc-kr"
	// decoder is the CP949 superset.
	charsetAliases = map[string]string{"cp949": "euc-kr", "ms949": "euc-kr", "x-windows-949": "euc-kr", "uhc": "euc-kr"}
)

const declaredWindow = 4 << 10

// DecodeBody converts an HTML or XML body to UTF-8 and names the charset it
// decoded from (a WHATWG name such as "euc-kr"). The charset comes from, in
// order: a byte order mark, the Content-Type header, <meta charset> or
// <meta http-equiv> or <?xml encoding?>, valid UTF-8, statistical detection,
// and finally windows-1252 as browsers do. Invalid bytes become U+FFFD and
// a leading byte order mark is dropped, so the result is plain UTF-8.
func DecodeBody(body []byte, contentType string) ([]byte, string, error) {
	enc, name := detectCharset(body, contentType)
	out := body
	if name != "utf-8" {
		var err error
		if out, err = enc.NewDecoder().Bytes(body); err != nil {
			return nil, name, fmt.Errorf("decode %s: %w", name, err)
		}
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	// A byte order mark has done its job once decoded; parsers downstream
	// should not see it as text.
	for bytes.HasPrefix(out, utf8BOM) {
		out = out[len(utf8BOM):]
	}
	return out, name, nil
}

var utf8BOM = []byte("\uFEFF")

func detectCharset(body []byte, contentType string) (encoding.Encoding, string) {
	if e, name, certain := charset.DetermineEncoding(body, ""); certain { // byte order mark
		return e, name
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if e, name := lookupCharset(params["charset"]); e != nil {
			return e, name
		}
	}
	head := body[:min(len(body), declaredWindow)]
	for _, re := range []*regexp.Regexp{xmlEncoding, metaCharset} {
		if m := re.FindSubmatch(head); m != nil {
			if e, name := lookupCharset(string(m[1])); e != nil {
				if strings.HasPrefix(name, "utf-16") {
					// An ASCII-readable declaration cannot be UTF-16 (WHATWG).
					return lookupCharset("utf-8")
				}
				return e, name
			}
		}
	}
	if utf8.Valid(body) {
		return lookupCharset("utf-8")
	}
	// The detector is slow (about 1 ms per KiB) and 64 KiB is plenty to judge by.
	if r, err := chardet.NewTextDetector().DetectBest(body[:min(len(body), 64<<10)]); err == nil {
		if e, name := lookupCharset(r.Charset); e != nil {
			return e, name
		}
	}
	return lookupCharset("windows-1252")
}

func lookupCharset(label string) (encoding.Encoding, string) {
	label = strings.ToLower(strings.TrimSpace(label))
	if alias, ok := charsetAliases[label]; ok {
		label = alias
	}
	if label == "" {
		return nil, ""
	}
	return charset.Lookup(label)
}
