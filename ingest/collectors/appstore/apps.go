package appstore

// app is one package the curated table knows. Only apps that data/seed
// lists as Kakao or Naver services, and whose store developer is certain,
// are here; an app missing from the table is still collected when its card
// shows a category that maps onto the taxonomy.
type app struct {
	id, ko, en   string
	seedCategory string // the seed's label; used when the card shows no genre
	provider     string
	linked       bool
	account      string // why linked is what it is, with its seed source
	platform     string // data/seed/platforms.csv id
}

// apps is keyed by Google Play package id.
var apps = map[string]app{
	// platforms.csv kakaotalk (category messenger); the gateway app itself,
	// which users sign in to with a Kakao account.
	"com.kakao.talk": {"kakaotalk", "카카오톡", "KakaoTalk", "messenger", "Kakao", true,
		"the gateway app itself (Kakao account)", "kakaotalk"},
	// gateway_services.csv: Kakao Account, Kakao Map, maps, Kakao, yes (Kakao Account) — news1 4833791.
	"net.daum.android.map": {"kakaomap", "카카오맵", "Kakao Map", "maps", "Kakao", true,
		"seed: yes (Kakao Account)", "kakaomap"},
	// gateway_services_naver.csv: Naver, 검색 (Search), portal/search — etnews 2022-10-15;
	// platforms.csv naver. Searching needs no Naver ID.
	"com.nhn.android.search": {"naver", "네이버", "NAVER", "portal/search", "Naver", false,
		"seed: Naver portal/app; listed as partially impaired by the 2022-10-15 Pangyo fire", "naver"},
	// gateway_services_naver.csv: Naver, 네이버 지도 (Naver Map), maps/local — korea.com 2024-12-16.
	"com.nhn.android.nmap": {"naver_map", "네이버 지도", "Naver Map", "maps/local", "Naver", false,
		"seed: integrates booking/reviews/payment (booking needs NAVER login per Naver Help); 68.3% usage rate among map apps (Sep 2024 Embrain panel)", "naver_map"},
}
