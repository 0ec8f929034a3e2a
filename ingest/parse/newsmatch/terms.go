package newsmatch

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Incident is an outage news is grouped under. Terms name it in Korean and
// English; an article belongs to it when a term (or an outage term of one of
// its services) matches and the article's date falls in the news window.
type Incident struct {
	ID string
	// Start and End bound the outage itself (KST in the source).
	Start, End time.Time
	// NewsFrom and NewsTo bound the coverage counted for it: follow-ups
	// ("먹통 사태 두 달") keep coming for weeks.
	NewsFrom, NewsTo time.Time
	Terms            []string
	// Services affected; their outage terms count for the incident too.
	Services []string
}

// Incidents known to the matcher. The 2022 Pangyo fire: Kakao down from
// 15:19 KST on 15 Oct until full recovery at 23:00 KST on 20 Oct (MSIT).
var Incidents = []Incident{{
	ID:       "2022-10-15-pangyo-fire",
	Start:    time.Date(2022, 10, 15, 15, 19, 0, 0, KST),
	End:      time.Date(2022, 10, 20, 23, 0, 0, 0, KST),
	NewsFrom: time.Date(2022, 10, 15, 0, 0, 0, 0, KST),
	NewsTo:   time.Date(2023, 1, 16, 0, 0, 0, 0, KST),
	Terms: []string{
		"카카오 먹통", "카카오톡 먹통", "카톡 먹통", "카카오 장애", "카카오톡 장애", "카카오 서비스 장애",
		"카카오 먹통 사태", "카카오 복구", "카카오 서비스 복구", "카카오 정상화",
		"데이터센터 화재", "판교 데이터센터", "SK C&C 화재", "SK C&C 데이터센터", "판교 화재",
		"네이버 장애", "메신저 망명",
		"Kakao outage", "KakaoTalk outage", "Kakao down", "KakaoTalk down", "Kakao blackout",
		"Kakao disruption", "Kakao services restored", "data center fire", "Pangyo data center",
		"SK C&C fire",
	},
	Services: []string{
		"kakaotalk", "kakaotalk_pc", "kakao_t", "kakaopay", "kakaomap", "kakaobank", "kakao_navi",
		"kakaopage", "kakao_webtoon", "melon", "daum", "daum_mail", "kakao_mail", "tistory",
		"talk_channel", "kakao_games", "kakao_bus", "naver", "sk_cc_pangyo",
	},
}}

// Service is one entry of the alias table: the service id used in the
// seed and the incidents dataset, its names as the press writes them, and
// terms that report it broken.
type Service struct {
	ID      string
	Aliases []string
	Outage  []string
}

