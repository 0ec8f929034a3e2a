package ingest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestExampleConfigParses(t *testing.T) {
	b, err := os.ReadFile("../sources.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Lake != "data/lake" || c.Politeness.Delay.Duration != time.Second || c.Politeness.MaxRetries != 4 {
		t.Fatalf("config = %+v", c)
	}
	sc, err := c.Source("seed")
	if err != nil || !sc.Enabled {
		t.Fatalf("seed source = %+v, %v", sc, err)
	}
}

func TestSourceOverridesAndUnknownKeys(t *testing.T) {
	c, err := ParseConfig([]byte(`
[politeness]
delay = "2s"
[sources.wiki]
enabled = false
url = ["https://mirror.example/a", "file:///tmp/b"]
table_class = "wikitable"
[sources.wiki.politeness]
delay = "10s"
`))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.Source("wiki")
	if err != nil || sc.Enabled || len(sc.URLs) != 2 {
		t.Fatalf("source = %+v, %v", sc, err)
	}
	var own struct {
		TableClass string `toml:"table_class"`
	}
	if err := sc.Decode(&own); err != nil || own.TableClass != "wikitable" {
		t.Fatalf("decode = %+v, %v", own, err)
	}
	var strict struct{}
	if err := sc.Decode(&strict); err == nil {
		t.Fatal("an unknown key must be an error, not a silent default")
	}
	p, err := c.SourcePoliteness("wiki")
	if err != nil || p.Delay.Duration != 10*time.Second {
		t.Fatalf("politeness = %+v, %v", p, err)
	}
	if _, err := ParseConfig([]byte("[politenes]\ndelay='1s'")); err == nil {
		t.Fatal("a misspelt table must be an error")
	}
}

func TestURLsOr(t *testing.T) {
	def := []string{"https://www.kakaocorp.com/page/service/service"}
	if got, err := (SourceConfig{Name: "s"}).URLsOr(def); err != nil || got[0] != def[0] {
		t.Fatalf("defaults: %v, %v", got, err)
	}
	mirror := SourceConfig{Name: "s", URLs: []string{"http://127.0.0.1:8080/copy.html"}}
	if got, err := mirror.URLsOr(def); err != nil || got[0] != mirror.URLs[0] {
		t.Fatalf("override: %v, %v", got, err)
	}
	for _, bad := range []string{"file:///etc/passwd", "/relative/page", "https://", "ftp://example.org/x"} {
		if _, err := (SourceConfig{Name: "s", URLs: []string{bad}}).URLsOr(def); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSourceTablesAreStrict(t *testing.T) {
	for doc, want := range map[string]string{
		"[sources.x]\nurl = \"https://a\"\nurls = [\"https://b\"]\n": `key "urls" in [sources.x]: give url or urls, not both`,
		"[sources.x]\nenabled = 1\n":                                 `key "enabled" in [sources.x]`,
		"[sources.x.politeness]\nmax_retries = \"4\"\n":              `key "max_retries" in [sources.x.politeness]`,
		"[sources]\nx = 3\n":                                         `key "x" in [sources]`,
	} {
		c, err := ParseConfig([]byte(doc))
		if err == nil {
			_, err = c.Source("x")
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want a ConfigError with %q", doc, err, want)
		}
	}
	c, err := ParseConfig([]byte("[sources.x.politeness]\ndelay = \"5s\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.SourcePoliteness("x"); err != nil || p.Delay.Duration != 5*time.Second {
		t.Fatalf("politeness %+v, %v", p, err)
	}
}

func TestCheckRejectsUnknownSources(t *testing.T) {
	r := NewRegistry()
	r.Add(Entry{Name: "known", New: func(sc SourceConfig) (Collector, error) { return stubCollector{}, sc.Decode(&struct{}{}) }})
	c, err := ParseConfig([]byte("[sources.known]\nenabled = false\n[sources.knwon]\nenabled = false\n"))
	if err != nil {
		t.Fatal(err)
	}
	var ce *ConfigError
	if err := c.Check(r); !errors.As(err, &ce) || ce.Key != "knwon" || ce.Table != "sources" {
		t.Fatalf("Check = %v", err)
	}
	c, _ = ParseConfig([]byte("[sources.known]\ntypo = 1\n"))
	if err := c.Check(r); !errors.As(err, &ce) || ce.Key != "typo" || ce.Table != "sources.known" {
		t.Fatalf("Check = %v", err)
	}
}

func TestArchiveDir(t *testing.T) {
	for _, tc := range []struct {
		name, toml, want string
	}{
		{"default: inside the lake", ``, "lake/archive"},
		{"relative to the config file", `archive = "data/archive"`, "conf/data/archive"},
		{"absolute", `archive = "/srv/warc"`, "/srv/warc"},
		{"opted out", `archive = "off"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tc.toml))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.ArchiveDir("conf", "lake"); got != tc.want {
				t.Fatalf("ArchiveDir = %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`archive = ""`, `archive = false`} {
		var ce *ConfigError
		if _, err := ParseConfig([]byte(bad)); !errors.As(err, &ce) || ce.Key != "archive" {
			t.Errorf("%s: err %v, want a ConfigError naming archive", bad, err)
		}
	}
}

type offlineCollector struct{}

func (offlineCollector) Info() Info                              { return Info{Name: "seedish", Kind: "compiled"} }
func (offlineCollector) Collect(context.Context, *Session) error { return nil }

func TestParallelismKey(t *testing.T) {
	c, err := ParseConfig([]byte("[sources.web]\nparallelism = 8\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc, err := c.Source("web"); err != nil || sc.Parallelism != 8 {
		t.Fatalf("Source = %+v, %v", sc, err)
	}
	if sc, _ := c.Source("other"); sc.Parallelism != 0 {
		t.Fatalf("default parallelism %d, want 0 (one per host)", sc.Parallelism)
	}
	for _, bad := range []string{"0", "65", "-1", `"8"`, "1.5"} {
		_, err := ParseConfig([]byte("[sources.web]\nparallelism = " + bad + "\n"))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Key != "parallelism" || ce.Table != "sources.web" {
			t.Errorf("parallelism = %s: err %v, want a ConfigError naming it", bad, err)
		}
	}
	// A source that fetches nothing has no use for it: an error, not ignored.
	r := NewRegistry()
	r.Add(Entry{Name: "web", New: func(sc SourceConfig) (Collector, error) { return stubCollector{}, sc.Decode(&struct{}{}) }})
	r.Add(Entry{Name: "seedish", New: func(sc SourceConfig) (Collector, error) { return offlineCollector{}, sc.Decode(&struct{}{}) }})
	c, _ = ParseConfig([]byte("[sources.web]\nparallelism = 4\n"))
	if err := c.Check(r); err != nil {
		t.Fatalf("Check = %v", err)
	}
	c, _ = ParseConfig([]byte("[sources.seedish]\nparallelism = 4\n"))
	var ce *ConfigError
	if err := c.Check(r); !errors.As(err, &ce) || ce.Key != "parallelism" {
		t.Fatalf("Check = %v, want an error naming parallelism", err)
	}
}
