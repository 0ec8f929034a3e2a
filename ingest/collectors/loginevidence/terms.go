package loginevidence

// target is a gateway building block a third party can depend on, and the
// phrases that name it in Korean press. Phrases are matched with spaces
// removed, so "카카오 로그인" and "카카오로그인" are one phrase.
type target struct {
	id, kind string
	gateway  string // the gateway whose services row the third party gets
	phrases  []string
	// not are longer words that contain a phrase but name something else
	// ("카카오페이지" is KakaoPage, not KakaoPay).
	not []string
}

var targets = []target{
	{id: "kakao_login", kind: "login", gateway: "kakao", phrases: []string{
		"카카오로그인", "카카오톡으로로그인", "카카오톡로그인", "카카오계정으로로그인", "카카오계정로그인",
		"카카오간편로그인", "카카오싱크",
	}},
	{id: "kakaopay", kind: "payment", gateway: "kakao", phrases: []string{"카카오페이"},
		not: []string{"카카오페이지"}},
	{id: "kakaotalk_gift", kind: "payment", gateway: "kakao", phrases: []string{"카카오톡선물하기", "카카오선물하기"}},
	{id: "kakaomap", kind: "maps", gateway: "kakao", phrases: []string{"카카오맵", "카카오지도"}},
	{id: "talk_channel", kind: "notification", gateway: "kakao", phrases: []string{"알림톡"}},
	{id: "naver_login", kind: "login", gateway: "naver", phrases: []string{
		"네이버아이디로로그인", "네이버아이디로그인", "네아로", "네이버로그인", "네이버계정으로로그인",
	}},
	{id: "naver_pay", kind: "payment", gateway: "naver", phrases: []string{"네이버페이"}},
}

// party is a third-party service the press names, keyed to the seed row
// that lists it (data/seed/gateway_services*.csv, platforms.csv). Ids follow
// the seed loader's slugs so the dependency graph joins.
type party struct {
	id, ko, en   string
	aliases      []string // as written in Korean articles
	seedCategory string
	provider     string
}

var parties = []party{
	{"starbucks_korea_app", "스타벅스", "Starbucks Korea app", []string{"스타벅스"}, "coffee/retail", "SCK Company"},
	{"kurly", "컬리", "Kurly", []string{"마켓컬리", "컬리"}, "grocery e-commerce", "Kurly"},
	{"catchtable", "캐치테이블", "Catchtable", []string{"캐치테이블"}, "restaurant booking", "Catchtable"},
	{"laundrygo", "런드리고", "Laundrygo", []string{"런드리고"}, "laundry logistics", "Laundrygo"},
	{"11st", "11번가", "11st", []string{"11번가"}, "e-commerce", "11st"},
	{"ssg_com", "SSG닷컴", "SSG.com", []string{"SSG닷컴", "SSG.COM", "쓱닷컴"}, "e-commerce", "SSG.com"},
	{"gmarket_auction", "G마켓·옥션", "Gmarket/Auction", []string{"G마켓", "지마켓", "옥션"}, "e-commerce", "Gmarket"},
	{"homeplus", "홈플러스", "Homeplus", []string{"홈플러스"}, "retail", "Homeplus"},
	{"tmon", "티몬", "Tmon", []string{"티몬"}, "e-commerce", "Tmon"},
	{"cj_olive_young", "CJ올리브영", "CJ Olive Young", []string{"CJ올리브영", "올리브영"}, "retail", "CJ Olive Young"},
	{"safety_report_app", "안전신문고", "Safety Report app", []string{"안전신문고"}, "public service", "Ministry of the Interior and Safety"},
	{"coupang", "쿠팡", "Coupang", []string{"쿠팡"}, "e-commerce", "Coupang"},
	// platforms.csv baemin (category delivery, company Woowa Brothers).
	{"baemin", "배달의민족", "Baemin", []string{"배달의민족", "배민"}, "delivery", "Woowa Brothers"},
}
