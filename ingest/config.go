package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/gwanmun/gwanmun/ingest/transport"
)

// Config is the sources file (see sources.example.toml): which collectors
// run, where they read, and how politely. Secrets never live here; a
// collector that needs an API key reads it from the environment.
type Config struct {
	Lake string `toml:"lake"`
	// Archive is the folder live runs archive every exchange to (WARC), so
	// a live number can be re-parsed and shown as fetched: empty means
	// DefaultArchive under the lake, ArchiveOff opts out.
	Archive    string                    `toml:"archive"`
	Politeness Politeness                `toml:"politeness"`
	Sources    map[string]map[string]any `toml:"sources"`
	// Iceberg is where the lake's Iceberg tables are registered
	// (data/iceberg checks the values).
	Iceberg IcebergConfig `toml:"iceberg"`
}

// IcebergConfig is the [iceberg] table.
type IcebergConfig struct {
	Catalog    string `toml:"catalog"`
	Warehouse  string `toml:"warehouse"`
	S3Endpoint string `toml:"s3_endpoint"`
	S3Region   string `toml:"s3_region"`
	Enabled    *bool  `toml:"enabled"`
}

// icebergKeys are the keys of the [iceberg] table and their checks.
var icebergKeys = map[string]func(any) error{
	"catalog":     func(v any) error { return want[string](v, "a string") },
	"warehouse":   func(v any) error { return want[string](v, "a string") },
	"s3_endpoint": func(v any) error { return want[string](v, "a string") },
	"s3_region":   func(v any) error { return want[string](v, "a string") },
	"enabled":     func(v any) error { return want[bool](v, "true or false") },
}

func checkIceberg(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return errors.New("want a table [iceberg]")
	}
	for k, x := range m {
		check, ok := icebergKeys[k]
		if !ok {
			return &ConfigError{Table: "iceberg", Key: k, Err: errUnknown}
		}
		if err := check(x); err != nil {
			return &ConfigError{Table: "iceberg", Key: k, Err: err}
		}
	}
	return nil
}

// Politeness are the defaults every web collector gets; a source may
// override any of them in its own [sources.NAME.politeness] table.
type Politeness struct {
	UserAgent     string   `toml:"user_agent"`
	Delay         Duration `toml:"delay"`
	MaxRetries    int      `toml:"max_retries"`
	MaxBodyBytes  int64    `toml:"max_body_bytes"`
	Timeout       Duration `toml:"timeout"`
	RespectRobots *bool    `toml:"respect_robots"`
}

// DefaultArchive is the archive folder, inside the lake, when the config
// names none; ArchiveOff in the config (or --no-archive) turns archiving
// off, which then has to be said, never assumed.
const (
	DefaultArchive = "archive"
	ArchiveOff     = "off"
)

// ArchiveDir is where a live run archives its exchanges: the config's
// archive folder (relative to base, the config file's folder), else
// DefaultArchive inside lake; "" when the config turns archiving off.
func (c Config) ArchiveDir(base, lake string) string {
	switch {
	case c.Archive == ArchiveOff:
		return ""
	case c.Archive == "":
		return filepath.Join(lake, DefaultArchive)
	case filepath.IsAbs(c.Archive):
		return c.Archive
	}
	return filepath.Join(base, c.Archive)
}

// Duration reads "1s", "500ms" from TOML.
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: %w", b, err)
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// SourceConfig is one [sources.NAME] table.
type SourceConfig struct {
	Name    string
	Enabled bool
	// URL overrides the collector's default source URL(s), so a researcher
	// can point it at a mirror or a local copy.
	URLs []string
	// Parallelism is how many requests a web source may have in flight to
	// one host at once (`parallelism`, 1 to 64); 0 means the polite one.
	// Raise it only for hosts that allow it: a loopback site, an API with
	// a stated rate. The per-server delay applies either way.
	Parallelism int
	raw         map[string]any
}

// ConfigError is a sources file that names a key or table gwanmun does not
// know, or gives a key a value of the wrong type. The CLI exits 2 on it.
type ConfigError struct {
	Table string // "politeness", "sources.rss"; empty for the top level
	Key   string
	Err   error
}

