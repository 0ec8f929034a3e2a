package newsmatch

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gwanmun/gwanmun/data/study"
)

// matchRegexp is Match as it was: every term checked and every alias
// expression run over every text. It is the reference the automaton's
// prefilter must agree with.
func (m *Matcher) matchRegexp(text string) (terms, services []string) {
	raw := squash(text)
	f := strings.ToLower(raw)
	svc := map[string]bool{}
	for _, t := range m.terms {
		if near(f, t.tokens) {
			terms = append(terms, t.text)
			if t.service != "" {
				svc[t.service] = true
			}
		}
	}
	type span struct {
		start, end int
		service    string
	}
	var spans []span
	for _, a := range m.aliases {
		in := f
		if a.exact {
			in = raw
		}
		for _, loc := range a.re.FindAllStringIndex(in, -1) {
			if a.hangul && loc[0] > 0 {
				if r, _ := utf8.DecodeLastRuneInString(in[:loc[0]]); unicode.Is(unicode.Hangul, r) {
					continue
				}
			}
			spans = append(spans, span{loc[0], loc[1], a.service})
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		li, lj := spans[i].end-spans[i].start, spans[j].end-spans[j].start
		if li != lj {
			return li > lj
		}
		return spans[i].start < spans[j].start
	})
	var taken []span
	for _, s := range spans {
		overlaps := false
		for _, t := range taken {
			if s.start < t.end && t.start < s.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			taken = append(taken, s)
			svc[s.service] = true
		}
	}
	for s := range svc {
		services = append(services, s)
	}
	sort.Strings(terms)
	sort.Strings(services)
	return terms, services
}

// corpus is every title and lead in the collectors' expected rows, plus
// synthetic texts built from the study's own terms and aliases, written
// the ways the press varies them (case, spacing, particles, a Hangul word
// before an alias, Latin letters around one).
func corpus(t *testing.T, m *Matcher, n int) []string {
	var texts []string
	files, _ := filepath.Glob("../../collectors/*/testdata/want.json")
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
			for _, k := range []string{"title", "lead"} {
				if s, ok := r[k].(string); ok {
					texts = append(texts, s)
				}
			}
		}
	}
	var words []string
	for _, tm := range m.terms {
		words = append(words, tm.text)
		words = append(words, tm.tokens...)
	}
	for _, a := range m.aliases {
		words = append(words, a.re.String())
	}
	for _, inc := range m.incidents {
		words = append(words, inc.Terms...)
	}
	for _, s := range studyServices() {
		words = append(words, s.Aliases...)
		words = append(words, s.Outage...)
	}
	filler := strings.Fields("카카오톡이 먹통 온라인 서비스 장애가 복구 전면 중단 판교 데이터센터 화재로 이용자 " +
		"line online kakao Kakao KAKAO to T talk 라인 네이버 the outage was down 이 가 은 는 , . - ( )")
	r := rand.New(rand.NewPCG(5, 6))
	for range n {
		k := 3 + r.IntN(12)
		parts := make([]string, k)
		for i := range parts {
			w := filler[r.IntN(len(filler))]
			if len(words) > 0 && r.IntN(2) == 0 {
				w = words[r.IntN(len(words))]
			}
			switch r.IntN(6) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				w = strings.ReplaceAll(w, " ", "")
			case 2:
				w = "온" + w
			case 3:
				w = "x" + w + "y"
			}
			parts[i] = w
		}
		sep := " "
		if r.IntN(4) == 0 {
			sep = ""
		}
		texts = append(texts, strings.Join(parts, sep))
	}
	return texts
}

func studyServices() []Service {
	_, svcs := FromStudy(study.Default())
	return svcs
}

func TestMatchSameAsRegexp(t *testing.T) {
	m := DefaultMatcher
	texts := corpus(t, m, 8000)
	hits := 0
	for _, text := range texts {
		gt, gs := m.Match(text)
		wt, ws := m.matchRegexp(text)
		if !reflect.DeepEqual(gt, wt) || !reflect.DeepEqual(gs, ws) {
			t.Fatalf("%q:\n got %v %v\nwant %v %v", text, gt, gs, wt, ws)
		}
		if len(wt)+len(ws) > 0 {
			hits++
		}
	}
	// The corpus must exercise matches, not only misses.
	if hits < len(texts)/10 {
		t.Fatalf("only %d of %d texts match anything", hits, len(texts))
	}
	t.Logf("%d texts, %d with matches", len(texts), hits)
}

func TestACMatcher(t *testing.T) {
	needles := []string{"he", "she", "his", "hers", "카카오", "오톡", ""}
	m := newACMatcher(needles)
	for text, want := range map[string][]bool{
		"ushers":  {true, true, false, true, false, false, false},
		"카카오톡":    {false, false, false, false, true, true, false},
		"":        {false, false, false, false, false, false, false},
		"this he": {true, false, true, false, false, false, false},
	} {
		if got := m.present(text); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	texts := corpus(&testing.T{}, DefaultMatcher, 2000)
	b.Run("automaton", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				DefaultMatcher.Match(s)
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			for _, s := range texts {
				DefaultMatcher.matchRegexp(s)
			}
		}
	})
}
