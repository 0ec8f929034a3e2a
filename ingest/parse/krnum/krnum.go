// Package krnum reads the numbers that Korean and English sources write
// about users and money: "4,763만 7,000명", "4천7백만 명", "1조8587억 원",
// "약 777만", "1.2 billion users", "2,958[1]". Arithmetic is exact
// (math/big), so "1.2 billion" is 1200000000, not 1200000000.0000002.
package krnum

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Units a number can carry; they are the unit strings of the lake's mau
// and financials datasets.
const (
	Persons = "persons"
	KRW     = "KRW"
	USD     = "USD"
	Percent = "percent"
)

// ErrSyntax is wrapped by every Parse error.
var ErrSyntax = errors.New("not a number")

// Number is one parsed figure.
type Number struct {
	Value float64
	// Unit is one of the constants above, or "" when the text names none.
	Unit string
	// HasMagnitude reports that the text named its own scale (만, 억,
	// million, ...), so a column header's "(in millions)" must not be
	// applied again.
	HasMagnitude bool
	// Approx marks 약, 여, 가량, about, around ...; AtLeast marks 이상,
	// 돌파, over, more than ...: the figure is a rounded or lower bound.
	Approx  bool
	AtLeast bool
}

// Match is a number found in running text. Start and End are byte
// offsets of the figure itself (sign, currency, digits, magnitudes, unit).
// Err is set, and Number is zero, for something written like a figure
// that is not one ("4,76,3만", "1만2억"), so a caller expecting a figure
// there can say why it found none.
type Match struct {
	Number
	Start, End int
	Text       string
	Err        error
	hasBig     bool // a 만/억/조 or English magnitude: "천만" is a figure, "천" alone is not
	rat        *big.Rat
}

// maxDigits bounds a numeral so hostile input cannot make big.Rat work hard.
const maxDigits = 30

var (
	footnote = regexp.MustCompile(`\[[^\[\]\n]{1,24}\]`)
	// figureRun is the extent of a malformed figure: sign, digits,
	// separators and Korean magnitudes.
	figureRun = regexp.MustCompile(`^[-−]?[0-9,.십백천만억조]+`)
)

var (
	bigUnits   = map[rune]int{'만': 1, '억': 2, '조': 3} // powers of 10^4
	smallUnits = map[rune]int{'십': 1, '백': 2, '천': 3} // powers of 10
	// English magnitudes; longer spellings first so "bn" does not shadow "billion".
	scaleWords = []struct {
		word string
		exp  int
	}{
		{"trillion", 12}, {"billion", 9}, {"million", 6}, {"thousand", 3},
		{"tn", 12}, {"bn", 9}, {"mn", 6},
	}
	unitWords = []struct{ word, unit string }{
		{"퍼센트", Percent}, {"달러", USD}, {"명", Persons}, {"원", KRW}, {"%", Percent},
		{"persons", Persons}, {"people", Persons}, {"users", Persons}, {"user", Persons},
		{"dollars", USD}, {"won", KRW}, {"krw", KRW}, {"usd", USD},
	}
	currencyPrefixes = []struct{ word, unit string }{
		{"US$", USD}, {"KRW ", KRW}, {"USD ", USD}, {"₩", KRW}, {"$", USD},
	}
	approxBefore  = []string{"약", "approximately", "approx.", "about", "around", "roughly", "nearly", "almost", "some"}
	atLeastBefore = []string{"more than", "over", "at least", "최소"}
	approxAfter   = []string{"가량", "정도", "남짓"}
	atLeastAfter  = []string{"이상", "넘게", "넘는", "넘어", "돌파"}
)

// Parse reads a whole string as one number. Footnote markers ("[1]",
// "[a]"), surrounding space and qualifiers (약, 이상, about, over) are
// allowed; anything else is an error wrapping ErrSyntax.
func Parse(s string) (Number, error) { return ParseIn(s, 0) }