func (e *ConfigError) Error() string {
	where := fmt.Sprintf("key %q", e.Key)
	if e.Table != "" {
		where += fmt.Sprintf(" in [%s]", e.Table)
	}
	return fmt.Sprintf("sources config: %s: %v", where, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

var errUnknown = errors.New("unknown key (a typo?)")

// Decode fills a collector's own config struct from its table; an unknown
// key or a wrong type is a ConfigError naming it, so a typo does not
// silently fall back to a default.
func (s SourceConfig) Decode(v any) error {
	table := "sources." + s.Name
	b, err := toml.Marshal(s.raw)
	if err != nil {
		return fmt.Errorf("[%s]: %w", table, err)
	}
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describe(table, err)
	}
	return nil
}

// describe turns a strict decoder's error into a ConfigError naming the
// first offending key and its table.
func describe(table string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		return &ConfigError{Table: table, Key: strings.Join(strict.Errors[0].Key(), "."), Err: errUnknown}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) && len(de.Key()) > 0 {
		return &ConfigError{Table: table, Key: strings.Join(de.Key(), "."), Err: errors.New(strings.TrimPrefix(de.Error(), "toml: "))}
	}
	return fmt.Errorf("[%s]: %w", table, err)
}

// LoadConfig reads a sources file.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read sources config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses a sources file's bytes. Every key it knows is checked
// here, each [sources.NAME] table's shared keys included; a collector's own
// keys are checked by its constructor and source names by Check.
func ParseConfig(b []byte) (Config, error) {
	var doc map[string]any
	if err := toml.Unmarshal(b, &doc); err != nil {
		return Config{}, fmt.Errorf("parse sources config: %w", err)
	}
	for k, v := range doc {
		var err error
		switch k {
		case "lake":
			err = want[string](v, "a string")
		case "archive":
			if err = want[string](v, "a string"); err == nil && v == "" {
				err = fmt.Errorf("empty: leave the key out for the default (%s under the lake) or write %q", DefaultArchive, ArchiveOff)
			}
		case "politeness":
			err = checkPoliteness("politeness", v)
		case "sources":
			err = checkSources(v)
		case "iceberg":
			err = checkIceberg(v)
		default:
			err = &ConfigError{Key: k, Err: errUnknown}
		}
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				err = &ConfigError{Key: k, Err: err}
			}
			return Config{}, err
		}
	}
	var c Config
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, describe("", err)
	}
	return c, nil
}

// politenessKeys are the keys of a politeness table and their checks.
var politenessKeys = map[string]func(any) error{
	"user_agent":     func(v any) error { return want[string](v, "a string") },
	"delay":          checkDuration,
	"timeout":        checkDuration,
	"max_retries":    func(v any) error { return want[int64](v, "a whole number") },
	"max_body_bytes": func(v any) error { return want[int64](v, "a whole number") },
	"respect_robots": func(v any) error { return want[bool](v, "true or false") },
}

func checkPoliteness(table string, v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("want a table [%s]", table)
	}
	for k, x := range m {
		check, ok := politenessKeys[k]
		if !ok {
			return &ConfigError{Table: table, Key: k, Err: errUnknown}
		}
		if err := check(x); err != nil {
			return &ConfigError{Table: table, Key: k, Err: err}
		}
	}
	return nil
}

func checkDuration(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a duration string such as \"1s\", got %v", v)
	}
	_, err := time.ParseDuration(s)
	return err
}

// checkSources checks the keys every [sources.NAME] table shares; the
// rest belong to the collector.
func checkSources(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return errors.New("want a table of [sources.NAME] tables")
	}
	for name, t := range m {
		table := "sources." + name
		src, ok := t.(map[string]any)
		if !ok {
			return &ConfigError{Table: "sources", Key: name, Err: fmt.Errorf("want a table [%s]", table)}
		}
		for k, x := range src {
			var err error
			switch k {
			case "enabled":
				err = want[bool](x, "true or false")
			case "url", "urls":
				_, err = urlList(x)
			case "parallelism":
				_, err = parallelismOf(x)
			case "politeness":
				err = checkPoliteness(table+".politeness", x)
			case "schedule":
				err = errors.New("a source has no schedule of its own: run `gwanmun ingest` from cron, or `gwanmun schedule --cron`")
			}
			if err != nil {
				var ce *ConfigError
				if !errors.As(err, &ce) {
					err = &ConfigError{Table: table, Key: k, Err: err}
				}
				return err
			}
		}
	}
	return nil
}

