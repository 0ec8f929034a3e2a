package ingest

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Config is the sources file (see sources.example.toml): which collectors
// run, where they read, and how politely. Secrets never live here; a
// collector that needs an API key reads it from the environment.
type Config struct {
	Lake       string                    `toml:"lake"`
	Politeness Politeness                `toml:"politeness"`
	Sources    map[string]map[string]any `toml:"sources"`
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
	URLs     []string
	Schedule string
	raw      map[string]any
}

// Decode fills a collector's own config struct from its table; unknown keys
// are an error so a typo does not silently fall back to a default.
func (s SourceConfig) Decode(v any) error {
	b, err := toml.Marshal(s.raw)
	if err != nil {
		return fmt.Errorf("source %s: %w", s.Name, err)
	}
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("source %s config: %w", s.Name, err)
	}
	return nil
}

// LoadConfig reads a sources file.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read sources config: %w", err)
	}
	return ParseConfig(b)
}

// ParseConfig parses a sources file's bytes.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("parse sources config: %w", err)
	}
	return c, nil
}

// Source returns the config of one source; a source missing from the file
// is enabled with its defaults.
func (c Config) Source(name string) (SourceConfig, error) {
	sc := SourceConfig{Name: name, Enabled: true, raw: map[string]any{}}
	for k, v := range c.Sources[name] {
		switch k {
		case "enabled":
			b, ok := v.(bool)
			if !ok {
				return sc, fmt.Errorf("source %s: enabled must be true or false", name)
			}
			sc.Enabled = b
		case "url", "urls":
			switch u := v.(type) {
			case string:
				sc.URLs = []string{u}
			case []any:
				for _, x := range u {
					s, ok := x.(string)
					if !ok {
						return sc, fmt.Errorf("source %s: urls must be strings", name)
					}
					sc.URLs = append(sc.URLs, s)
				}
			default:
				return sc, fmt.Errorf("source %s: url must be a string or a list", name)
			}
		case "schedule":
			sc.Schedule, _ = v.(string)
		case "politeness":
			// read by the runner
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
	b, err := toml.Marshal(raw)
	if err != nil {
		return p, err
	}
	if err := toml.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("source %s politeness: %w", name, err)
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
