package schema

// Category is one entry of the fixed service taxonomy. Lock-in breadth is
// "share of these categories a gateway opens", so the list must not change
// silently: adding one changes every breadth figure.
type Category struct {
	ID, En, Ko string
}

// Taxonomy is the fixed service-category taxonomy.
var Taxonomy = []Category{
	{"messaging", "Messaging", "메신저"},
	{"identity", "Login and identity", "로그인·인증"},
	{"payments", "Payments and wallet", "간편결제·지갑"},
	{"finance", "Banking, securities, insurance", "금융"},
	{"commerce", "Shopping and gifts", "쇼핑·선물하기"},
	{"mobility", "Taxi and mobility", "모빌리티"},
	{"maps", "Maps and navigation", "지도·내비"},
	{"content", "Webtoons, music, video, media", "콘텐츠"},
	{"news", "News", "뉴스"},
	{"search", "Search and portal", "검색·포털"},
	{"email", "Email", "메일"},
	{"community", "Social and community", "커뮤니티·SNS"},
	{"games", "Games", "게임"},
	{"productivity", "Work, calendar, cloud storage", "업무·클라우드"},
	{"notifications", "Notifications and business messaging", "알림톡·비즈메시지"},
	{"public", "Public services and certificates", "공공·인증서"},
	{"delivery", "Food delivery and local services", "배달·생활"},
}

// IsCategory reports whether id is a taxonomy category.
func IsCategory(id string) bool {
	for _, c := range Taxonomy {
		if c.ID == id {
			return true
		}
	}
	return false
}

// PlatformCategories classify platforms (apps) for market definitions.
var PlatformCategories = []string{
	"messenger", "portal", "social", "video", "commerce", "maps", "payments",
	"content", "delivery", "browser", "collaboration", "mobility", "identity", "other",
}

// IsPlatformCategory reports whether c is a platform category.
func IsPlatformCategory(c string) bool { return oneOf(c, PlatformCategories...) }