// ParseIn is Parse for a column whose header gives the scale, "(in
// millions)" being exp 6: a figure that names no magnitude of its own is
// multiplied by 10^exp, exactly.
func ParseIn(s string, exp int) (Number, error) {
	if exp < -maxDigits || exp > maxDigits {
		return Number{}, fmt.Errorf("krnum: scale 10^%d: %w", exp, ErrSyntax)
	}
	t := normalizeSpace(footnote.ReplaceAllString(s, ""))
	t = strings.TrimSpace(t)
	if t == "" {
		return Number{}, fmt.Errorf("krnum: empty text: %w", ErrSyntax)
	}
	var n Number
	t, n.Approx, n.AtLeast = stripBefore(t)
	m, ok, err := scan(t, 0)
	if err != nil {
		return Number{}, fmt.Errorf("krnum: %q: %v: %w", s, err, ErrSyntax)
	}
	if !ok {
		return Number{}, fmt.Errorf("krnum: %q: no number at the start: %w", s, ErrSyntax)
	}
	rest := strings.TrimSpace(t[m.End:])
	for rest != "" {
		q, approx, atLeast := cutAfter(rest)
		if q == rest {
			return Number{}, fmt.Errorf("krnum: %q: unexpected %q after %q: %w", s, rest, m.Text, ErrSyntax)
		}
		rest = strings.TrimSpace(q)
		n.Approx, n.AtLeast = n.Approx || approx, n.AtLeast || atLeast
	}
	m.Approx, m.AtLeast = m.Approx || n.Approx, m.AtLeast || n.AtLeast
	if exp != 0 && !m.HasMagnitude {
		f, _ := m.rat.Mul(m.rat, pow10(exp)).Float64()
		if math.IsInf(f, 0) {
			return Number{}, fmt.Errorf("krnum: %q: out of range: %w", s, ErrSyntax)
		}
		m.Value = f
	}
	return m.Number, nil
}

// Find returns every number in running text, left to right. A figure
// glued to a word ("3분기", "2022년") is still found, without a unit;
// qualifiers just before or after it set Approx and AtLeast.
func Find(s string) []Match {
	var out []Match
	prev := rune(0)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if startsNumber(s, i, prev) {
			m, ok, err := scan(s, i)
			if err != nil {
				end := i + len(figureRun.FindString(s[i:]))
				if end == i { // a currency sign, then nothing readable
					end = i + size
				}
				out = append(out, Match{Start: i, End: end, Text: s[i:end], Err: fmt.Errorf("%q: %v: %w", s[i:end], err, ErrSyntax)})
				r, _ = utf8.DecodeLastRuneInString(s[:end])
				prev, i = r, end
				continue
			}
			if ok && hasDigitOrMagnitude(m) {
				before := strings.TrimRight(s[:m.Start], " \u00a0")
				after := strings.TrimLeft(s[m.End:], " \u00a0")
				for _, w := range approxBefore {
					m.Approx = m.Approx || hasSuffixFold(before, w)
				}
				for _, w := range atLeastBefore {
					m.AtLeast = m.AtLeast || hasSuffixFold(before, w)
				}
				_, approx, atLeast := cutAfter(after)
				m.Approx, m.AtLeast = m.Approx || approx, m.AtLeast || atLeast
				out = append(out, m)
				r, _ = utf8.DecodeLastRuneInString(s[:m.End])
				prev, i = r, m.End
				continue
			}
		}
		prev, i = r, i+size
	}
	return out
}

func hasDigitOrMagnitude(m Match) bool {
	return strings.ContainsAny(m.Text, "0123456789") || m.hasBig
}

// startsNumber reports whether a figure may begin at s[i]: not inside a
// word or another number, and at a digit, a sign, a currency or a bare
// Korean magnitude ("천만").
func startsNumber(s string, i int, prev rune) bool {
	if unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '.' || prev == ',' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if isDigit(r) || r == '-' || r == '−' {
		return true
	}
	if _, ok := smallUnits[r]; ok {
		return true
	}
	for _, c := range currencyPrefixes {
		if strings.HasPrefix(s[i:], c.word) {
			return true
		}
	}
	return false
}

