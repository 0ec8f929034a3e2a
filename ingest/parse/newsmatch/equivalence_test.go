package newsmatch

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/gwanmun/gwanmun/data/studies"
	"github.com/gwanmun/gwanmun/data/study"
)

// shippedMatchers compiles the matcher of every study in data/studies.
func shippedMatchers(t testing.TB) map[string]*Matcher {
	names, err := study.Names(studies.FS)
	if err != nil {
		t.Fatal(err)
	}
	ms := map[string]*Matcher{}
	for _, n := range names {
		s, err := study.Load(studies.FS, n, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ms[n] = StudyMatcher(s)
	}
	if len(ms) < 2 {
		t.Fatalf("studies %v: want both shipped studies", names)
	}
	return ms
}

// checkSame fails when Match and referenceMatch disagree on text,
// including nil against empty.
func checkSame(t testing.TB, m *Matcher, ref *refACMatcher, text string) bool {
	t.Helper()
	gt, gs := m.Match(text)
	wt, ws := m.referenceMatch(ref, text)
	if !reflect.DeepEqual(gt, wt) || !reflect.DeepEqual(gs, ws) {
		t.Fatalf("%q:\n got %#v %#v\nwant %#v %#v", text, gt, gs, wt, ws)
	}
	return len(wt)+len(ws) > 0
}

// rowTexts are the titles and leads of the collectors' expected rows, each
// alone and as News joins them.
func rowTexts(t testing.TB) []string {
	files, err := filepath.Glob("../../collectors/*/testdata/want.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no collector rows: %v", err)
	}
	var texts []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		if json.Unmarshal(b, &rows) != nil {
			continue
		}
		for _, r := range rows {
			title, _ := r["Title"].(string)
			lead, _ := r["Lead"].(string)
			if title+lead != "" {
				texts = append(texts, title, lead, title+"\n"+lead)
			}
		}
	}
	if len(texts) < 30 {
		t.Fatalf("only %d texts in the collectors' rows", len(texts))
	}
	return texts
}

// studyTexts are a matcher's own terms and aliases, alone, upper-cased,
// run together, after a Hangul syllable, between Latin letters, next to
// each other and decomposed (NFD Hangul, as some pages send it).
func studyTexts(m *Matcher) []string {
	var words []string
	for _, t := range m.terms {
		words = append(words, t.text)
	}
	words = append(words, m.ac.words...)
	var texts []string
	for i, w := range words {
		next := words[(i+1)%len(words)]
		texts = append(texts, w, strings.ToUpper(w), strings.ReplaceAll(w, " ", ""), "온"+w, "x"+w+"y",
			w+" "+next, w+next, " \t"+w+"\u00a0 "+next+"\u3000", norm.NFD.String(w)+"이 "+norm.NFD.String(next), w+"_"+next, "("+w+")")
	}
	return texts
}

func TestMatchEqualsReference(t *testing.T) {
	rows := rowTexts(t)
	for name, m := range shippedMatchers(t) {
		ref := newRefACMatcher(m.ac.words)
		texts := append(append([]string{}, rows...), studyTexts(m)...)
		texts = append(texts, corpus(t, m, 4000)...)
		hits := 0
		for _, text := range texts {
			if checkSame(t, m, ref, text) {
				hits++
			}
		}
		if hits < len(texts)/10 {
			t.Fatalf("%s: only %d of %d texts match anything", name, hits, len(texts))
		}
		t.Logf("%s: %d texts, %d with matches", name, len(texts), hits)
	}
}

// Two services sharing an alias give two spans of the same length and
// start: which one is taken depends on the sort, and must stay what it
// was. Aliases that are all spaces, or hold U+FFFD, still go through the
// regexp.
func TestMatchTiesAndOddAliases(t *testing.T) {
	m := NewMatcher(nil, []Service{
		{ID: "a", Aliases: []string{"카카오", "Kakao T", "KAKAO"}},
		{ID: "b", Aliases: []string{"카카오", "kakao t", "Kakao"}},
		{ID: "c", Aliases: []string{"카카오 T", "KakaoT"}},
		{ID: "d", Aliases: []string{"x\uFFFDy"}},
		{ID: "e", Aliases: []string{"Ka_ko", "9 lives", "é"}},
	})
	ref := newRefACMatcher(m.ac.words)
	for _, text := range []string{
		"카카오", "카카오 카카오", "Kakao T", "kakao t KAKAO", "카카오T 카카오 t", "KakaoT", "x\uFFFDy", "x\xffy",
		"KAKAO T", "Ka_ko", "Ka_kos", "_Ka_ko", "9 lives", "99 lives", "café", "e\u0301", "Kakao\tT", "Kakao\u00a0T",
	} {
		checkSame(t, m, ref, text)
	}
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"카카오", "Kakao", "KAKAO", "T", "t", " ", "\t", "KakaoT", "x", "\uFFFD", "\xff", "y", "_", "é", "e\u0301", "9", "lives", "Ka_ko"}
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkSame(t, m, ref, b.String())
	}
}

func FuzzMatchEqualsReference(f *testing.F) {
	m := DefaultMatcher
	ref := newRefACMatcher(m.ac.words)
	for _, s := range studyTexts(m)[:200] {
		f.Add(s)
	}
	f.Add("카카오톡이 먹통\n판교 데이터센터 화재로 KakaoTalk 장애")
	f.Add("\xff카카오\u1100\u1161 LINE online")
	f.Fuzz(func(t *testing.T, text string) { checkSame(t, m, ref, text) })
}

