package study

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwanmun/gwanmun/data/studies"
)

var now = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

// Every shipped study loads, validates and names only known things.
func TestShippedStudies(t *testing.T) {
	names, err := Names(studies.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 2 {
		t.Fatalf("shipped studies %v, want the default and a second one", names)
	}
	for _, n := range names {
		s, err := Load(studies.FS, n, now)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if s.Incident == nil || len(s.News.Terms) == 0 {
			t.Errorf("%s: no incident or news terms", n)
		}
	}
}

func TestDefaultStudy(t *testing.T) {
	s := Default()
	inc := s.Incident
	if inc.ID != "2022-10-15-pangyo-fire" || inc.Root != "sk_cc_pangyo" {
		t.Fatalf("incident %s root %s", inc.ID, inc.Root)
	}
	// 15:19 KST on the 15th to 23:00 KST on the 20th.
	if got := inc.End.Sub(inc.Start); got != 127*time.Hour+41*time.Minute {
		t.Fatalf("outage lasted %v", got)
	}
	if got := len(s.News.Services); got != 35 {
		t.Fatalf("%d services in the alias table", got)
	}
}

const minimal = `name = "x"
title = "X"
[incident]
id = "x-1"
cause = "fire"
start = 2021-10-04T15:39:00Z
end = 2021-10-04T22:00:00Z
[incident.start_citation]
url = "https://example.org/a"
title = "A"
publisher = "P"
accessed = "2024-01-02"
[incident.end_citation]
document = "Annual report 2021, p. 3"
title = "B"
publisher = "P"
accessed = "2024-01-02"
[news]
terms = ["x outage"]
[report]
sections = ["outage_gantt"]
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"ok", minimal, ""},
		{"unknown key", strings.Replace(minimal, `cause = "fire"`, `casue = "fire"`, 1),
			`x/study.toml:5:1: unknown key "incident.casue"`},
		{"unknown table", minimal + "[reprot]\nsections = []\n", `unknown key "reprot"`},
		{"wrong type", strings.Replace(minimal, `terms = ["x outage"]`, `terms = "x outage"`, 1), `x/study.toml:19:9: key "news.terms"`},
		{"citation incomplete", strings.Replace(minimal, `publisher = "P"`+"\n"+`accessed = "2024-01-02"`, ``, 1),
			"incident.start_citation: citation lacks publisher, accessed"},
		{"accessed in the future", strings.Replace(minimal, `accessed = "2024-01-02"`, `accessed = "2027-01-02"`, 1),
			"accessed 2027-01-02 is in the future"},
		{"end before start", strings.Replace(minimal, "end = 2021-10-04T22:00:00Z", "end = 2021-10-04T10:00:00Z", 1),
			"is not before end"},
		{"end in the future", strings.Replace(minimal, "end = 2021-10-04T22:00:00Z", "end = 2027-10-04T10:00:00Z", 1),
			"is in the future"},
		{"no terms", strings.Replace(minimal, `terms = ["x outage"]`, `terms = []`, 1), "news.terms is empty"},
		{"search queries misspelt", strings.Replace(minimal, "[news]\n", "[news]\nsearch_query = [\"x\"]\n", 1),
			`x/study.toml:19:1: unknown key "news.search_query"`},
		{"search query empty", strings.Replace(minimal, "[news]\n", "[news]\nsearch_queries = [\"x\", \" \"]\n", 1),
			"news.search_queries: empty query"},
		{"search query twice", strings.Replace(minimal, "[news]\n", "[news]\nsearch_queries = [\"x\", \"x\"]\n", 1),
			`news.search_queries: "x" twice`},
		{"login node key misspelt", minimal + "[analysis]\n[[analysis.login_nodes]]\ngateway = \"g\"\nnod = \"g_login\"\n",
			`unknown key "analysis.login_nodes.nod"`},
		{"login node without node", minimal + "[analysis]\nlogin_nodes = [{ gateway = \"g\" }]\n",
			"analysis.login_nodes[0]: gateway and node are required"},
		{"login node not an id", minimal + "[analysis]\nlogin_nodes = [{ gateway = \"g\", node = \"a:b\" }]\n",
			`node "a:b" must be ids`},
		{"name mismatch", strings.Replace(minimal, `name = "x"`, `name = "y"`, 1), `does not match its folder "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"x/study.toml": {Data: []byte(tt.file)}}
			s, err := Load(fsys, "x", now)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if s.Incident.NewsFrom != s.Incident.Start || s.Incident.NewsTo != s.Incident.End {
					t.Fatalf("news window not defaulted to the outage: %v..%v", s.Incident.NewsFrom, s.Incident.NewsTo)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// A one-query-per-request search sends the study's search_queries, or its
// terms when it lists none.
func TestSearchTerms(t *testing.T) {
	if got, want := Default().News.SearchTerms(), []string{"카카오 먹통", "데이터센터 화재"}; !slices.Equal(got, want) {
		t.Errorf("default study: %q, want %q", got, want)
	}
	s, err := Parse([]byte(minimal), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.News.SearchTerms(); !slices.Equal(got, []string{"x outage"}) {
		t.Errorf("no search_queries: %q, want the terms", got)
	}
	s, err = Parse([]byte(strings.Replace(minimal, "[news]\n", "[news]\nsearch_queries = [\"x down\", \"x fire\"]\n", 1)), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.News.SearchTerms(); !slices.Equal(got, []string{"x down", "x fire"}) {
		t.Errorf("search_queries: %q", got)
	}
}

func TestCheckSections(t *testing.T) {
	s := &Study{Name: "x", Report: Report{Sections: []string{"hhi", "gantt"}}}
	err := s.CheckSections([]string{"hhi", "outage_gantt"})
	if err == nil || !strings.Contains(err.Error(), `"gantt"`) {
		t.Fatalf("got %v", err)
	}
}

// The default study's login nodes reach the lockin analysis as one
// parameter value, in the study's order.
func TestLoginNodesParam(t *testing.T) {
	fsys := fstest.MapFS{"x/study.toml": {Data: []byte(minimal + "[analysis]\n" +
		`login_nodes = [{ gateway = "g", node = "g_login" }, { gateway = "h", node = "h_id" }]` + "\n")}}
	s, err := Load(fsys, "x", now)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Analysis.LoginNodesParam(); got != "g:g_login,h:h_id" {
		t.Fatalf("login nodes %q", got)
	}
	if got := Default().Analysis.LoginNodesParam(); got != "kakao:kakao_login,kakaotalk:kakao_login,naver:naver_login,naver:naver_id" {
		t.Fatalf("default study's login nodes %q", got)
	}
}
