package newspage

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func doc(t *testing.T, html string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTitle(t *testing.T) {
	for _, tt := range []struct{ name, html, want string }{
		{"og:title wins", `<meta property="og:title" content=" 카카오 실적 "><h1>헤드라인</h1><title>사이트</title>`, "카카오 실적"},
		{"blank og:title falls to h1", `<meta property="og:title" content=" "><h1> 헤드라인 </h1><title>사이트</title>`, "헤드라인"},
		{"first h1", `<h1>첫째</h1><h1>둘째</h1>`, "첫째"},
		{"document title last", `<title> 사이트 </title><h1> </h1>`, "사이트"},
		{"nothing", `<p>본문</p>`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Title(doc(t, tt.html)); got != tt.want {
				t.Errorf("Title = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPublished(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		name, html string
		want       time.Time
	}{
		{"RFC 3339 in KST", `<meta property="article:published_time" content="2022-11-03T09:10:00+09:00">`, day(2022, 11, 3)},
		// 20:00 UTC on the 2nd is already the 3rd in Korea.
		{"UTC late evening is the next Korean day", `<meta property="article:published_time" content="2022-11-02T20:00:00Z">`, day(2022, 11, 3)},
		{"numeric zone without colon", `<meta name="article:published_time" content="2024-04-09T06:07:00+0900">`, day(2024, 4, 9)},
		{"bare datetime read as KST", `<meta itemprop="datePublished" content="2024-08-08 00:03:35">`, day(2024, 8, 8)},
		{"dotted date", `<meta name="pubdate" content="2022.09.27">`, day(2022, 9, 27)},
		{"first meta wins", `<meta property="article:published_time" content="2022-01-01"><meta name="pubdate" content="2023-01-01">`, day(2022, 1, 1)},
		{"time element when no meta", `<time datetime=" 2023-07-26 ">7월 26일</time>`, day(2023, 7, 26)},
		{"unreadable", `<meta name="pubdate" content="지난주">`, time.Time{}},
		{"none", `<p>본문</p>`, time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Published(doc(t, tt.html)); !got.Equal(tt.want) {
				t.Errorf("Published = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBody(t *testing.T) {
	for _, tt := range []struct {
		name, html string
		sites      []string
		want       string
	}{
		{"itemprop first", `<article>기사</article><div id="articleBody">본문</div><div itemprop="articleBody">표시</div>`, nil, "표시"},
		{"common id", `<article>기사</article><div id="article-view-content-div">본문</div>`, nil, "본문"},
		{"common markers before sites", `<div id="textBody">사이트</div><div id="articletxt">공통</div>`, []string{"#textBody"}, "공통"},
		{"site selector before article", `<article>기사</article><div class="article_txt">사이트</div>`, []string{"#textBody", ".article_txt"}, "사이트"},
		{"site selector unused without sites", `<article>기사</article><div class="article_txt">사이트</div>`, nil, "기사"},
		{"body last", `<p>그냥 본문</p>`, nil, "그냥 본문"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.TrimSpace(Body(doc(t, tt.html), tt.sites...).Text()); got != tt.want {
				t.Errorf("Body = %q, want %q", got, tt.want)
			}
		})
	}
}
