package appranking

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Tables are the collector's data: how articles name apps (the alias
// table) and panels (the panel table). The defaults are the embedded
// aliases.csv and panels.csv; `aliases` and `panels` in the sources file
// name the user's own.
type Tables struct {
	aliases map[string]string // normalised app name → platform id
	panels  []panel
}

type panel struct {
	name, country string
	re            *regexp.Regexp
}

var (
	//go:embed aliases.csv
	aliasesCSV []byte
	//go:embed panels.csv
	panelsCSV []byte
)

// Default are the embedded tables.
var Default = mustTables()

func mustTables() *Tables {
	a, err := ParseAliases(aliasesCSV, "aliases.csv")
	if err != nil {
		panic(err) // embedded; TestDefaultTables reads it
	}
	p, err := ParsePanels(panelsCSV, "panels.csv")
	if err != nil {
		panic(err)
	}
	return &Tables{aliases: a, panels: p}
}

// WithFiles is t with the alias and panel tables the named files hold in
// place of its own; an empty name keeps t's.
func (t *Tables) WithFiles(aliases, panels string) (*Tables, error) {
	out := *t
	if aliases != "" {
		b, err := os.ReadFile(aliases)
		if err != nil {
			return nil, fmt.Errorf("alias table: %w", err)
		}
		if out.aliases, err = ParseAliases(b, aliases); err != nil {
			return nil, err
		}
	}
	if panels != "" {
		b, err := os.ReadFile(panels)
		if err != nil {
			return nil, fmt.Errorf("panel table: %w", err)
		}
		if out.panels, err = ParsePanels(b, panels); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

var (
	rePlatformID = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	reCountry    = regexp.MustCompile(`^([A-Z]{2}|WORLD)$`)
)

// ParseAliases reads an alias table: a CSV with exactly the header
// alias,platform_id ('#' starts a comment line). An alias is matched as
// PlatformID normalises names (lower case, no spaces, dots or middle dots,
// no trailing parenthetical), so "LINE Pay" and "linepay" are one alias;
// one written twice, an empty one or an id that is not a lake id is an
// error naming the file and line.
func ParseAliases(b []byte, name string) (map[string]string, error) {
	out := map[string]string{}
	line := map[string]int{}
	err := readCSV(b, name, []string{"alias", "platform_id"}, func(n int, f []string) error {
		key, id := normalise(f[0]), f[1]
		if key == "" {
			return fmt.Errorf("alias %q is empty once normalised", f[0])
		}
		if !rePlatformID.MatchString(id) {
			return fmt.Errorf("platform_id %q: want a lake id (a-z, 0-9, _)", id)
		}
		if prev, ok := line[key]; ok {
			return fmt.Errorf("alias %q is line %d's alias again", f[0], prev)
		}
		out[key], line[key] = id, n
		return nil
	})
	return out, err
}

// ParsePanels reads a panel table: a CSV with exactly the header
// panel,country,pattern; country is ISO 3166 alpha-2 or WORLD, pattern a
// Go regular expression.
func ParsePanels(b []byte, name string) ([]panel, error) {
	var out []panel
	err := readCSV(b, name, []string{"panel", "country", "pattern"}, func(n int, f []string) error {
		if strings.TrimSpace(f[0]) == "" {
			return errors.New("panel is empty")
		}
		if !reCountry.MatchString(f[1]) {
			return fmt.Errorf("country %q: want an ISO 3166 alpha-2 code or WORLD", f[1])
		}
		if f[2] == "" {
			return errors.New("pattern is empty")
		}
		re, err := regexp.Compile(f[2])
		if err != nil {
			return fmt.Errorf("pattern: %w", err)
		}
		if slices.ContainsFunc(out, func(p panel) bool { return p.name == f[0] }) {
			return fmt.Errorf("panel %q twice", f[0])
		}
		out = append(out, panel{f[0], f[1], re})
		return nil
	})
	return out, err
}

// readCSV checks the header and hands each record with its line to row;
// every error names file:line.
func readCSV(b []byte, name string, header []string, row func(line int, f []string) error) error {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	r.FieldsPerRecord = -1 // counted here, so that a wrong header is named as one
	first := true
	var errs []error
	rows := 0
	for {
		f, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s:%d: %w", name, pe.Line, pe.Err)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		if first {
			first = false
			if !slices.Equal(f, header) {
				return fmt.Errorf("%s:%d: header %q, want %q", name, line, strings.Join(f, ","), strings.Join(header, ","))
			}
			continue
		}
		rows++
		if len(f) != len(header) {
			errs = append(errs, fmt.Errorf("%s:%d: %d fields, want %d (%s)", name, line, len(f), len(header), strings.Join(header, ",")))
			continue
		}
		if err := row(line, f); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
		}
	}
	if first {
		return fmt.Errorf("%s: no header (want %q)", name, strings.Join(header, ","))
	}
	if rows == 0 && len(errs) == 0 {
		return fmt.Errorf("%s: no rows", name)
	}
	return errors.Join(errs...)
}

var parenthetical = regexp.MustCompile(`\s*[(（][^)）]*[)）]`)

func normalise(name string) string {
	key := strings.ToLower(parenthetical.ReplaceAllString(name, ""))
	return strings.NewReplacer(" ", "", "·", "", ".", "", "\u00a0", "").Replace(key)
}

// PlatformID looks an app name up in the alias table: "Facebook
// Messenger", "페이스북 메신저", "배달의민족(배민)".
func (t *Tables) PlatformID(name string) (string, bool) {
	id, ok := t.aliases[normalise(name)]
	return id, ok
}

// PlatformID looks an app name up in the default alias table.
func PlatformID(name string) (string, bool) { return Default.PlatformID(name) }

// panelOf names the panel the first text that mentions one cites, and the
// country whose users it counts.
func (t *Tables) panelOf(texts ...string) (panel, bool) {
	for _, s := range texts {
		for _, p := range t.panels {
			if p.re.MatchString(s) {
				return p, true
			}
		}
	}
	return panel{}, false
}
