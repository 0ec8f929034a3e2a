package loginevidence

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/gwanmun/gwanmun/ingest/parse/taxonomy"
)

// Terms say what the collector looks for: the gateway building blocks a
// third party can depend on (targets) and the third parties it knows
// (parties). They are data: terms.toml is the default study's, and
// [sources.loginevidence] terms = "file.toml" names another.
type Terms struct {
	Targets []Target `toml:"target"`
	Parties []Party  `toml:"party"`
}

// Target is a gateway building block and the phrases that name it.
// Phrases are matched with spaces removed, so a phrase written with
// spaces matches the text written without them.
type Target struct {
	ID   string `toml:"id"`
	Kind string `toml:"kind"`
	// Gateway is the gateway whose services row the third party gets.
	Gateway string   `toml:"gateway"`
	Phrases []string `toml:"phrases"`
	// Not are longer words that contain a phrase but name something else.
	Not []string `toml:"not"`
}

// Party is a third-party service the press names, keyed to the id the
// seed loader gives it so the dependency graph joins.
type Party struct {
	ID     string `toml:"id"`
	NameKo string `toml:"name_ko"`
	NameEn string `toml:"name_en"`
	// Aliases are the names articles write, matched as words.
	Aliases []string `toml:"aliases"`
	// Category is the free-text label, mapped onto the taxonomy on load.
	Category string `toml:"category"`
	Provider string `toml:"provider"`

	category string // the taxonomy id
}

// edgeKinds are the dependency kinds a target may give.
var edgeKinds = map[string]bool{"login": true, "payment": true, "maps": true, "notification": true}

//go:embed terms.toml
var defaultTermsFile []byte

// DefaultTerms are terms.toml's.
var DefaultTerms = mustTerms(defaultTermsFile, "terms.toml")

func mustTerms(b []byte, name string) *Terms {
	t, err := ParseTerms(b, name)
	if err != nil {
		panic(err)
	}
	return t
}

// LoadTerms reads a terms file from disk.
func LoadTerms(file string) (*Terms, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("terms file: %w", err)
	}
	return ParseTerms(b, file)
}

// ParseTerms decodes a terms file strictly (an unknown key is an error
// naming it and its line) and checks it: ids, kinds, phrases and aliases
// present, ids unique, categories in the taxonomy.
func ParseTerms(b []byte, name string) (*Terms, error) {
	var t Terms
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) && len(sm.Errors) > 0 {
			e := sm.Errors[0]
			row, col := e.Position()
			return nil, fmt.Errorf("%s:%d:%d: unknown key %q", name, row, col, joinKey(e.Key()))
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, fmt.Errorf("%s:%d:%d: key %q: %w", name, row, col, joinKey(de.Key()), err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(name+": "+format, a...)) }
	if len(t.Targets) == 0 || len(t.Parties) == 0 {
		bad("want at least one [[target]] and one [[party]]")
	}
	seen := map[string]bool{}
	for i := range t.Targets {
		g := &t.Targets[i]
		if g.ID == "" || g.Gateway == "" || len(g.Phrases) == 0 {
			bad("target[%d]: id, gateway and phrases are required", i)
		}
		if !edgeKinds[g.Kind] {
			bad("target %s: kind %q: want login, payment, maps or notification", g.ID, g.Kind)
		}
		if seen["target "+g.ID] {
			bad("target %s twice", g.ID)
		}
		seen["target "+g.ID] = true
		for j, p := range g.Phrases {
			if g.Phrases[j] = squeeze(p); g.Phrases[j] == "" {
				bad("target %s: empty phrase", g.ID)
			}
		}
		for j := range g.Not {
			g.Not[j] = squeeze(g.Not[j])
		}
	}
	for i := range t.Parties {
		p := &t.Parties[i]
		if p.ID == "" || len(p.Aliases) == 0 {
			bad("party[%d]: id and aliases are required", i)
		}
		if seen["party "+p.ID] {
			bad("party %s twice", p.ID)
		}
		seen["party "+p.ID] = true
		for _, a := range p.Aliases {
			if a == "" {
				bad("party %s: empty alias", p.ID)
			}
		}
		cat, ok := taxonomy.Map(p.Category)
		if !ok {
			bad("party %s: category %q is not in the taxonomy", p.ID, p.Category)
		}
		p.category = cat
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &t, nil
}

func joinKey(k []string) string { return strings.Join(k, ".") }

func (t *Terms) party(id string) Party {
	for _, p := range t.Parties {
		if p.ID == id {
			return p
		}
	}
	return Party{ID: id}
}
