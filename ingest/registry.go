package ingest

import (
	"fmt"
	"io/fs"
	"path"
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
	// Sample is the collector's sample.toml: its [sources.NAME] table with
	// every key and its default, the source of the README block and of
	// sources.example.toml.
	Sample []byte
}

// Files the entry helper reads from a collector's embedded files.
const (
	SampleFile    = "sample.toml"
	RecordingFile = "testdata/recording.warc.gz"
)

// NewEntry builds a collector's entry from its embedded files: its
// sample.toml and, for a web collector, testdata/recording.warc.gz. A
// missing sample is a programming error, caught by the first test.
func NewEntry(name string, f Factory, files fs.FS) Entry {
	sample, err := fs.ReadFile(files, SampleFile)
	if err != nil {
		panic(fmt.Sprintf("ingest: collector %s: %v", name, err))
	}
	e := Entry{Name: name, New: f, Sample: sample}
	if _, err := fs.Stat(files, RecordingFile); err == nil {
		if e.Recording, err = fs.Sub(files, path.Dir(RecordingFile)); err != nil {
			panic(err)
		}
	}
	return e
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
