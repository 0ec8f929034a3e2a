package ingest

import (
	"fmt"
	"io/fs"
	"sort"
)

// Factory builds a collector from its section of the sources config. It
// validates the config and does no I/O.
type Factory func(cfg SourceConfig) (Collector, error)

// Entry is one registered collector.
type Entry struct {
	Name string
	New  Factory
	// Recording is the bundled recording the offline demo replays through
	// the collector (nil for collectors that need none, like the seed).
	Recording fs.FS
}

// Registry lists the collectors gwanmun knows. It is built explicitly in
// one place (ingest/all) and handed to the CLI as a value.
type Registry struct {
	entries map[string]Entry
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{entries: map[string]Entry{}} }

// Add registers a collector; a duplicate name is a programming error.
func (r *Registry) Add(e Entry) {
	if _, dup := r.entries[e.Name]; dup {
		panic(fmt.Sprintf("ingest: collector %q registered twice", e.Name))
	}
	r.entries[e.Name] = e
}

// Names returns the registered names, sorted, the seed first.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.entries))
	for n := range r.entries {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "seed") != (names[j] == "seed") {
			return names[i] == "seed"
		}
		return names[i] < names[j]
	})
	return names
}

// Get returns the entry for name.
func (r *Registry) Get(name string) (Entry, error) {
	e, ok := r.entries[name]
	if !ok {
		return Entry{}, fmt.Errorf("unknown source %q (known: %v)", name, r.Names())
	}
	return e, nil
}
