package newsmatch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold prepares text for matching: NFC (Korean pages mix composed and
// decomposed Hangul), lower case, one space between words.
func fold(s string) string { return lower(squash(s)) }

// squash is strings.Join(strings.Fields(norm.NFC.String(s)), " ") (the
// tests keep that as the reference) without its allocations: one pass
// finds whether s is already NFC and already one-space-separated, which
// most titles are, and then s itself is returned.
//
// A string of only ASCII and precomposed Hangul syllables (U+AC00–U+D7A3)
// is NFC: all of them are NFC_Quick_Check=Yes with combining class 0. Any
// other rune sends the text through norm.NFC, which returns it as is when
// its own quick check passes.
func squash(s string) string {
	nfc, tidy := true, true
	space := true // as if a space came before s: a leading space is not tidy
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				if c != ' ' || space {
					tidy = false
				}
				space = true
			} else {
				space = false
			}
			i++
			continue
		}
		if hangulAt(s, i) {
			i += 3
			space = false
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		nfc = false
		if unicode.IsSpace(r) {
			tidy, space = false, true
		} else {
			space = false
		}
	}
	if space && len(s) > 0 {
		tidy = false // a trailing space
	}
	if nfc {
		if tidy {
			return s
		}
		return collapse(s)
	}
	// Normalising may change the spaces (U+2000 is canonically U+2002).
	s = norm.NFC.String(s)
	if squashed(s) {
		return s
	}
	return collapse(s)
}

// asciiSpace is unicode.IsSpace (and strings.Fields) for ASCII bytes.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// hangulAt reports whether a precomposed Hangul syllable (U+AC00–U+D7A3,
// three bytes EA B0 80 … ED 9E A3) starts at s[i], without the general
// UTF-8 decoder.
func hangulAt(s string, i int) bool {
	if i+2 >= len(s) {
		return false
	}
	b0, b1, b2 := s[i], s[i+1], s[i+2]
	if b0 < 0xEA || b0 > 0xED || b1&0xC0 != 0x80 || b2&0xC0 != 0x80 {
		return false
	}
	r := rune(b0&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F)
	return r >= 0xAC00 && r <= 0xD7A3
}

// squashed reports whether s has no leading, trailing or repeated space
// and no space other than ' ' (strings.Fields' idea of space).
func squashed(s string) bool {
	space := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				if c != ' ' || space {
					return false
				}
				space = true
			} else {
				space = false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if unicode.IsSpace(r) {
			return false
		}
		space = false
	}
	return !space || len(s) == 0
}

// collapse joins the words of s (as strings.Fields splits them) with one
// ASCII space.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := -1 // start of the current word, -1 between words
	for i := 0; i < len(s); {
		c := s[i]
		n := 1
		var sp bool
		if c < utf8.RuneSelf {
			sp = asciiSpace[c]
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			sp = unicode.IsSpace(r)
		}
		switch {
		case sp && start >= 0:
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s[start:i])
			start = -1
		case !sp && start < 0:
			start = i
		}
		i += n
	}
	if start >= 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[start:])
	}
	return b.String()
}

// lower is strings.ToLower(s), returning s without a copy when nothing in
// it has a lower case (the common case for Korean text), and otherwise
// copying Hangul syllables and ASCII without the case tables.
func lower(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return lowerFrom(s, i)
			}
			i++
			continue
		}
		if hangulAt(s, i) {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		// An invalid byte (n == 1) becomes U+FFFD in strings.ToLower.
		if n == 1 || unicode.ToLower(r) != r {
			return lowerFrom(s, i)
		}
		i += n
	}
	return s
}

// lowerFrom is strings.ToLower(s) when s[:i] has nothing to change: for
// text with a rune beyond ASCII that is strings.Map(unicode.ToLower, s),
// which writes U+FFFD for an invalid byte; for ASCII text, 'A'-'Z' to
// 'a'-'z'.
func lowerFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s) + utf8.UTFMax)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		if hangulAt(s, i) {
			b.WriteString(s[i : i+3])
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(unicode.ToLower(r)) // RuneError for an invalid byte
		i += n
	}
	return b.String()
}