// scan reads the longest figure starting at s[i]. ok is false when there
// is none; err reports a figure that is there but malformed.
func scan(s string, i int) (Match, bool, error) {
	m := Match{Start: i}
	p := i // end of what has been read so far
	neg := false
	if r, size := utf8.DecodeRuneInString(s[p:]); r == '-' || r == '−' {
		neg, p = true, p+size
	}
	for _, c := range currencyPrefixes {
		if strings.HasPrefix(s[p:], c.word) {
			m.Unit, p = c.unit, p+len(c.word)
			break
		}
	}
	total := new(big.Rat)
	tenThousand := big.NewRat(10000, 1)
	prevBig := 4 // above 조
	groups := 0
	usedBig, usedSmall := false, false
	for next, spaced := p, false; ; {
		g, end, small, ok, err := scanGroup(s, next)
		if err != nil {
			return m, false, err
		}
		if !ok {
			break
		}
		bu, buSize := bigUnitAt(s, end)
		if bu == 0 {
			// The ones after a magnitude: "만 7,000명", but not the "3" of "4763만 3분기".
			if groups > 0 && (g.Cmp(tenThousand) >= 0 || spaced && !endsFigure(s, end)) {
				break
			}
			total.Add(total, g)
			p, usedSmall = end, usedSmall || small
			groups++
			break
		}
		if bu >= prevBig {
			return m, false, fmt.Errorf("%q after a smaller magnitude", string(bigRune(bu)))
		}
		if groups > 0 && g.Cmp(tenThousand) >= 0 {
			return m, false, fmt.Errorf("%s before %q is 10,000 or more", g.FloatString(0), string(bigRune(bu)))
		}
		total.Add(total, new(big.Rat).Mul(g, pow10(4*bu)))
		prevBig, p, usedBig, usedSmall = bu, end+buSize, true, usedSmall || small
		groups++
		// The next group may follow one space: "1조 8587억", "4,763만 7,000명".
		next, spaced = p, false
		if q := skipOneSpace(s, p); q != p && startsWithDigit(s, q) {
			next, spaced = q, true
		}
	}
	if groups == 0 {
		return m, false, nil
	}
	scaled := false
	if !usedBig && !usedSmall {
		if q, exp, ok := scaleWordAt(s, p); ok {
			total.Mul(total, pow10(exp))
			p, scaled = q, true
		}
	}
	m.HasMagnitude = usedBig || usedSmall || scaled
	m.hasBig = usedBig || scaled
	// "3만여 명": 여 glued to the figure means "and some".
	if strings.HasPrefix(s[p:], "여") && endsFigure(s, p+len("여")) {
		m.Approx, p = true, p+len("여")
	}
	if m.Unit == "" {
		if q, unit, ok := unitAt(s, p); ok {
			m.Unit, p = unit, q
		}
	}
	if neg {
		total.Neg(total)
	}
	f, _ := total.Float64()
	if math.IsInf(f, 0) {
		return m, false, errors.New("out of range")
	}
	m.Value, m.End, m.Text, m.rat = f, p, s[i:p], total
	return m, true, nil
}

// scanGroup reads the figure before one magnitude: digits ("4,763",
// "1.5"), Korean place words ("4천7백", "천") or both ("3천500").
func scanGroup(s string, p int) (g *big.Rat, end int, small, ok bool, err error) {
	g = new(big.Rat)
	end = p
	prevSmall := 4 // above 천
	for {
		n, q, hasNum, err := numeral(s, end)
		if err != nil {
			return nil, p, false, false, err
		}
		r, size := utf8.DecodeRuneInString(s[q:])
		if su, isSmall := smallUnits[r]; isSmall && su < prevSmall && (!hasNum || isDigitCoefficient(n)) {
			coef := big.NewRat(1, 1)
			if hasNum {
				coef = n
			}
			g.Add(g, new(big.Rat).Mul(coef, pow10(su)))
			prevSmall, end, small, ok = su, q+size, true, true
			continue
		}
		if hasNum && (!small || n.Cmp(pow10(prevSmall)) < 0) {
			g.Add(g, n)
			end, ok = q, true
		}
		return g, end, small, ok, nil
	}
}

func isDigitCoefficient(n *big.Rat) bool {
	return n.IsInt() && n.Sign() > 0 && n.Cmp(big.NewRat(10, 1)) < 0
}

// numeral reads "47,637,000", "4763" or "1.25". Commas must separate
// groups of three; a comma or point not followed by digits ends it.
func numeral(s string, p int) (*big.Rat, int, bool, error) {
	var b strings.Builder
	q := p
	for q < len(s) && isDigit(rune(s[q])) {
		b.WriteByte(s[q])
		q++
	}
	if q == p {
		return nil, p, false, nil
	}
	if q-p <= 3 {
		for q < len(s) && s[q] == ',' && digitRun(s, q+1) == 3 {
			b.WriteString(s[q+1 : q+4])
			q += 4
		}
		if q < len(s) && s[q] == ',' && digitRun(s, q+1) > 0 {
			return nil, p, false, fmt.Errorf("digit grouping in %q", s[p:min(len(s), q+1+digitRun(s, q+1))])
		}
	}
	if q+1 < len(s) && s[q] == '.' && isDigit(rune(s[q+1])) {
		b.WriteByte('.')
		q++
		for q < len(s) && isDigit(rune(s[q])) {
			b.WriteByte(s[q])
			q++
		}
	}
	if b.Len() > maxDigits {
		return nil, p, false, fmt.Errorf("numeral of %d digits is too long", b.Len())
	}
	r, ok := new(big.Rat).SetString(b.String())
	if !ok {
		return nil, p, false, fmt.Errorf("numeral %q", b.String())
	}
	return r, q, true, nil
}

