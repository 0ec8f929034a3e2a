// Package all is the one list of collectors gwanmun knows, one line each.
package all

import (
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/seed"
)

// Registry returns every collector; the CLI receives it as a value.
func Registry() *ingest.Registry {
	r := ingest.NewRegistry()
	r.Add(seed.Entry())
	return r
}
