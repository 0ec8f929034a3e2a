package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A typo in the sources file stops every command that reads it with exit 2
// and a message naming the key and its table, before anything is fetched.
func TestConfigTypoIsUsageError(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"[politeness]\ndealy = \"3s\"\n", `key "dealy" in [politeness]`},
		{"[sources.rsss]\nenabled = true\n", `key "rsss" in [sources]`},
		{"[sources.seed]\ndir = \"/no/such/folder\"\n", `key "dir" in [sources.seed]`},
		{"[sources.wikitable]\nschedule = 5\n", `key "schedule" in [sources.wikitable]`},
	} {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "sources.toml")
		if err := os.WriteFile(cfg, []byte(tc.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"ingest", "--source", "seed"}, {"sources"}} {
			code, _, stderr := runCLI(t, filepath.Join(dir, "lake"), append([]string{"--config", cfg}, args...)...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("%q with %v: exit %d, stderr %q; want exit %d naming %s", tc.doc, args, code, stderr, exitUsage, tc.want)
			}
		}
	}
}
