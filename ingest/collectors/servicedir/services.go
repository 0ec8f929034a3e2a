package servicedir

import (
	"net/url"
	"strings"
)

// known is one service the curated table knows: its stable id, names,
// and what data/seed/gateway_services*.csv says about it (category label,
// provider, how it is reached, whether it needs the gateway's account).
// The directory page gives the name, link and the page's own category;
// the rest comes from the seed row named in the comment.
type known struct {
	id, ko, en   string
	seedCategory string
	provider     string
	// entry is how the seed says users reach it: "kakaotalk" (inside the
	// KakaoTalk app), "kakao_account" (its own app or site, signed in with
	// a Kakao account), "naver" (the Naver portal/app), "naver_id" (signed
	// in with a Naver ID).
	entry    string
	account  string // the seed's account_linked text, verbatim
	platform string // data/seed/platforms.csv id, if it has one
	host     string // the service's home page host, a second way to match
}

// services is the one table of service ids per directory layout.
var services = map[string][]known{
	layoutKakao: {
		// gateway_services.csv, gateway KakaoTalk (ddaily 2022-10-16, news1, digitaltoday)
		{"kakaotalk_gift", "선물하기", "Gift", "gift/commerce", "Kakao", "kakaotalk", "yes (in-app)", "", "gift.kakao.com"},
		{"talk_channel", "톡채널", "KakaoTalk Channel", "business messaging/ads", "Kakao", "kakaotalk", "yes (in-app)", "", ""},
		{"kakao_mail", "카카오메일", "Kakao Mail", "mail", "Kakao", "kakaotalk", "yes (in-app)", "", "mail.kakao.com"},
		// gateway_services.csv, gateway Kakao Account (news1, ddaily 2022-10-18, edaily, mt)
		{"daum", "다음", "Daum", "portal/search/news", "Kakao", "kakao_account", "yes (Kakao Account)", "daum", "www.daum.net"},
		{"daum_cafe", "다음 카페", "Daum Cafe", "community", "Kakao", "kakao_account", "yes (Kakao Account)", "daum_cafe", "cafe.daum.net"},
		{"daum_mail", "다음 메일", "Daum Mail", "mail", "Kakao", "kakao_account", "yes (Kakao Account)", "", "mail.daum.net"},
		{"kakaomap", "카카오맵", "Kakao Map", "maps", "Kakao", "kakao_account", "yes (Kakao Account)", "kakaomap", "map.kakao.com"},
		{"kakao_navi", "카카오내비", "Kakao Navi", "navigation", "Kakao Mobility", "kakao_account", "yes (Kakao Account)", "", ""},
		{"kakao_bus", "카카오버스", "Kakao Bus", "transit", "Kakao", "kakao_account", "yes (Kakao Account)", "kakao_bus", ""},
		{"kakao_t", "카카오T", "Kakao T", "mobility", "Kakao Mobility", "kakao_account", "yes (Kakao Account)", "kakao_t", ""},
		{"kakaopay", "카카오페이", "KakaoPay", "payments/finance", "Kakao Pay", "kakao_account", "yes (Kakao Account)", "kakaopay", "www.kakaopay.com"},
		{"kakaobank", "카카오뱅크", "KakaoBank", "banking", "KakaoBank", "kakao_account", "yes (Kakao Account)", "", "www.kakaobank.com"},
		{"kakaopage", "카카오페이지", "KakaoPage", "webtoon/web-novel", "Kakao Entertainment", "kakao_account", "yes (Kakao Account)", "kakaopage", "page.kakao.com"},
		{"kakao_webtoon", "카카오웹툰", "Kakao Webtoon", "webtoon", "Kakao Entertainment", "kakao_account", "yes (Kakao Account)", "", "webtoon.kakao.com"},
		{"melon", "멜론", "Melon", "music streaming", "Kakao Entertainment", "kakao_account", "yes (Kakao Account)", "", "www.melon.com"},
		{"kakao_tv", "카카오TV", "KakaoTV", "video", "Kakao Entertainment", "kakao_account", "yes (Kakao Account)", "", "tv.kakao.com"},
		{"kakao_games", "카카오게임즈", "Kakao Games", "games", "Kakao Games", "kakao_account", "yes (Kakao Account)", "", "www.kakaogames.com"},
		{"tistory", "티스토리", "Tistory", "blog", "Kakao", "kakao_account", "yes (Kakao Account)", "", "www.tistory.com"},
		{"brunch", "브런치", "Brunch", "blog/publishing", "Kakao", "kakao_account", "yes (Kakao Account)", "", "brunch.co.kr"},
		{"kakaostory", "카카오스토리", "KakaoStory", "SNS", "Kakao", "kakao_account", "yes (Kakao Account)", "kakaostory", "story.kakao.com"},
	},
	layoutNaver: {
		// gateway_services_naver.csv, gateway Naver (etnews 2022-10-15 and others)
		{"naver_search", "검색", "Search", "portal/search", "Naver", "naver", "Naver portal/app; listed as partially impaired by the 2022-10-15 Pangyo fire", "naver", "search.naver.com"},
		{"naver_news", "뉴스", "News", "news", "Naver", "naver", "Naver portal/app; impaired 2022-10-15", "", "news.naver.com"},
		{"naver_shopping", "쇼핑", "Naver Shopping", "commerce", "Naver", "naver", "Naver portal/app; impaired 2022-10-15", "", "shopping.naver.com"},
		{"naver_cafe", "카페", "Naver Cafe", "community", "Naver", "naver", "Naver service; impaired 2022-10-15 (per Chosun same day: photo upload to Cafe failing)", "naver_cafe", "section.cafe.naver.com"},
		{"naver_blog", "블로그", "Naver Blog", "blog", "Naver", "naver", "Naver service; impaired 2022-10-15 (Blog is also a Naver-ID service with per-service 2FA per etnews 2020-12-16)", "", "section.blog.naver.com"},
		{"naver_series_on", "시리즈온", "Series On", "video (VOD)", "Naver", "naver", "Naver service; impaired 2022-10-15", "", "serieson.naver.com"},
		{"naver_sports", "네이버 스포츠", "Naver Sports", "sports content", "Naver", "naver", "Naver service; outage notice 2022-10-15", "", "sports.naver.com"},
		{"papago", "파파고", "Papago", "translation (AI)", "Naver", "naver", "Naver service; outage notice 2022-10-15", "", "papago.naver.com"},
		{"naver_webtoon", "네이버웹툰", "Naver Webtoon", "webtoon", "Naver Webtoon", "naver", "Naver Plus members get monthly cookies usable in Webtoon and Series", "naver_webtoon", "comic.naver.com"},
		{"naver_series", "시리즈", "Naver Series", "web-novel/webtoon", "Naver Webtoon", "naver", "Naver Plus members get monthly cookies usable in Webtoon and Series", "", "series.naver.com"},
		{"vibe", "바이브", "VIBE", "music streaming", "Naver", "naver", "Naver Plus content benefit", "", "vibe.naver.com"},
		{"chzzk", "치지직", "CHZZK", "game/live streaming", "Naver", "naver", "Naver Pay payments counted as internal Naver platform; (newsway: repeated policy violations can restrict ALL Naver services - see notes)", "", "chzzk.naver.com"},
		{"band", "밴드", "BAND", "group community/SNS", "Naver", "naver", "separate BAND account: signup options in source are Facebook account, phone number, e-mail (Naver ID not mentioned)", "band", "band.us"},
		// gateway_services_naver.csv, gateway Naver ID (etnews 2020-12-16, donga 2015-06-25, help.naver.com)
		{"naver_pay", "네이버페이", "Naver Pay", "payments", "Naver (Naver Financial since 2019-11)", "naver_id", "yes (Naver ID; launched 2015-06-25)", "naver_pay", "pay.naver.com"},
		{"naver_mail", "네이버 메일", "Naver Mail", "mail", "Naver", "naver_id", "yes (Naver ID; per-service 2FA)", "", "mail.naver.com"},
		{"naver_calendar", "네이버 캘린더", "Naver Calendar", "calendar", "Naver", "naver_id", "yes (Naver ID; per-service 2-step verification from Jan 2021)", "", "calendar.naver.com"},
		{"naver_kin", "지식iN", "KnowledgeiN", "Q&A community", "Naver", "naver_id", "yes (Naver ID; per-service 2FA)", "", "kin.naver.com"},
		{"naver_contacts", "주소록", "Contacts", "contacts/PIM", "Naver", "naver_id", "yes (Naver ID; per-service 2FA)", "", "contact.naver.com"},
		{"naver_memo", "메모", "Memo", "notes/PIM", "Naver", "naver_id", "yes (Naver ID; per-service 2FA)", "", "memo.naver.com"},
		{"naver_mybox", "마이박스", "MYBOX", "storage/backup", "Naver", "naver_id", "yes (Naver ID; per-service 2FA)", "", "mybox.naver.com"},
		{"naver_booking", "네이버 예약", "Naver Booking", "booking", "Naver", "naver_id", "yes ('Log in to NAVER' is step 1 in official help)", "", "booking.naver.com"},
	},
}

// lookup finds a card's service by its name (spaces and case ignored),
// then by its link's host.
func lookup(layout, name, link string) (known, bool) {
	n := nameKey(name)
	for _, k := range services[layout] {
		if n == nameKey(k.ko) || n == nameKey(k.en) {
			return k, true
		}
	}
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return known{}, false
	}
	for _, k := range services[layout] {
		if k.host != "" && strings.EqualFold(u.Host, k.host) {
			return k, true
		}
	}
	return known{}, false
}

func nameKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
