package newsmatch

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var squashCases = []string{
	"", " ", "\t\n", "a", " a", "a ", "a  b", "a\tb", "a\nb", "a \n b", "카카오톡 먹통", "카카오톡  먹통",
	"\u00a0카카오\u00a0", "카카오\u3000먹통", "\u3000", "\u2000a\u2001", "\u0085x\u0085", "\u200bzero width",
	"\u1100\u1161\u11a8", "\u1100\u1161 \u1100\u1161", "가\u11a8", "각", "e\u0301 café", "\xff \xfe", "\xe3\x80", "a\v\fb\r",
	"카카오톡이 먹통\n판교 데이터센터 화재로", "  leading and trailing  ", "한글\u00a0\u00a0NBSP", "\u1161", "Å", "A\u030a",
}

func TestSquash(t *testing.T) {
	for _, s := range append(squashCases, "KakaoTalk 먹통", "[단독] 카카오T  먹통", "AB  CD", "a B", "ab C", " A", "A ") {
		if got, want := squash(s), squashReference(s); got != want {
			t.Errorf("squash(%q) = %q, want %q", s, got, want)
		}
		if got, ok := squashLower(s); ok && got != strings.ToLower(squashReference(s)) {
			t.Errorf("squashLower(%q) = %q, want %q", s, got, strings.ToLower(squashReference(s)))
		}
		if got, want := fold(s), strings.ToLower(squashReference(s)); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
	// Decomposed Hangul jamo come out composed; composed text is returned
	// as it was.
	if got := squash(norm.NFD.String("카카오톡  먹통")); got != "카카오톡 먹통" {
		t.Errorf("decomposed: %q", got)
	}
}

// A text already squashed is returned without a copy.
func TestSquashNoAlloc(t *testing.T) {
	for _, s := range []string{"카카오톡 먹통", "KakaoTalk outage", "카카오톡이 먹통, 판교 화재 (종합)", ""} {
		if n := testing.AllocsPerRun(100, func() { _ = lower(squash(s)) }); n != 0 && s != "KakaoTalk outage" {
			t.Errorf("%q: %v allocations", s, n)
		}
		if n := testing.AllocsPerRun(100, func() { _ = squash(s) }); n != 0 {
			t.Errorf("squash(%q): %v allocations", s, n)
		}
	}
}

func FuzzSquash(f *testing.F) {
	for _, s := range squashCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := squash(s), squashReference(s); got != want {
			t.Fatalf("squash(%q) = %q, want %q", s, got, want)
		}
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Fatalf("lower(%q) = %q, want %q", s, got, want)
		}
		if got, ok := squashLower(s); ok && got != strings.ToLower(squashReference(s)) {
			t.Fatalf("squashLower(%q) = %q, want %q", s, got, strings.ToLower(squashReference(s)))
		}
	})
}

func TestLower(t *testing.T) {
	for _, s := range append(squashCases, "KAKAO", "Ǆ", "ǅ", "ß", "İstanbul", "Σ", "\uFFFD", "카카오\xff", "ＡＢＣ", "ｖ") {
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Errorf("lower(%q) = %q, want %q", s, got, want)
		}
	}
}

// Random texts from the pieces the squash cases are made of: Hangul
// composed and in jamo, every kind of space, Latin with combining marks,
// invalid bytes.
func TestSquashPieces(t *testing.T) {
	pieces := []string{"카", "카카오", "KAKAO", "Z", "[", "\u1100", "\u1161", "\u11a8", "가", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2000",
		"\u0085", "a", "A", "e", "\u0301", "\xff", "\xed", "\xea\xb0", "·", "“", "İ", "Σ", "ß", "_",
		"…", "Ⅻ", "Ａ", "\u0387", "\u2126", "\u212b", "\u0340", "\u0f73", "\uFFFD", "\u3099", "か", "\u3131", "𝐀", "😀"}
	r := rand.New(rand.NewPCG(9, 10))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(10) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := squash(s), squashReference(s); got != want {
			t.Fatalf("squash(%q) = %q, want %q", s, got, want)
		}
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Fatalf("lower(%q) = %q, want %q", s, got, want)
		}
		if got, ok := squashLower(s); ok && got != strings.ToLower(squashReference(s)) {
			t.Fatalf("squashLower(%q) = %q, want %q", s, got, strings.ToLower(squashReference(s)))
		}
	}
}

// A rune nfcStable lists stays as it is under NFC after any starter, and
// the runes it leaves out include every kind of trouble.
func TestNFCStable(t *testing.T) {
	prefixes := []string{"", "가", "각", "\u1100", "e", "A", "Ω", "か", "ο", "\u0627"}
	stable := 0
	for r := rune(0x80); r < 0x10000; r++ {
		if _, n := stableRune(string(r), 0); n == 0 || !utf8.ValidRune(r) {
			continue
		}
		stable++
		for _, p := range prefixes {
			if s := p + string(r); !norm.NFC.IsNormalString(s) {
				t.Fatalf("%U is listed stable but %q is not NFC", r, s)
			}
		}
	}
	for _, r := range []rune{0x0301, 0x0387, 0x2126, 0x212B, 0x1161, 0x11A8, 0x0340, 0x0F73, 0x3099, 0x2000} {
		if _, n := stableRune(string(r), 0); n != 0 {
			t.Errorf("%U is listed stable", r)
		}
	}
	for _, r := range []rune{0x00A0, 0x00B7, 0x2026, 0x201C, 0x3000, 0x3131, 0x304B, 0xFFFD} {
		if _, n := stableRune(string(r), 0); n == 0 {
			t.Errorf("%U is not listed stable", r)
		}
	}
	t.Logf("%d stable BMP runes", stable)
}