// Services is the alias table. Longer aliases win over the shorter ones
// they contain (카카오페이지 is kakaopage, not kakaopay).
var Services = []Service{
	{ID: "kakaotalk", Aliases: []string{"카카오톡", "카톡", "KakaoTalk", "Kakao Talk"},
		Outage: []string{"카카오톡 장애", "카카오톡 먹통", "카톡 먹통", "카톡 장애", "KakaoTalk outage", "KakaoTalk down"}},
	{ID: "kakaotalk_pc", Aliases: []string{"PC 카카오톡", "PC 카톡", "카카오톡 PC", "KakaoTalk PC"}},
	{ID: "kakao_t", Aliases: []string{"카카오T", "카카오 T", "카카오 택시", "카카오택시", "Kakao T", "Kakao Taxi", "KakaoTaxi"},
		Outage: []string{"카카오T 먹통", "카카오 택시 먹통", "카카오T 장애", "Kakao T outage"}},
	{ID: "kakaopay", Aliases: []string{"카카오페이", "KakaoPay", "Kakao Pay"},
		Outage: []string{"카카오페이 장애", "카카오페이 먹통", "KakaoPay outage"}},
	{ID: "kakaobank", Aliases: []string{"카카오뱅크", "KakaoBank", "Kakao Bank"},
		Outage: []string{"카카오뱅크 장애", "카카오뱅크 먹통"}},
	{ID: "kakaomap", Aliases: []string{"카카오맵", "카카오 맵", "카카오 지도", "KakaoMap", "Kakao Map"}},
	{ID: "kakao_navi", Aliases: []string{"카카오내비", "카카오 내비", "카카오네비", "Kakao Navi"}},
	{ID: "kakao_bus", Aliases: []string{"카카오버스", "카카오 버스", "Kakao Bus"}},
	{ID: "kakao_subway", Aliases: []string{"카카오지하철", "카카오 지하철", "Kakao Subway"}},
	{ID: "kakaopage", Aliases: []string{"카카오페이지", "KakaoPage", "Kakao Page"}},
	{ID: "kakao_webtoon", Aliases: []string{"카카오웹툰", "카카오 웹툰", "Kakao Webtoon"}},
	{ID: "kakaotv", Aliases: []string{"카카오TV", "카카오 TV", "KakaoTV", "Kakao TV"}},
	{ID: "kakaostory", Aliases: []string{"카카오스토리", "KakaoStory"}},
	{ID: "kakao_games", Aliases: []string{"카카오게임즈", "카카오게임", "Kakao Games"}},
	{ID: "kakao_mail", Aliases: []string{"카카오메일", "카카오 메일", "Kakao Mail"}},
	{ID: "kakao_login", Aliases: []string{"카카오 로그인", "카카오로그인", "Kakao Login"}},
	{ID: "talk_channel", Aliases: []string{"카카오톡 채널", "톡채널", "KakaoTalk Channel"}},
	{ID: "melon", Aliases: []string{"멜론", "Melon"}},
	{ID: "piccoma", Aliases: []string{"픽코마", "Piccoma"}},
	{ID: "zigzag", Aliases: []string{"지그재그", "Zigzag"}},
	{ID: "tistory", Aliases: []string{"티스토리", "Tistory"}},
	{ID: "daum", Aliases: []string{"포털 다음", "다음 포털", "Daum"}},
	{ID: "daum_mail", Aliases: []string{"다음 메일", "다음메일", "한메일", "Daum Mail", "Hanmail"},
		Outage: []string{"다음 메일 장애", "다음 메일 먹통"}},
	{ID: "daum_cafe", Aliases: []string{"다음 카페", "다음카페", "Daum Cafe"}},
	{ID: "naver", Aliases: []string{"네이버", "Naver"}, Outage: []string{"네이버 장애", "네이버 오류"}},
	{ID: "naver_cafe", Aliases: []string{"네이버 카페", "네이버카페", "Naver Cafe"}},
	{ID: "naver_map", Aliases: []string{"네이버 지도", "네이버지도", "Naver Map"}},
	{ID: "naver_pay", Aliases: []string{"네이버페이", "네이버 페이", "Naver Pay"}},
	{ID: "naver_shopping", Aliases: []string{"네이버 쇼핑", "네이버쇼핑", "Naver Shopping"}},
	{ID: "naver_shopping_live", Aliases: []string{"네이버 쇼핑라이브", "쇼핑라이브", "쇼핑 라이브", "Shopping Live"}},
	{ID: "naver_papago", Aliases: []string{"파파고", "Papago"}},
	{ID: "line", Aliases: []string{"라인", "LINE"}},
	{ID: "telegram", Aliases: []string{"텔레그램", "Telegram"}},
	{ID: "facebook_messenger", Aliases: []string{"페이스북 메신저", "Facebook Messenger"}},
	{ID: "sk_cc_pangyo", Aliases: []string{"판교 데이터센터", "SK C&C 판교", "SK C&C 데이터센터", "Pangyo data center"}},
}

// Matcher finds terms and services in article text.
type Matcher struct {
	incidents []Incident
	terms     []term
	aliases   []alias
}

type term struct {
	text    string   // as written in the list, the matched_terms value
	tokens  []string // folded words, all of which must occur close together
	service string
}

type alias struct {
	re      *regexp.Regexp
	service string
	// exact aliases (all capitals, like LINE) are matched case-sensitively:
	// "line" is an English word.
	exact bool
	// hangul aliases must not continue a Hangul word: 라인 is LINE, 온라인 is not.
	hangul bool
}

