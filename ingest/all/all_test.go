package all

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

const collectorsDir = "../collectors"

// TestCollectorShape is the plugin-shape test: every registered collector
// has the same parts in its own folder, and every folder is registered.
func TestCollectorShape(t *testing.T) {
	r := Registry()
	registered := map[string]bool{}
	for _, n := range r.Names() {
		registered[n] = true
		e, _ := r.Get(n)
		t.Run(n, func(t *testing.T) {
			dir := filepath.Join(collectorsDir, n)
			for _, part := range []string{n + ".go", n + "_test.go", "README.md", ingest.SampleFile, recordtest.Want, "testdata/README.md"} {
				if _, err := os.Stat(filepath.Join(dir, part)); err != nil {
					t.Errorf("missing %s", part)
				}
			}
			if !hasFuzzTarget(t, dir) {
				t.Error("no Fuzz target in its tests")
			}
			c := newDefault(t, e)
			if c.Info().Name != n {
				t.Errorf("Info().Name = %q", c.Info().Name)
			}
			if c.Info().Kind != "web" {
				return
			}
			// A web collector bundles the recording its tests replay, made
			// from the pages in testdata/pages.
			if _, err := os.Stat(filepath.Join(dir, recordtest.PagesDir)); err != nil {
				t.Errorf("missing %s", recordtest.PagesDir)
			}
			t.Chdir(dir)
			recordtest.CheckEntry(t, e, n)
		})
	}
	folders, err := os.ReadDir(collectorsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range folders {
		if f.IsDir() && !registered[f.Name()] {
			t.Errorf("%s/%s is not registered in all.go", collectorsDir, f.Name())
		}
	}
}

var fuzzTarget = regexp.MustCompile(`(?m)^func Fuzz\w*\(f \*testing\.F\)`)

func hasFuzzTarget(t *testing.T, dir string) bool {
	t.Helper()
	tests, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tests {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if fuzzTarget.Match(b) {
			return true
		}
	}
	return false
}

func newDefault(t *testing.T, e ingest.Entry) ingest.Collector {
	t.Helper()
	sc, err := ingest.Config{}.Source(e.Name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.New(sc)
	if err != nil {
		t.Fatalf("%s with its defaults: %v", e.Name, err)
	}
	return c
}

// TestSamples parses each collector's sample.toml with the strict config
// decoder, builds the collector from it, and checks that the sample shows
// the defaults: it builds a collector that acts as the default one.
func TestSamples(t *testing.T) {
	r := Registry()
	for _, n := range r.Names() {
		e, _ := r.Get(n)
		t.Run(n, func(t *testing.T) {
			cfg, err := ingest.ParseConfig(e.Sample)
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Check(r); err != nil {
				t.Fatal(err)
			}
			if len(cfg.Sources) != 1 || cfg.Sources[n] == nil || cfg.Lake != "" || !reflect.ValueOf(cfg.Politeness).IsZero() {
				t.Fatalf("sample.toml must hold its [sources.%s] table and nothing else: %+v", n, cfg)
			}
			sc, err := cfg.Source(n)
			if err != nil {
				t.Fatal(err)
			}
			c, err := e.New(sc)
			if err != nil {
				t.Fatal(err)
			}
			def := newDefault(t, e)
			got, want := c.Info(), def.Info()
			if want.Kind == "file" {
				// The file collector has nothing to read by default; its
				// sample shows one cited file instead, which must build.
				got.Datasets, got.URL = want.Datasets, want.URL
			}
			if !reflect.DeepEqual(got, want) || !sc.Enabled {
				t.Errorf("the sample's collector differs from the default one:\n got %+v\nwant %+v", got, want)
			}
			if c.Info().Kind != "web" {
				return
			}
			// What the settings do shows in the rows: replaying the bundled
			// recording through both gives the same ones.
			t.Chdir(filepath.Join(collectorsDir, n))
			var rec recordtest.Recording
			recordtest.EqualRows(t, rec.Rows(t, c), rec.Rows(t, def))
		})
	}
}

// TestGeneratedFiles fails while sources.example.toml or a collector's
// README config block differs from what `go generate ./ingest/all` writes.
func TestGeneratedFiles(t *testing.T) {
	r := Registry()
	check := func(path string, want []byte) {
		t.Helper()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go generate ./ingest/all", path)
		}
	}
	check("../../sources.example.toml", ExampleConfig(r))
	for _, n := range r.Names() {
		e, _ := r.Get(n)
		path := filepath.Join(collectorsDir, n, "README.md")
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := WithSample(old, e.Sample)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		check(path, want)
	}
	cfg, err := ingest.ParseConfig(ExampleConfig(r))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Check(r); err != nil {
		t.Fatal(err)
	}
}

// TestStrictConfig: a typo anywhere in a sources file is an error naming
// the key and its table, whichever sources a run selects.
func TestStrictConfig(t *testing.T) {
	r := Registry()
	for _, tc := range []struct{ name, doc, want string }{
		{"politeness typo", "[politeness]\ndealy = \"3s\"\n", `key "dealy" in [politeness]: unknown key`},
		{"source politeness typo", "[sources.rss.politeness]\ndealy = \"3s\"\n", `key "dealy" in [sources.rss.politeness]: unknown key`},
		{"unknown source", "[sources.rsss]\nenabled = true\n", `key "rsss" in [sources]: no such source`},
		{"schedule", "[sources.wikitable]\nschedule = 5\n", `key "schedule" in [sources.wikitable]`},
		{"collector key typo", "[sources.rss]\nkeeep = \"all\"\n", `key "keeep" in [sources.rss]: unknown key`},
		{"collector key type", "[sources.gdelt]\nmax_records = \"many\"\n", `key "max_records" in [sources.gdelt]`},
		{"seed dir is gone", "[sources.seed]\ndir = \"/tmp/myseed\"\n", `key "dir" in [sources.seed]: unknown key`},
		{"enabled type", "[sources.seed]\nenabled = \"yes\"\n", `key "enabled" in [sources.seed]: want true or false`},
		{"url type", "[sources.article]\nurls = [1]\n", `key "urls" in [sources.article]: want URL strings`},
		{"delay type", "[politeness]\ndelay = 3\n", `key "delay" in [politeness]: want a duration string`},
		{"bad duration", "[politeness]\ntimeout = \"3 s\"\n", `key "timeout" in [politeness]`},
		{"unknown table", "[politenes]\ndelay = \"1s\"\n", `key "politenes": unknown key`},
		{"lake type", "lake = 3\n", `key "lake": want a string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ingest.ParseConfig([]byte(tc.doc))
			if err == nil {
				err = cfg.Check(r)
			}
			var ce *ingest.ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a ConfigError containing %q", err, tc.want)
			}
		})
	}
}
