// Package taxonomy maps the free-text and Korean category labels found in
// sources ("gift/commerce", "선물하기", "Maps & Navigation") onto the fixed
// service taxonomy (schema.Taxonomy). It is a lookup table, not a
// classifier: a label that is not in the table, or that is too broad to
// name one category ("라이프스타일", "커뮤니케이션", "Entertainment"), maps
// to nothing, and the caller reports it instead of guessing.
package taxonomy

import (
	"strings"
	"unicode"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Map returns the taxonomy id for a category label. Labels are compared
// after normalisation: NFC for Hangul, case folding, trimmed and collapsed
// spaces, no spaces around "/" or "&", and one middle dot for ·, ㆍ, ・ and •.
func Map(raw string) (id string, ok bool) {
	id, ok = table[normalize(raw)]
	return id, ok
}

// table is built once from labels and the taxonomy's own names.
var table = func() map[string]string {
	t := make(map[string]string, len(labels)+3*len(schema.Taxonomy))
	for _, c := range schema.Taxonomy {
		for _, l := range []string{c.ID, c.En, c.Ko} {
			t[normalize(l)] = c.ID
		}
	}
	for id, ls := range labels {
		if !schema.IsCategory(id) {
			panic("taxonomy: " + id + " is not a schema.Taxonomy id")
		}
		for _, l := range ls {
			n := normalize(l)
			if prev, dup := t[n]; dup && prev != id {
				panic("taxonomy: label " + l + " maps to both " + prev + " and " + id)
			}
			t[n] = id
		}
	}
	for _, l := range broad {
		if _, dup := t[normalize(l)]; dup {
			panic("taxonomy: broad label " + l + " is also mapped")
		}
	}
	return t
}()

// labels lists, per taxonomy id, the labels that name it. The seed's
// free-text labels (data/seed/gateway_services*.csv) are all here, with the
// same choices as the seed loader; then Korean labels used by Korean
// service directories and the press, and Google Play's category names.
var labels = map[string][]string{
	"messaging": {
		"messaging", "voice/video calls", "messenger", "chat", "instant messaging",
		"메신저", "메시지", "채팅", "메시징", "무료통화",
	},
	"identity": {
		"identity", "identity/auth", "identity/auth (third-party)", "identity/e-signature",
		"login", "sso", "authentication", "digital id",
		"로그인", "간편로그인", "소셜로그인", "인증", "본인인증", "인증서", "전자서명", "계정",
	},
	"payments": {
		"payments", "payments/finance", "payments/gift", "payments (third-party merchants)",
		"payment", "wallet", "remittance",
		"간편결제", "결제", "송금", "페이", "간편송금", "지갑", "전자지갑",
	},
	"finance": {
		"finance", "banking", "securities", "insurance",
		"금융", "은행", "뱅킹", "인터넷은행", "인터넷전문은행", "증권", "보험", "투자",
		"Finance",
	},
	"commerce": {
		"commerce", "gift/commerce", "commerce/ads", "commerce/merchant tools", "e-commerce",
		"grocery e-commerce", "coffee/retail", "retail", "fashion commerce", "live commerce",
		"merchant tools/local", "resale commerce", "membership/loyalty",
		"shopping", "gift", "gifts",
		"선물하기", "선물", "쇼핑", "쇼핑하기", "커머스", "이커머스", "전자상거래", "온라인쇼핑",
		"라이브커머스", "패션",
		"Shopping",
	},
	"mobility": {
		"mobility", "mobility supply side", "transit", "taxi",
		"모빌리티", "택시", "대리운전", "주차", "교통", "대중교통", "버스", "지하철",
	},
	"maps": {
		"maps", "navigation", "maps/local", "local reviews", "map",
		"지도", "내비", "내비게이션", "길찾기",
		"Maps & Navigation", "maps and navigation",
	},
	"content": {
		"content", "music", "music streaming", "video", "video (VOD)", "webtoon",
		"webtoon (Japan)", "webtoon/web-novel", "web-novel/webtoon", "digital content/commerce",
		"audiobooks", "sports content",
		"웹툰", "웹소설", "음악", "뮤직", "동영상", "영상", "콘텐츠", "컨텐츠", "오디오북",
		"Music & Audio", "Comics",
	},
	"news": {
		"news", "news/content curation",
		"뉴스", "언론",
		"News & Magazines",
	},
	"search": {
		"search", "portal/search", "portal/search/news", "portal",
		"검색", "포털",
	},
	"email": {
		"email", "mail", "e-mail",
		"메일", "이메일", "전자우편",
	},
	"community": {
		"community", "social", "SNS", "blog", "blog/publishing", "community chat",
		"group community/SNS", "metaverse/social", "Q&A community",
		"커뮤니티", "카페", "블로그", "소셜", "소셜네트워크",
		"Social",
	},
	"games": {
		"games", "game/live streaming", "game", "gaming",
		"게임",
	},
	"productivity": {
		"productivity", "business tools", "calendar", "group tools", "storage/backup",
		"enterprise collaboration", "translation (AI)", "contacts/PIM", "notes/PIM",
		"cloud storage", "collaboration",
		"캘린더", "일정", "클라우드", "협업", "업무", "번역", "메모", "주소록",
		"Productivity",
	},
	"notifications": {
		"notifications", "business messaging", "business messaging/ads", "push",
		"알림", "알림톡", "푸시", "비즈메시지",
	},
	"public": {
		"public", "public service", "public service (health)", "government",
		"공공", "공공서비스", "정부", "전자정부",
	},
	"delivery": {
		"delivery", "laundry logistics", "restaurant booking", "delivery/logistics",
		"food ordering/commerce", "food ordering/payments", "booking", "food delivery",
		"배달", "주문하기", "음식배달", "예약",
		"Food & Drink",
	},
}

// broad are labels seen on real directories that span several categories.
// They stay unmapped on purpose; the list exists so that nobody adds them
// to labels without noticing (init panics on an overlap).
var broad = []string{
	"커뮤니케이션", "라이프스타일", "비즈니스", "엔터테인먼트", "소셜임팩트", "핀테크",
	"모빌리티&라이프", "모빌리티_라이프", "기타", "전체", "서비스", "생활/편의",
	"생활", "채널", "communication", "lifestyle", "business", "entertainment",
	"social impact", "fintech", "other", "Travel & Local", "Tools", "Books & Reference",
}

// normalize canonicalises a label for lookup.
func normalize(s string) string {
	s = composeHangul(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == 'ㆍ' || r == '・' || r == '•' || r == '‧' || r == '∙':
			r = '·'
		case r == '／':
			r = '/'
		}
		if space && r != '/' && r != '&' && !strings.HasSuffix(b.String(), "/") && !strings.HasSuffix(b.String(), "&") {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// composeHangul turns conjoining jamo (as saved by some systems in NFD)
// into precomposed syllables, so "모빌리티" matches whichever form a page
// used. It is the Hangul part of Unicode NFC, which is all the labels need.
func composeHangul(s string) string {
	const (
		lBase, vBase, tBase, sBase = 0x1100, 0x1161, 0x11A7, 0xAC00
		lCount, vCount, tCount     = 19, 21, 28
	)
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= lBase && r < lBase+lCount }) {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		l := rs[i] - lBase
		if l < 0 || l >= lCount || i+1 >= len(rs) {
			out = append(out, rs[i])
			continue
		}
		v := rs[i+1] - vBase
		if v < 0 || v >= vCount {
			out = append(out, rs[i])
			continue
		}
		syl := sBase + (l*vCount+v)*tCount
		i++
		if i+1 < len(rs) {
			if t := rs[i+1] - tBase; t > 0 && t < tCount {
				syl += t
				i++
			}
		}
		out = append(out, syl)
	}
	return string(out)
}