// DefaultMatcher uses Incidents and Services.
var DefaultMatcher = NewMatcher(Incidents, Services)

// NewMatcher compiles term and alias lists.
func NewMatcher(incidents []Incident, services []Service) *Matcher {
	m := &Matcher{incidents: incidents}
	seen := map[string]bool{}
	for _, inc := range incidents {
		for _, t := range inc.Terms {
			if !seen[t] {
				seen[t] = true
				m.terms = append(m.terms, term{text: t, tokens: strings.Fields(fold(t))})
			}
		}
	}
	for _, s := range services {
		for _, t := range s.Outage {
			if !seen[t] {
				seen[t] = true
				m.terms = append(m.terms, term{text: t, tokens: strings.Fields(fold(t)), service: s.ID})
			}
		}
		for _, a := range s.Aliases {
			exact := a == strings.ToUpper(a) && strings.IndexFunc(a, isLatin) >= 0 && strings.IndexFunc(a, unicode.IsLower) < 0 &&
				strings.IndexFunc(a, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) < 0
			m.aliases = append(m.aliases, alias{
				re: aliasPattern(a, exact), service: s.ID, exact: exact,
				hangul: unicode.Is(unicode.Hangul, []rune(a)[0]),
			})
		}
	}
	return m
}

// aliasPattern lets the parts of an alias be written with or without a
// space (카카오 T, 카카오T) and makes a Latin alias a whole word, so "Kakao
// T" does not match "Kakao to". A Hangul alias needs no word end: Korean
// attaches particles (카카오톡이).
func aliasPattern(a string, exact bool) *regexp.Regexp {
	parts := strings.Fields(fold(a))
	if exact {
		parts = strings.Fields(a)
	}
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	pat := strings.Join(parts, `\s*`)
	r := []rune(a)
	if isLatin(r[0]) {
		pat = `\b` + pat
	}
	if isLatin(r[len(r)-1]) {
		pat += `\b`
	}
	return regexp.MustCompile(pat)
}

func isLatin(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// fold prepares text for matching: NFC (Korean pages mix composed and
// decomposed Hangul), lower case, one space between words.
func fold(s string) string { return strings.ToLower(squash(s)) }

func squash(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// termWindow is how far apart (in bytes of folded text, about 25 Hangul
// syllables) the words of one term may be: "카카오 서비스 전면 먹통" still
// reads as "카카오 먹통"; two unrelated sentences do not.
const termWindow = 75

// Match returns the terms found in text and the services it names, each
// sorted and without duplicates.
func (m *Matcher) Match(text string) (terms, services []string) {
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
	// Longest first, then leftmost; a span inside a taken one is the
	// shorter name of something else.
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

// near reports whether every token occurs within termWindow of an
// occurrence of the first one, in any order.
func near(text string, tokens []string) bool {
	if len(tokens) == 0 {
		return false
	}
	for off := 0; ; {
		i := strings.Index(text[off:], tokens[0])
		if i < 0 {
			return false
		}
		pos := off + i
		lo, hi := max(0, pos-termWindow), min(len(text), pos+len(tokens[0])+termWindow)
		all := true
		for _, tok := range tokens[1:] {
			if !strings.Contains(text[lo:hi], tok) {
				all = false
				break
			}
		}
		if all {
			return true
		}
		off = pos + len(tokens[0])
	}
}

// IncidentFor returns the incident an article belongs to: one whose terms
// (or its services' outage terms) matched and whose news window holds the
// publication date. Without a date there is no incident: the window cannot
// be checked.
func (m *Matcher) IncidentFor(terms []string, published *time.Time) string {
	if published == nil || len(terms) == 0 {
		return ""
	}
	matched := map[string]bool{}
	for _, t := range terms {
		matched[t] = true
	}
	for _, inc := range m.incidents {
		if published.Before(inc.NewsFrom) || !published.Before(inc.NewsTo) {
			continue
		}
		for _, t := range m.terms {
			if !matched[t.text] {
				continue
			}
			if t.service == "" && contains(inc.Terms, t.text) || t.service != "" && contains(inc.Services, t.service) {
				return inc.ID
			}
		}
	}
	return ""
}
