package newsmatch

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		raw, at, offset string
		dayOnly         bool
	}{
		// Naver API, RSS: KST → UTC, the offset kept.
		{"Sat, 15 Oct 2022 16:02:00 +0900", "2022-10-15T07:02:00Z", "+09:00", false},
		{"Sat, 15 Oct 2022 16:02:00 KST", "2022-10-15T07:02:00Z", "+09:00", false},
		{"Sat, 15 Oct 2022 07:02:00 GMT", "2022-10-15T07:02:00Z", "+00:00", false},
		{"15 Oct 2022 16:02 +0900", "2022-10-15T07:02:00Z", "+09:00", false},
		{"Sat, 5 Nov 2022 09:00:00 -0500", "2022-11-05T14:00:00Z", "-05:00", false},
		// GDELT seendate.
		{"20221015T093000Z", "2022-10-15T09:30:00Z", "+00:00", false},
		// meta / JSON-LD.
		{"2022-10-15T16:02:00+09:00", "2022-10-15T07:02:00Z", "+09:00", false},
		{"2022-10-15T16:02:00.123+0900", "2022-10-15T07:02:00.123Z", "+09:00", false},
		{"2022-10-15T07:02:00Z", "2022-10-15T07:02:00Z", "+00:00", false},
		{"2022-10-15T16:02:00", "2022-10-15T07:02:00Z", "+09:00", false}, // zone-less: page default KST
		// Printed on Korean pages.
		{"입력 2022.10.15 16:02", "2022-10-15T07:02:00Z", "+09:00", false},
		{"기사입력 2022.10.15. 오후 4:02", "2022-10-15T07:02:00Z", "+09:00", false},
		{"입력 : 2022-10-15 16:02:59", "2022-10-15T07:02:59Z", "+09:00", false},
		{"등록 2022년 10월 15일 16시 02분", "2022-10-15T07:02:00Z", "+09:00", false},
		{"2022.10.15(토) 오전 12:05", "2022-10-14T15:05:00Z", "+09:00", false},
		{"2022.10.15 오후 12:05", "2022-10-15T03:05:00Z", "+09:00", false},
		{"Published 2022-10-15 16:02 KST", "2022-10-15T07:02:00Z", "+09:00", false},
		// A day only: local midnight, flagged.
		{"2022-10-15", "2022-10-14T15:00:00Z", "+09:00", true},
		{"2022.10.17", "2022-10-16T15:00:00Z", "+09:00", true},
		{"2022년 10월 15일", "2022-10-14T15:00:00Z", "+09:00", true},
	} {
		d, err := ParseDate(c.raw, FromFeed, KST)
		if err != nil {
			t.Errorf("%q: %v", c.raw, err)
			continue
		}
		if got := d.At.Format(time.RFC3339Nano); got != c.at || d.Offset != c.offset || d.DayOnly != c.dayOnly ||
			d.Raw != c.raw || d.From != FromFeed || d.At.Location() != time.UTC {
			t.Errorf("%q: got %s %s day=%v", c.raw, got, d.Offset, d.DayOnly)
		}
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, raw := range []string{"", "어제", "2022-13-01", "2022-02-30", "2022.10.15 25:00", "1899-01-01",
		"Sat, 15 Oct 2022 16:02:00 XYZ", "2022.10.15 오후 13:05", "Sat, 15 Oct 2022 16:02:00"} {
		if d, err := ParseDate(raw, FromFeed, KST); err == nil {
			t.Errorf("%q parsed as %v", raw, d.At)
		}
	}
	// A zone-less time without a default zone is never taken as UTC.
	if _, err := ParseDate("2022-10-15 16:02", FromMeta, nil); err == nil {
		t.Error("zone-less date accepted without a default zone")
	}
}

