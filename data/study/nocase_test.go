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

// caseNames are the names of the default study's case: its companies,
// place, panel vendor, country. A study is data (data/studies); Go and
// SQL outside tests must work for any platform and any outage, so none of
// these may appear there. ".kr" hosts are not the country code.
var caseNames = regexp.MustCompile(`(?i:kakao|naver|pangyo|korea|igaworks|sk c&c)|(^|[^.\w/])KR\b`)

// allowed lists the only places that may name them, each with its reason.
// A path ending in "/" covers a folder.
var allowed = map[string]string{
	// Adapters whose subject is a named real site, vendor or language:
	// the name is what they read, not what gwanmun assumes.
	"ingest/collectors/navernews/":   "the Naver News Search API collector: Naver is the site it reads",
	"ingest/collectors/irrelease/":   "reads one company's IR prose (Kakao's); a new company brings its series through the file collector",
	"ingest/collectors/appranking/":  "reads the Korean panel vendors' (IGAWorks, WiseApp) ranking tables as Korean news print them",
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
