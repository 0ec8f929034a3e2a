package newsmatch

import "strings"

// outlets names the outlet behind a site host (as CanonicalURL leaves it).
// Every collector takes the outlet from here first, so a story reads the
// same whether a feed, GDELT, Naver or the page itself reported it; hosts
// not listed keep their host name.
var outlets = map[string]string{
	"chosun.com":       "조선일보",
	"it.chosun.com":    "IT조선",
	"biz.chosun.com":   "조선비즈",
	"etnews.com":       "전자신문",
	"ddaily.co.kr":     "디지털데일리",
	"news.mt.co.kr":    "머니투데이",
	"mt.co.kr":         "머니투데이",
	"newstomato.com":   "뉴스토마토",
	"koreaherald.com":  "The Korea Herald",
	"fntimes.com":      "한국금융신문",
	"hankookilbo.com":  "한국일보",
	"imaeil.com":       "매일신문",
	"newspic.kr":       "뉴스픽",
	"hankyung.com":     "한국경제",
	"news1.kr":         "뉴스1",
	"nocutnews.co.kr":  "노컷뉴스",
	"edaily.co.kr":     "이데일리",
	"inews24.com":      "아이뉴스24",
	"imnews.imbc.com":  "MBC",
	"ekn.kr":           "에너지경제",
	"v.daum.net":       "다음뉴스",
	"koreatimesus.com": "Korea Times US",
	"yna.co.kr":        "연합뉴스",
	"donga.com":        "동아일보",
	"sedaily.com":      "서울경제",
	"zdnet.co.kr":      "지디넷코리아",
}

// OutletFor names the outlet of a canonical URL's host.
func OutletFor(host string) string {
	host = siteHost(strings.ToLower(host))
	for h := host; strings.Contains(h, "."); {
		if name, ok := outlets[h]; ok {
			return name
		}
		_, h, _ = strings.Cut(h, ".")
	}
	return host
}