func TestDateFromURL(t *testing.T) {
	d, ok := DateFromURL("https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/?outputType=amp", KST)
	if !ok || d.At.Format(time.RFC3339) != "2022-10-14T15:00:00Z" || !d.DayOnly || d.From != FromURL || d.Raw != "/2022/10/15/" {
		t.Errorf("got %+v %v", d, ok)
	}
	for _, u := range []string{"https://ddaily.co.kr/page/view/2022101623402869383", "https://x.kr/2022/13/01/a", "https://x.kr/a?d=/2022/10/15/"} {
		if _, ok := DateFromURL(u, KST); ok {
			t.Errorf("%s: read a date", u)
		}
	}
}

func TestCanonicalURL(t *testing.T) {
	for raw, want := range map[string]string{
		// tracking parameters, fragment, host case, default port
		"https://Example.com:443/News/1?utm_source=rss&utm_medium=feed&id=7&fbclid=x&gclid=y#top": "https://example.com/News/1?id=7",
		"http://www.example.com/a/?b=2&a=1":    "https://example.com/a?a=1&b=2",
		"https://m.example.com/a":              "https://example.com/a",
		"https://amp.example.com/a/amp":        "https://example.com/a",
		"https://example.com/amp/a":            "https://example.com/a",
		"https://example.com/a?outputType=amp": "https://example.com/a",
		"https://example.com/a?amp=1":          "https://example.com/a",
		"https://m.kr/a":                       "https://m.kr/a", // not a mobile label
		// the seed's own citations
		"https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/?outputType=amp": "https://chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A",
		"https://etnews.com/20221015000090?mc=cp_002_00003":                                                     "https://etnews.com/20221015000090",
		"https://m.mt.co.kr/renew/view_amp.html?no=2022101716262598709":                                         "https://news.mt.co.kr/mtview.php?no=2022101716262598709",
		"https://m.mt.co.kr/renew/view.html?no=2022101607482481482":                                             "https://news.mt.co.kr/mtview.php?no=2022101607482481482",
		"https://m.hankookilbo.com/News/Read/Amp/A2022101908430002952":                                          "https://hankookilbo.com/News/Read/A2022101908430002952",
		"https://m.hankookilbo.com/News/Read/A2022101817080003958?rPrev=A2022101909450005702&type=A2":           "https://hankookilbo.com/News/Read/A2022101817080003958",
		"https://news1.kr/amp/it-science/general-it/4833791":                                                    "https://news1.kr/it-science/general-it/4833791",
		"https://fntimes.com/html/view.php?mobile=1&ud=202210180936599211645ffc9771_18":                         "https://fntimes.com/html/view.php?ud=202210180936599211645ffc9771_18",
		"https://m.edaily.co.kr/News/Read?mediaCodeNo=257&newsId=01564566632494560":                             "https://edaily.co.kr/News/Read?newsId=01564566632494560",
		"http://www.newstomato.com/RealTime/RealTimeDetail.aspx?no=1153411":                                     "https://newstomato.com/RealTime/RealTimeDetail.aspx?no=1153411",
	} {
		got, err := CanonicalURL(raw)
		if err != nil || got != want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", raw, got, err, want)
		}
	}
	for _, raw := range []string{"", "mailto:a@b.kr", "ftp://x.kr/a", "https:///a", "/relative"} {
		if got, err := CanonicalURL(raw); err == nil {
			t.Errorf("%q accepted as %s", raw, got)
		}
	}
}

// article_id is pinned: changing it would split every stored article.
func TestArticleID(t *testing.T) {
	c, id, err := IDFor("https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/?outputType=amp")
	if err != nil {
		t.Fatal(err)
	}
	if c != "https://chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A" || id != "f92880e0556ed4381af1aaba0e405dee" {
		t.Errorf("got %s %s", c, id)
	}
}