// want checks v's TOML type.
func want[T any](v any, what string) error {
	if _, ok := v.(T); !ok {
		return fmt.Errorf("want %s, got %v", what, v)
	}
	return nil
}

func parallelismOf(v any) (int, error) {
	n, ok := v.(int64)
	if !ok || n < 1 || n > transport.MaxParallelism {
		return 0, fmt.Errorf("want a whole number of requests per host from 1 to %d, got %v", transport.MaxParallelism, v)
	}
	return int(n), nil
}

func urlList(v any) ([]string, error) {
	switch u := v.(type) {
	case string:
		return []string{u}, nil
	case []any:
		out := make([]string, 0, len(u))
		for _, x := range u {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("want URL strings, got %v", x)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a URL string or a list of them, got %v", v)
}

// Check fails on a [sources.NAME] table for a collector r does not know,
// and builds every configured collector (which decodes its table strictly
// and does no I/O), so a typo fails the run before anything is fetched,
// whichever sources it selects.
func (c Config) Check(r *Registry) error {
	names := make([]string, 0, len(c.Sources))
	for n := range c.Sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		e, err := r.Get(n)
		if err != nil {
			return &ConfigError{Table: "sources", Key: n, Err: fmt.Errorf("no such source (known: %s)", strings.Join(r.Names(), ", "))}
		}
		sc, err := c.Source(n)
		if err != nil {
			return err
		}
		col, err := e.New(sc)
		if err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) {
				return err
			}
			return fmt.Errorf("[sources.%s]: %w", n, err)
		}
		if sc.Parallelism > 0 && col.Info().Kind != "web" {
			return &ConfigError{Table: "sources." + n, Key: "parallelism", Err: errors.New("only web sources fetch pages")}
		}
	}
	return nil
}

// Source returns the config of one source; a source missing from the file
// is enabled with its defaults.
func (c Config) Source(name string) (SourceConfig, error) {
	sc := SourceConfig{Name: name, Enabled: true, raw: map[string]any{}}
	table := "sources." + name
	_, url := c.Sources[name]["url"]
	if _, urls := c.Sources[name]["urls"]; url && urls {
		return sc, &ConfigError{Table: table, Key: "urls", Err: errors.New("give url or urls, not both")}
	}
	for k, v := range c.Sources[name] {
		switch k {
		case "enabled":
			b, ok := v.(bool)
			if !ok {
				return sc, &ConfigError{Table: table, Key: k, Err: errors.New("want true or false")}
			}
			sc.Enabled = b
		case "url", "urls":
			urls, err := urlList(v)
			if err != nil {
				return sc, &ConfigError{Table: table, Key: k, Err: err}
			}
			sc.URLs = urls
		case "parallelism":
			n, err := parallelismOf(v)
			if err != nil {
				return sc, &ConfigError{Table: table, Key: k, Err: err}
			}
			sc.Parallelism = n
		case "politeness":
			// read by SourcePoliteness
		default:
			sc.raw[k] = v
		}
	}
	return sc, nil
}

// SourcePoliteness merges a source's politeness overrides into the defaults.
func (c Config) SourcePoliteness(name string) (Politeness, error) {
	p := c.Politeness
	raw, ok := c.Sources[name]["politeness"]
	if !ok {
		return p, nil
	}
	table := "sources." + name + ".politeness"
	if err := checkPoliteness(table, raw); err != nil {
		return p, err
	}
	b, err := toml.Marshal(raw)
	if err != nil {
		return p, fmt.Errorf("[%s]: %w", table, err)
	}
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, describe(table, err)
	}
	return p, nil
}

// URLsOr returns the source's URL overrides, or defaults when it has none,
// each checked to be an absolute http(s) URL before any request is made.
func (s SourceConfig) URLsOr(defaults []string) ([]string, error) {
	urls := defaults
	if len(s.URLs) > 0 {
		urls = s.URLs
	}
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("source %s: url %q: want an absolute http(s) URL", s.Name, u)
		}
	}
	return urls, nil
}

// EndpointOr is URLsOr for an API collector: one URL override at most (a
// mirror of the endpoint), else def.
func (s SourceConfig) EndpointOr(def string) (string, error) {
	if len(s.URLs) > 1 {
		return "", fmt.Errorf("source %s: one url (the API endpoint) at most, got %d", s.Name, len(s.URLs))
	}
	urls, err := s.URLsOr([]string{def})
	if err != nil {
		return "", err
	}
	return urls[0], nil
}
