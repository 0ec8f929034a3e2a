package newsmatch

import (
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold prepares text for matching: NFC (Korean pages mix composed and
// decomposed Hangul), lower case, one space between words.
func fold(s string) string { return lower(squash(s)) }

// squash is strings.Join(strings.Fields(norm.NFC.String(s)), " ") (the
// tests keep that as the reference) in one pass and without allocating
// when s is already NFC and one-space-separated, which most titles are:
// then s itself is returned.
//
// A string of only runes that are NFC_Quick_Check=Yes with combining
// class 0 is NFC (the Unicode quick check says so): ASCII, precomposed
// Hangul syllables (U+AC00–U+D7A3), and most other BMP runes news uses
// (·, “”, …, NBSP), listed in nfcStable. Any other rune sends the text
// through norm.NFC first, which returns it as is when its own quick check
// passes.
func squash(s string) string {
	if out, ok := squashWords(s, true); ok {
		return out
	}
	// Normalising may change the spaces too (U+2000 is canonically U+2002).
	out, _ := squashWords(norm.NFC.String(s), false)
	return out
}

// asciiSpace is unicode.IsSpace (and strings.Fields) for bytes below
// utf8.RuneSelf; no byte above is a space on its own.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// squashWords joins the words of s (as strings.Fields splits them) with
// one ASCII space, returning s itself when that is what it already is.
// With nfcOnly it gives up (ok false) at the first rune that is not
// NFC-stable (stableRune), whose text may need normalising first.
func squashWords(s string, nfcOnly bool) (out string, ok bool) {
	var b strings.Builder // used once s turns out not to be squashed
	copying := false
	word := -1 // start of the current word, -1 between words
	for i := 0; i < len(s); {
		c := s[i]
		n := 1
		var sp bool
		switch {
		case c < utf8.RuneSelf:
			sp = asciiSpace[c]
		case hangulAt(s, i):
			n = 3
		case nfcOnly:
			r, m := stableRune(s, i)
			if m == 0 {
				return "", false
			}
			n, sp = m, unicode.IsSpace(r)
		default:
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			sp = unicode.IsSpace(r)
		}
		switch {
		case !sp && word < 0:
			word = i
		case sp && word >= 0:
			if copying {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(s[word:i])
			}
			word = -1
		}
		// s[:i] so far is squashed (s[:i] is what b would hold); this space
		// keeps it so only if it is one ASCII space between two words.
		if sp && !copying && (c != ' ' || i == 0 || i+1 == len(s) || spaceAt(s, i+1)) {
			if nfcOnly && !allStable(s[i:]) {
				return "", false // before allocating for nothing
			}
			copying = true
			b.Grow(len(s))
			b.WriteString(s[:i])
		}
		i += n
	}
	if !copying {
		return s, true
	}
	if word >= 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[word:])
	}
	return b.String(), true
}

// squashLower is lower(squash(s)) in one pass and at most one copy, for
// text of NFC-stable runes with no case and no space beyond ASCII (most
// Korean news), which is NFC and lower-cases byte by byte; for other text
// ok is false. It copies
// from the first byte that needs changing into a stack buffer, so giving
// up costs no allocation.
func squashLower(s string) (out string, ok bool) {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= utf8.RuneSelf {
			n := caselessAt(s, i)
			if n == 0 {
				return "", false
			}
			i += n
			continue
		}
		if 'A' <= c && c <= 'Z' || asciiSpace[c] && (c != ' ' || i == 0 || i+1 == len(s) || spaceAt(s, i+1)) {
			break
		}
		i++
	}
	if i == len(s) {
		return s, true
	}
	// s[:i] is squashed and lower-case; drop the one space it may end in
	// and go on word by word, copying runs of bytes that stay as they are.
	var buf [1024]byte
	prefix := strings.TrimSuffix(s[:i], " ")
	b := append(buf[:0], prefix...)
	inWord := len(prefix) == i && i > 0
	run := i // s[run:i] is still to be copied
	for i < len(s) {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			n := caselessAt(s, i)
			if n == 0 {
				return "", false
			}
			i += n
			continue
		case asciiSpace[c]:
			if run < i {
				if !inWord && len(b) > 0 {
					b = append(b, ' ')
				}
				b = append(b, s[run:i]...)
			}
			inWord = false
		case 'A' <= c && c <= 'Z':
			if !inWord && len(b) > 0 {
				b = append(b, ' ')
			}
			b = append(b, s[run:i]...)
			b = append(b, c+'a'-'A')
			inWord = true
		default:
			i++
			continue
		}
		i++
		run = i
	}
	if run < len(s) {
		if !inWord && len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, s[run:]...)
	}
	return string(b), true
}

// allStable reports whether every rune of s is NFC-stable.
func allStable(s string) bool {
	for i := 0; i < len(s); {
		switch {
		case s[i] < utf8.RuneSelf:
			i++
		case hangulAt(s, i):
			i += 3
		default:
			_, n := stableRune(s, i)
			if n == 0 {
				return false
			}
			i += n
		}
	}
	return true
}

// caselessAt returns the length of the rune at s[i] (not ASCII) when it is
// NFC-stable, not a space and its own lower case, else 0.
func caselessAt(s string, i int) int {
	if hangulAt(s, i) {
		return 3
	}
	r, n := stableRune(s, i)
	if n == 0 || unicode.IsSpace(r) || unicode.ToLower(r) != r {
		return 0
	}
	return n
}

// stableRune returns the rune at s[i] (not ASCII) and its length when it
// is NFC-stable: in the BMP, NFC_Quick_Check=Yes and combining class 0,
// so nothing before or after it changes it or is changed by it under
// NFC. n is 0 for any other rune and for an invalid byte.
func stableRune(s string, i int) (r rune, n int) {
	r, n = utf8.DecodeRuneInString(s[i:])
	if n == 1 || r >= 0x10000 || !nfcStable(r) {
		return 0, 0
	}
	return r, n
}

// nfcStable reports whether r (in the BMP) is NFC_Quick_Check=Yes (alone
// it is NFC) with combining class 0 and not combining backward
// (BoundaryBefore: not a Quick_Check=Maybe rune). The Hangul jamo block is
// left out whatever norm says: its vowels and trailing consonants compose
// with what precedes them. The answers are worked out per block of 64
// runes on first use, so a program pays only for the blocks its text
// touches; concurrent first uses compute the same bits.
func nfcStable(r rune) bool {
	blk := r >> 6
	if !stableDone[blk].Load() {
		stableBits[blk].Store(stableBlock(blk))
		stableDone[blk].Store(true)
	}
	return stableBits[blk].Load()&(1<<(r&63)) != 0
}

var (
	stableBits [0x10000 / 64]atomic.Uint64
	stableDone [0x10000 / 64]atomic.Bool
)

func stableBlock(blk rune) uint64 {
	var bits uint64
	for k := range rune(64) {
		r := blk<<6 | k
		if r < utf8.RuneSelf || !utf8.ValidRune(r) || r >= 0x1100 && r <= 0x11FF {
			continue
		}
		s := string(r)
		if norm.NFC.IsNormalString(s) && norm.NFC.PropertiesString(s).BoundaryBefore() {
			bits |= 1 << k
		}
	}
	return bits
}

// spaceAt reports whether the rune at s[i] is a space (unicode.IsSpace).
func spaceAt(s string, i int) bool {
	c := s[i]
	if c < utf8.RuneSelf {
		return asciiSpace[c]
	}
	if hangulAt(s, i) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

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
