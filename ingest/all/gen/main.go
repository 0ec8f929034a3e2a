// Command gen writes the files generated from the collectors' sample
// configs: the config block of each collector's README and the repository's
// sources.example.toml. Run it with `go generate ./ingest/all`; the tests
// of ingest/all fail while the committed files are out of date.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gwanmun/gwanmun/ingest/all"
)

func main() {
	if err := run(".."); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run writes below ingestDir, the ingest folder (go generate runs in ingest/all).
func run(ingestDir string) error {
	r := all.Registry()
	for _, n := range r.Names() {
		e, _ := r.Get(n)
		path := filepath.Join(ingestDir, "collectors", n, "README.md")
		old, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b, err := all.WithSample(old, e.Sample)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(ingestDir, "..", "sources.example.toml"), all.ExampleConfig(r), 0o644)
}
