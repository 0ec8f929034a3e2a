package ingest

import (
	"fmt"
	"io/fs"

	"github.com/pelletier/go-toml/v2"
)

// SampleURLs returns the `urls` of the [sources.NAME] table in a
// collector's embedded sample.toml: the pages it reads when the sources
// file names none, which are the pages its bundled recording holds. The
// pages a study cites live in data, so Go names none. A sample without
// urls is a programming error that the collector's first test catches.
func SampleURLs(files fs.FS, name string) []string {
	b, err := fs.ReadFile(files, SampleFile)
	if err != nil {
		panic(fmt.Sprintf("ingest: collector %s: %v", name, err))
	}
	var smp struct {
		Sources map[string]struct {
			URLs []string `toml:"urls"`
		} `toml:"sources"`
	}
	if err := toml.Unmarshal(b, &smp); err != nil {
		panic(fmt.Sprintf("ingest: collector %s: %s: %v", name, SampleFile, err))
	}
	urls := smp.Sources[name].URLs
	if len(urls) == 0 {
		panic(fmt.Sprintf("ingest: collector %s: %s: no urls in [sources.%s]", name, SampleFile, name))
	}
	return urls
}