// digitRun counts the ASCII digits starting at s[p].
func digitRun(s string, p int) int {
	n := 0
	for p+n < len(s) && isDigit(rune(s[p+n])) {
		n++
	}
	return n
}

func bigUnitAt(s string, p int) (int, int) {
	r, size := utf8.DecodeRuneInString(s[p:])
	if u, ok := bigUnits[r]; ok {
		return u, size
	}
	return 0, 0
}

func bigRune(u int) rune {
	for r, v := range bigUnits {
		if v == u {
			return r
		}
	}
	return '?'
}

func scaleWordAt(s string, p int) (int, int, bool) {
	q := skipOneSpace(s, p)
	for _, w := range scaleWords {
		if hasPrefixFold(s[q:], w.word) && !letterAt(s, q+len(w.word)) {
			return q + len(w.word), w.exp, true
		}
	}
	return p, 0, false
}

func unitAt(s string, p int) (int, string, bool) {
	q := skipOneSpace(s, p)
	for _, w := range unitWords {
		if !hasPrefixFold(s[q:], w.word) {
			continue
		}
		end := q + len(w.word)
		// English words must stand alone; Korean units take particles ("명으로").
		if w.word[0] < utf8.RuneSelf && unicode.IsLetter(rune(w.word[0])) && letterAt(s, end) {
			continue
		}
		return end, w.unit, true
	}
	return p, "", false
}

// endsFigure reports whether nothing word-like follows s[p:]: a unit, a
// space, punctuation or the end of the text.
func endsFigure(s string, p int) bool {
	if p >= len(s) {
		return true
	}
	if _, _, ok := unitAt(s, p); ok {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[p:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// stripBefore removes leading qualifiers ("약 ", "about ", "over ") from a
// cell. 약 may be glued to the figure ("약777만"); English words may not.
func stripBefore(t string) (string, bool, bool) {
	approx, atLeast := false, false
	for changed := true; changed; {
		changed = false
		for _, w := range approxBefore {
			if (w == "약" && strings.HasPrefix(t, w)) || (hasPrefixFold(t, w) && !letterAt(t, len(w))) {
				t, approx, changed = strings.TrimSpace(t[len(w):]), true, true
			}
		}
		for _, w := range atLeastBefore {
			if hasPrefixFold(t, w) && !letterAt(t, len(w)) {
				t, atLeast, changed = strings.TrimSpace(t[len(w):]), true, true
			}
		}
	}
	return t, approx, atLeast
}

// cutAfter removes one qualifier from the front of text that follows a figure.
func cutAfter(t string) (string, bool, bool) {
	for _, w := range atLeastAfter {
		if strings.HasPrefix(t, w) {
			return t[len(w):], false, true
		}
	}
	for _, w := range approxAfter {
		if strings.HasPrefix(t, w) {
			return t[len(w):], true, false
		}
	}
	if strings.HasPrefix(t, ".") || strings.HasPrefix(t, ",") {
		return t[1:], false, false
	}
	return t, false, false
}

func normalizeSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
}

func skipOneSpace(s string, p int) int {
	if p < len(s) && s[p] == ' ' {
		return p + 1
	}
	if strings.HasPrefix(s[p:], "\u00a0") {
		return p + len("\u00a0")
	}
	return p
}

func startsWithDigit(s string, p int) bool { return p < len(s) && isDigit(rune(s[p])) }

func letterAt(s string, p int) bool {
	if p >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[p:])
	return unicode.IsLetter(r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func hasSuffixFold(s, suffix string) bool {
	if len(s) < len(suffix) || !strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return false
	}
	// "약" must not be the tail of a longer word (e.g. "계약").
	rest := s[:len(s)-len(suffix)]
	r, _ := utf8.DecodeLastRuneInString(rest)
	return rest == "" || !unicode.IsLetter(r)
}

func pow10(n int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil))
}
