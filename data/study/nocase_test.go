package study

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// caseNames are the names of the default study's case, in Latin and in
// Hangul: its companies and their services (Kakao, KakaoTalk, Daum,
// Naver), the data centre and its operator (Pangyo, SK C&C), the panel
// vendors (IGAWorks, WiseApp), the country. A study is data
// (data/studies); Go and SQL outside tests must work for any platform and
// any outage, so none of these may appear there. ".kr" hosts are not the
// country code. "다음" (Daum) is left out: it is also the everyday word
// "next".
var caseNames = regexp.MustCompile(`(?i:kakao|naver|daum|pangyo|korea|igaworks|wiseapp|sk c&c|sk_cc)` +
	`|카카오|카톡|네이버|판교|에스케이씨앤씨|SK씨앤씨|한국|아이지에이웍스|와이즈앱` +
	`|(^|[^.\w/])KR\b`)

// allowed lists the only places that may name them, each with its reason.
// A path ending in "/" covers a folder.
var allowed = map[string]string{
	// Adapters whose subject is a named real site, vendor or language:
	// the name is what they read, not what gwanmun assumes.
	"ingest/collectors/navernews/":   "the Naver News Search API collector: Naver is the site it reads",
	"ingest/all/all.go":              "the registry lists the navernews collector by its name",
	"ingest/parse/krnum/":            "Korean-language number parsing",
	"ingest/parse/newspage/":         "the markup Korean news pages share",
	"ingest/parse/newsmatch/":        "Korean outlets' hosts and dates, Korean examples of alias matching; the terms themselves come from the study",
	"ingest/parse/taxonomy/":         "Korean category labels onto the taxonomy",
	"ingest/transport/":              "EUC-KR and its aliases, example.kr hosts, Naver API credential header names (redacted from archives)",
	"ingest/sites.go":                "example.kr hosts in the registrable-domain rule's comment",
	"analysis/service_platforms.sql": "name_ko is the schema's Korean-name column; the match basis names it",
	"analysis/report/static.go":      "font family names ('Noto Sans CJK KR')",
	"bench/":                         "benchmark and torture generators imitate the default study's data on purpose (synthetic ids, EUC-KR pages)",
}

func TestNoCaseInCode(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || strings.HasPrefix(name, ".") && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, ".sql")) || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		for prefix := range allowed {
			if rel == prefix || strings.HasSuffix(prefix, "/") && strings.HasPrefix(rel, prefix) {
				used[prefix] = true
				return nil
			}
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			if m := caseNames.FindString(sc.Text()); m != "" {
				t.Errorf("%s:%d names the default study's case (%q): move it into data/studies or a data file", rel, n, strings.TrimSpace(m))
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// An entry nothing needs any more is removed, so the list stays true.
	for prefix := range allowed {
		if !used[prefix] {
			t.Errorf("allowed entry %q matches no file", prefix)
		}
	}
}

// The pattern knows the case's names in both scripts and spares what is
// not the case (a .kr host, "다음" as "next", other companies).
func TestCaseNames(t *testing.T) {
	for line, want := range map[string]string{
		`"카카오 먹통"`:                     "카카오",
		`// 카톡 먹통`:                     "카톡",
		`"네이버 지도"`:                     "네이버",
		`"판교 데이터센터"`:                   "판교",
		`company = "Kakao Corp"`:       "Kakao",
		`"SK C&C Pangyo"`:              "SK C&C",
		`sk_cc_pangyo`:                 "sk_cc",
		`"한국 이용자"`:                     "한국",
		`"와이즈앱·리테일"`:                   "와이즈앱",
		`"IGAWorks Mobile Index"`:      "IGAWorks",
		`country = "KR"`:               `"KR`,
		`see https://example.kr/a`:     "",
		`"다음 페이지" (the next page)`:     "",
		`"라인 장애", "LINE outage"`:       "",
		`Asia/Tokyo, "JP", "Facebook"`: "",
	} {
		if got := caseNames.FindString(line); got != want {
			t.Errorf("%s: matched %q, want %q", line, got, want)
		}
	}
}
