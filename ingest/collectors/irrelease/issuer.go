package irrelease

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Issuer is the company whose IR prose the collector reads (issuer.toml).
type Issuer struct {
	Company     string `toml:"company"`
	Source      string `toml:"source"`
	Platform    string `toml:"platform"`
	HomeCountry string `toml:"home_country"`

	PlatformNames string `toml:"platform_names"`
	CompanyNames  string `toml:"company_names"`
	OtherNames    string `toml:"other_names"`
	PanelNames    string `toml:"panel_names"`

	rules []rule // the keyword rules with the issuer's names
}

//go:embed issuer.toml
var issuerTOML []byte

// DefaultIssuer is the embedded issuer.toml.
var DefaultIssuer = mustIssuer()

func mustIssuer() *Issuer {
	is, err := ParseIssuer(issuerTOML, "issuer.toml")
	if err != nil {
		panic(err) // embedded; the package's tests read it
	}
	return is
}

// LoadIssuer reads an issuer file from disk.
func LoadIssuer(file string) (*Issuer, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("issuer file: %w", err)
	}
	return ParseIssuer(b, file)
}

var (
	reLakeID  = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	reCountry = regexp.MustCompile(`^[A-Z]{2}$`)
)

// ParseIssuer decodes an issuer file strictly (an unknown or mistyped key
// is an error naming it, its line and column) and checks it: the names
// and ids present, the home country a code, every pattern a regular
// expression that matches something.
func ParseIssuer(b []byte, name string) (*Issuer, error) {
	var is Issuer
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&is); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) && len(sm.Errors) > 0 {
			e := sm.Errors[0]
			row, col := e.Position()
			return nil, fmt.Errorf("%s:%d:%d: unknown key %q", name, row, col, strings.Join(e.Key(), "."))
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, fmt.Errorf("%s:%d:%d: key %q: %w", name, row, col, strings.Join(de.Key(), "."), err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(name+": "+format, a...)) }
	if strings.TrimSpace(is.Company) == "" || strings.TrimSpace(is.Source) == "" {
		bad("company and source are required")
	}
	if !reLakeID.MatchString(is.Platform) {
		bad("platform %q: want a lake id (a-z, 0-9, _)", is.Platform)
	}
	if !reCountry.MatchString(is.HomeCountry) {
		bad("home_country %q: want an ISO 3166 alpha-2 code", is.HomeCountry)
	}
	compile := func(key, pattern string, required bool) *regexp.Regexp {
		if pattern == "" {
			if required {
				bad("%s is required", key)
			}
			return nil
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			bad("%s: %v", key, err)
			return nil
		}
		if re.MatchString("") {
			bad("%s %q matches the empty string", key, pattern)
			return nil
		}
		return re
	}
	platform := compile("platform_names", is.PlatformNames, true)
	company := compile("company_names", is.CompanyNames, true)
	other := compile("other_names", is.OtherNames, false)
	panels := compile("panel_names", is.PanelNames, false)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	is.rules = keywordRules(&is, platform, company, other, panels)
	return &is, nil
}
