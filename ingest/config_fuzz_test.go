package ingest

import (
	"os"
	"testing"
)

// FuzzParseConfig: any sources file either fails to parse or yields a
// config whose every source and politeness table can be read without a
// panic.
func FuzzParseConfig(f *testing.F) {
	if b, err := os.ReadFile("../sources.example.toml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("lake = \"data/lake\"\n[politeness]\ndelay = \"1s\"\n"))
	f.Add([]byte("[sources.seed]\nenabled = \"yes\"\n"))
	f.Add([]byte("[sources.x]\nurl = [1, 2]\n[sources.x.politeness]\ntimeout = 5\n"))
	f.Add([]byte("[sources.x.politeness]\nmax_retries = -1\ndelay = \"-1s\"\n"))
	f.Add([]byte("lake = \"../../etc\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			return
		}
		for name := range c.Sources {
			sc, err := c.Source(name)
			if err == nil {
				var v map[string]any
				_ = sc.Decode(&v)
			}
			_, _ = c.SourcePoliteness(name)
		}
	})
}