func TestMatchAliases(t *testing.T) {
	for text, want := range map[string][]string{
		"카카오T 먹통에 택시 대란":                 {"kakao_t"},
		"Kakao T and KakaoTaxi drivers":  {"kakao_t"},
		"카카오 택시가 안 잡혀":                   {"kakao_t"},
		"카카오 T 블루":                       {"kakao_t"},
		"Kakao to restore services":      nil,
		"카카오톡·카톡·KakaoTalk":              {"kakaotalk"},
		"PC 카카오톡 로그인":                    {"kakaotalk_pc"},
		"카카오페이지 결제 오류":                   {"kakaopage"},
		"카카오페이 결제 오류":                    {"kakaopay"},
		"카카오맵과 카카오내비":                    {"kakao_navi", "kakaomap"},
		"다음 메일 수신 불가, Daum Mail bounced": {"daum_mail"},
		"온라인 접속 장애":                      nil,
		"라인으로 망명, LINE downloads":        {"line"},
		"a line of users":                nil,
		"네이버 쇼핑라이브":                      {"naver_shopping_live"},
	} {
		_, got := DefaultMatcher.Match(text)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %v want %v", text, got, want)
		}
	}
}

func TestMatchTerms(t *testing.T) {
	for text, want := range map[string][]string{
		"카카오 서비스 전면 먹통":                         {"카카오 먹통"},
		"먹통 된 카카오":                              {"카카오 먹통"},
		"카카오톡이 먹통이 됐다":                          {"카카오 먹통", "카카오톡 먹통"},
		"KakaoTalk down after data center fire": {"Kakao down", "KakaoTalk down", "data center fire"},
		"카카오 신규 서비스 출시. " + strings.Repeat("다른 내용이 길게 이어진다. ", 5) + "서버 먹통 없던 하루": nil,
	} {
		got, _ := DefaultMatcher.Match(text)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %v want %v", text, got, want)
		}
	}
}

func TestIncidentFor(t *testing.T) {
	in := time.Date(2022, 10, 16, 1, 0, 0, 0, time.UTC)
	before := time.Date(2022, 10, 14, 12, 0, 0, 0, time.UTC)
	m := DefaultMatcher
	if got := m.IncidentFor([]string{"카카오 먹통"}, &in); got != "2022-10-15-pangyo-fire" {
		t.Errorf("in window: %q", got)
	}
	if got := m.IncidentFor([]string{"카카오페이 장애"}, &in); got != "2022-10-15-pangyo-fire" {
		t.Errorf("service term: %q", got)
	}
	if got := m.IncidentFor([]string{"카카오 먹통"}, &before); got != "" {
		t.Errorf("before window: %q", got)
	}
	if got := m.IncidentFor([]string{"카카오 먹통"}, nil); got != "" {
		t.Errorf("no date: %q", got)
	}
}

func TestCleanTextAndLang(t *testing.T) {
	if got := CleanText("[속보] <b>카카오</b>톡 &quot;먹통&quot;&amp;amp;<br>복구"); got != `[속보] 카카오톡 "먹통"& 복구` {
		t.Errorf("CleanText: %q", got)
	}
	for text, want := range map[[2]string]string{
		{"카카오 먹통", ""}:              "ko",
		{"Kakao outage", "Korean"}:  "ko",
		{"Kakao outage", ""}:        "en",
		{"Kakao outage", "English"}: "en",
		{"123", ""}:                 "",
	} {
		if got := Lang(text[0], text[1]); got != want {
			t.Errorf("Lang%v = %q want %q", text, got, want)
		}
	}
}