// The dense automaton finds what the map-based one found.
func TestACMatcherEqualsReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "ab", "카", "카오", "\xff", "\x00", " "}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 300 {
		needles := make([]string, r.IntN(30))
		for i := range needles {
			needles[i] = word(r.IntN(5))
		}
		m, ref := newACMatcher(needles), newRefACMatcher(needles)
		for range 30 {
			text := word(r.IntN(40))
			if got, want := m.present(text), ref.present(text); !reflect.DeepEqual(got, want) {
				t.Fatalf("needles %q text %q:\n got %v\nwant %v", needles, text, got, want)
			}
			first, last := make([]int, len(needles)), make([]int, len(needles))
			m.scan(text, first, last)
			for id, n := range needles {
				wf, wl := 0, 0
				if n != "" && strings.Contains(text, n) {
					wf, wl = 1+strings.Index(text, n), 1+strings.LastIndex(text, n)
				}
				if first[id] != wf || last[id] != wl {
					t.Fatalf("needle %q in %q: first, last %d, %d, want %d, %d", n, text, first[id], last[id], wf, wl)
				}
			}
		}
	}
	// Every byte value in a needle: 256 classes plus the absent class.
	var all []string
	for c := range 256 {
		all = append(all, string([]byte{byte(c), byte(255 - c)}))
	}
	m, ref := newACMatcher(all), newRefACMatcher(all)
	text := word(2000) + string([]byte{7, 248, 9})
	if got, want := m.present(text), ref.present(text); !reflect.DeepEqual(got, want) {
		t.Fatal("all-bytes needles disagree")
	}
}

// BenchmarkMatchReference runs the old Match over BenchmarkMatch's texts,
// so one run shows both.
func BenchmarkMatchReference(b *testing.B) {
	texts := corpus(&testing.T{}, DefaultMatcher, 2000)
	ref := newRefACMatcher(DefaultMatcher.ac.words)
	for b.Loop() {
		for _, s := range texts {
			DefaultMatcher.referenceMatch(ref, s)
		}
	}
}

// synthWords is bench/synth's vocabulary (which this package cannot
// import: synth imports ingest): BenchmarkMatchSynthNews builds rows the
// way BenchmarkFileImportCSV's generator does, title and lead.
var synthWords = strings.Fields(`카카오톡 먹통 장애 복구 서비스 데이터센터 화재 판교 이용자 메신저 플랫폼 정부 과기정통부
점검 피해 보상 대책 발표 사고 원인 배터리 서버 이중화 재난 관리 기업 네이버 라인 텔레그램 망명 가입자
급증 카카오페이 카카오T 택시 호출 결제 중단 지도 메일 로그인 인증 오류 접속 지연 시간 오후 오전 전면
부분 정상화 사과 대표 국회 국정감사 규제 법안 부가통신사업자 의무 강화 독과점 공정위 시장 점유율 조사`)

func synthNews(n int) []string {
	r := rand.New(rand.NewPCG(7, 8))
	sentence := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = synthWords[r.IntN(len(synthWords))]
		}
		return strings.Join(w, " ")
	}
	texts := make([]string, n)
	for i := range texts {
		texts[i] = "[SYNTHETIC] " + sentence(8) + "\n" + sentence(30)
	}
	return texts
}

func TestMatchSynthNewsEqualsReference(t *testing.T) {
	ref := newRefACMatcher(DefaultMatcher.ac.words)
	for _, s := range synthNews(3000) {
		checkSame(t, DefaultMatcher, ref, s)
	}
}

// BenchmarkMatchSynthNews is Match, new and old, on 2,000 rows shaped
// like the file-import benchmark's (title of 8 words, lead of 30).
func BenchmarkMatchSynthNews(b *testing.B) {
	benchNewAndReference(b, synthNews(2000))
}

// BenchmarkMatchRows is Match, new and old, on the collectors' news rows
// as News calls it (title and lead).
func BenchmarkMatchRows(b *testing.B) {
	var texts []string
	for _, s := range rowTexts(b) {
		if strings.Contains(s, "\n") {
			texts = append(texts, s)
		}
	}
	benchNewAndReference(b, texts)
}

func benchNewAndReference(b *testing.B, texts []string) {
	ref := newRefACMatcher(DefaultMatcher.ac.words)
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				DefaultMatcher.Match(s)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				DefaultMatcher.referenceMatch(ref, s)
			}
		}
	})
}

// Collectors call Match from several goroutines at once: each call's
// scratch is its own.
func TestMatchConcurrent(t *testing.T) {
	texts := append(synthNews(200), rowTexts(t)...)
	type result struct{ terms, services []string }
	want := make([]result, len(texts))
	for i, s := range texts {
		want[i].terms, want[i].services = DefaultMatcher.Match(s)
	}
	errs := make(chan string, 4)
	for g := range 4 {
		go func() {
			for k := range texts {
				i := (k + g*len(texts)/4) % len(texts)
				terms, services := DefaultMatcher.Match(texts[i])
				if !reflect.DeepEqual(terms, want[i].terms) || !reflect.DeepEqual(services, want[i].services) {
					errs <- texts[i]
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if s := <-errs; s != "" {
			t.Errorf("%q matched differently when run concurrently", s)
		}
	}
}