func newsAt(t *testing.T, u, title, feed, date string) *schema.News {
	t.Helper()
	a := Article{URL: u, Title: title, Feed: feed, SourceType: SourceRSS}
	if date != "" {
		d, err := ParseDate(date, FromFeed, KST)
		if err != nil {
			t.Fatal(err)
		}
		a.Published = d
	} else {
		a.MissingWhy = "no date"
	}
	n, err := DefaultMatcher.News(a)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// One story in three feeds, once with tracking parameters and once on
// the mobile host, is one row with the earliest date and every feed.
func TestSetMerges(t *testing.T) {
	s := NewSet(nil)
	s.Add(newsAt(t, "https://example.kr/news/1?utm_source=feed", "카카오톡 먹통", "https://b.kr/rss", ""))
	s.Add(newsAt(t, "https://m.example.kr/news/1", "카카오톡 먹통", "https://a.kr/rss", "2022-10-15"))
	s.Add(newsAt(t, "https://www.example.kr/news/1#c", "카카오톡 먹통", "https://c.kr/rss", "Sat, 15 Oct 2022 16:02:00 +0900"))
	s.Add(newsAt(t, "https://example.kr/news/2", "카카오페이 장애", "https://a.kr/rss", "Sun, 16 Oct 2022 09:00:00 +0900"))
	rows := s.Rows()
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	var r *schema.News
	for _, x := range rows {
		if x.CanonicalURL == "https://example.kr/news/1" {
			r = x
		}
	}
	// The day-only date is midnight, earlier, but says less: the full
	// time on the same day wins.
	if r.Feed != "https://a.kr/rss,https://b.kr/rss,https://c.kr/rss" || r.PublishedAt.Format(time.RFC3339) != "2022-10-15T07:02:00Z" ||
		r.DateMissingReason != "" || r.IncidentID != "2022-10-15-pangyo-fire" || r.URL != "https://example.kr/news/1?utm_source=feed" {
		t.Errorf("merged row %+v", *r)
	}
}

func TestDateBefore(t *testing.T) {
	day, _ := ParseDate("2022-10-15", FromFeed, KST)
	full, _ := ParseDate("2022-10-15 16:02", FromFeed, KST)
	next, _ := ParseDate("2022-10-14 23:00", FromFeed, KST)
	if !next.Before(day) || day.Before(next) || (Date{}).Before(day) || !day.Before(Date{}) {
		t.Error("ordering of known dates")
	}
	// A full time on the bare day says more than the day and wins.
	if !full.Before(day) || day.Before(full) {
		t.Error("16:02 on the 15th should win over the bare 15th")
	}
}

func TestCluster(t *testing.T) {
	rows := []*schema.News{
		{ArticleID: "1", Title: "[단독] 카카오톡 먹통에 메신저 망명"},
		{ArticleID: "2", Title: "카카오톡 먹통에 메신저 망명 - 뉴스토마토"},
		{ArticleID: "3", Title: "카카오톡 먹통에 메신저 대거 망명"},
		{ArticleID: "4", Title: "네이버 일부 서비스 오류"},
	}
	Cluster(rows)
	if rows[0].ClusterID != rows[1].ClusterID || rows[0].ClusterID != rows[2].ClusterID || rows[3].ClusterID == rows[0].ClusterID {
		t.Errorf("clusters %s %s %s %s", rows[0].ClusterID, rows[1].ClusterID, rows[2].ClusterID, rows[3].ClusterID)
	}
	// "대거" sorts before "망명": the smallest normalised title names the cluster.
	if rows[0].ClusterID != ClusterKey("카카오톡 먹통에 메신저 대거 망명") {
		t.Errorf("cluster id is not the key of the smallest title")
	}
	if s := Similarity("카카오톡 먹통에 메신저 망명", "카카오톡 먹통에 메신저 대거 망명"); s < SimilarTitle {
		t.Errorf("similarity %v", s)
	}
}

func TestWindowAndCursor(t *testing.T) {
	w, err := ParseWindow("2022-10-15", "2022-10-22T00:00:00+09:00", KST)
	if err != nil {
		t.Fatal(err)
	}
	in := time.Date(2022, 10, 14, 15, 0, 0, 0, time.UTC)
	out := time.Date(2022, 10, 21, 15, 0, 0, 0, time.UTC)
	if !w.Contains(&in) || w.Contains(&out) || !w.Contains(nil) {
		t.Error("window bounds")
	}
	if _, err := ParseWindow("2022-10-22", "2022-10-15", KST); err == nil {
		t.Error("reversed window accepted")
	}
	a, b := time.Date(2022, 10, 16, 0, 0, 0, 0, time.UTC), time.Date(2022, 10, 18, 0, 0, 0, 0, time.UTC)
	rows := []*schema.News{{PublishedAt: &a}, {PublishedAt: &b}, {}}
	if got := Cursor(rows, 48*time.Hour); !got.Equal(a) {
		t.Errorf("cursor %v", got)
	}
	if got := Cursor(nil, time.Hour); !got.IsZero() {
		t.Errorf("cursor of nothing %v", got)
	}
}

// The bundled recordings of the four news collectors, read the way the
// lake reads them: rows with one article_id must agree on what the
// article is, whichever collector wrote them.
func TestCollectorsAgree(t *testing.T) {
	type row struct {
		ArticleID, CanonicalURL, Outlet, Title, Lang, UTCOffset string
		PublishedAt                                             *time.Time
		SourceType                                              string
	}
	byID := map[string][]row{}
	for _, c := range []string{"rss", "gdelt", "navernews", "article"} {
		b, err := os.ReadFile("../../collectors/" + c + "/testdata/want.json")
		if err != nil {
			t.Fatal(err)
		}
		var rows []row
		if err := json.Unmarshal(b, &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			byID[r.ArticleID] = append(byID[r.ArticleID], r)
		}
	}
	shared := 0
	for id, rs := range byID {
		if len(rs) > 1 {
			shared++
		}
		for _, r := range rs[1:] {
			a, b := rs[0], r
			if a.CanonicalURL != b.CanonicalURL || a.Outlet != b.Outlet || a.Title != b.Title || a.Lang != b.Lang ||
				(a.PublishedAt == nil) != (b.PublishedAt == nil) || (a.PublishedAt != nil && !a.PublishedAt.Equal(*b.PublishedAt)) {
				t.Errorf("%s: %s and %s disagree:\n%+v\n%+v", id, a.SourceType, b.SourceType, a, b)
			}
		}
	}
	if len(byID) != 11 || shared != 4 {
		t.Errorf("%d distinct articles, %d in more than one collector; want 11 and 4", len(byID), shared)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Sat, 15 Oct 2022 16:02:00 +0900", "20221015T093000Z", "입력 2022.10.15 16:02",
		"2022-10-15", "기사입력 2022.10.15. 오후 4:02", "2022-10-15T16:02:00.123+09:00", "2022년 10월 15일 16시 02분"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, err := ParseDate(raw, FromFeed, KST)
		if err != nil {
			return
		}
		if d.At.Location() != time.UTC || d.At.Year() < 1990 || d.At.Year() > 2100 || len(d.Offset) != 6 {
			t.Fatalf("%q → %v %q", raw, d.At, d.Offset)
		}
	})
}

func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{"https://www.chosun.com/economy/industry-company/2022/10/15/CUBGG6Y75BHEZOLLGABKOS4T5A/?outputType=amp",
		"https://etnews.com/20221015000090?mc=cp_002_00003", "https://m.mt.co.kr/renew/view_amp.html?no=2022101716262598709",
		"http://www.newstomato.com/RealTime/RealTimeDetail.aspx?no=1153411", "https://x.kr/a?utm_source=a&b=%20#f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := CanonicalURL(raw)
		if err != nil {
			return
		}
		// Canonicalising is idempotent: the key of a key is itself.
		c2, err := CanonicalURL(c)
		if err != nil || c2 != c {
			t.Fatalf("%q → %q → %q (%v)", raw, c, c2, err)
		}
	})
}

func FuzzMatch(f *testing.F) {
	for _, s := range []string{"카카오T 먹통", "카카오페이지 결제", "KakaoTalk down after data center fire", "온라인 라인"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms, services := DefaultMatcher.Match(text)
		for _, l := range [][]string{terms, services} {
			for i := 1; i < len(l); i++ {
				if l[i-1] >= l[i] {
					t.Fatalf("not sorted and unique: %v", l)
				}
			}
		}
	})
}
