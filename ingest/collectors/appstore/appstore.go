// Package appstore collects the apps one publisher lists on its Google
// Play developer page: one services row per app, with entry point "app".
// Which pages, which gateway each developer's apps belong to and the
// curated app table are data (sample.toml, apps.csv).
package appstore

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"github.com/pelletier/go-toml/v2"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/taxonomy"
)

// Name is the collector's name in the registry and the sources file.
const Name = "appstore"

// Version changes when the rows parsed from the same page change.
const Version = "1.0.0"

// sample is the embedded sample.toml's table: the defaults.
type sample struct {
	Sources map[string]struct {
		URLs []string `toml:"urls"`
		Config
	} `toml:"sources"`
}

// defaults reads the real developer pages and their gateways from the
// embedded sample.toml; its test parses it.
func defaults() ([]string, map[string]string) {
	b, err := files.ReadFile("sample.toml")
	if err != nil {
		panic(err)
	}
	var smp sample
	if err := toml.Unmarshal(b, &smp); err != nil {
		panic(fmt.Sprintf("appstore: sample.toml: %v", err))
	}
	return smp.Sources[Name].URLs, smp.Sources[Name].Gateways
}

// DefaultURLs are the real Google Play developer pages, and
// DefaultGateways the gateway whose services each developer's apps are,
// keyed by the developer name as the store shows it (sample.toml).
var DefaultURLs, DefaultGateways = defaults()

// Config is the [sources.appstore] table.
type Config struct {
	// Gateways adds or replaces developer → gateway id entries.
	Gateways map[string]string `toml:"gateways"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// New validates the config; it does no I/O.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	gateways := maps.Clone(DefaultGateways)
	info := ingest.Info{
		Name: Name, Version: Version, Kind: "web", Datasets: []string{"services"},
		Description: "apps on Google Play developer pages of gateway companies",
	}
	col, err := ingest.NewPageCollector(cfg, &c, info, DefaultURLs, func(f *ingest.Fetched) (ingest.Page, error) {
		page, err := ParsePage(f.Body)
		if err != nil {
			return ingest.Page{}, err
		}
		gateway, ok := gateways[page.Developer]
		if !ok {
			return ingest.Page{}, fmt.Errorf("developer %q has no gateway (set [sources.%s.gateways])", page.Developer, Name)
		}
		rows, problems := page.Rows(gateway, f.Prov(page.Title))
		return ingest.Page{Rows: ingest.RowsOf(rows), Problems: problems}, nil
	})
	if err != nil {
		return nil, err
	}
	for dev, g := range c.Gateways {
		if strings.TrimSpace(dev) == "" || !slugRE.MatchString(g) {
			return nil, fmt.Errorf("source %s: gateway for developer %q is %q: want a lowercase slug like my_gateway", cfg.Name, dev, g)
		}
		gateways[dev] = g
	}
	return col, nil
}

// files are the collector's sample config and the recording `make demo`
// replays (see testdata/README.md).
//
//go:embed sample.toml testdata/recording.warc.gz
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

// App is one app card.
type App struct {
	Package   string // the id= of the details link, e.g. com.example.app
	Title     string
	Developer string
	Category  string // the store's genre label, when the card shows one
}

// Page is a developer page.
type Page struct {
	Title     string
	Developer string
	Apps      []App
}

// ErrNoApps means the page has no app card (no details?id= link).
var ErrNoApps = errors.New("no app cards found (no link to /store/apps/details?id=)")

var titleRE = regexp.MustCompile(`^Android Apps by (.+) on Google Play$`)

// ParsePage reads a Google Play developer page. Play's class names are
// generated and change, so cards are found by their details link; the
// title and developer spans are read by class with plainer fallbacks.
func ParsePage(body []byte) (Page, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return Page{}, fmt.Errorf("read html: %w", err)
	}
	p := Page{Title: clean(doc.Find("title").First().Text())}
	if m := titleRE.FindStringSubmatch(p.Title); m != nil {
		p.Developer = m[1]
	} else {
		p.Developer = clean(doc.Find("h1").First().Text())
	}
	seen := map[string]bool{}
	doc.Find(`a[href*="/store/apps/details?id="]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, err := url.Parse(href)
		if err != nil {
			return
		}
		pkg := u.Query().Get("id")
		if pkg == "" || seen[pkg] {
			return
		}
		seen[pkg] = true
		app := App{
			Package:   pkg,
			Title:     first(a, ".DdYX5", "[itemprop=name]"),
			Developer: first(a, ".wMUdtb", ".subtitle"),
			Category:  first(a, "[itemprop=genre]"),
		}
		if app.Title == "" {
			app.Title = clean(a.AttrOr("aria-label", ""))
		}
		p.Apps = append(p.Apps, app)
	})
	if len(p.Apps) == 0 {
		return p, ErrNoApps
	}
	if p.Developer == "" {
		return p, errors.New("no developer name (neither the page title nor an h1 names one)")
	}
	return p, nil
}

// Rows turns the developer's own apps into services rows; cards by other
// developers (recommendations) are skipped. An app whose category cannot
// be placed in the taxonomy is left out and returned as a problem.
func (p Page) Rows(gateway string, prov schema.Provenance) ([]*schema.Service, []error) {
	observed := prov.FetchedAt.UTC().Truncate(24 * time.Hour)
	var rows []*schema.Service
	var problems []error
	seen := map[string]bool{}
	for _, app := range p.Apps {
		if app.Developer != "" && app.Developer != p.Developer {
			continue
		}
		k, isKnown := apps[app.Package]
		cat, ok := taxonomy.Map(app.Category)
		if !ok && isKnown {
			cat, ok = taxonomy.Map(k.seedCategory)
		}
		if !ok {
			problems = append(problems, fmt.Errorf("app %s (%q): category %q is not in the taxonomy", app.Package, app.Title, app.Category))
			continue
		}
		row := &schema.Service{
			GatewayID: gateway, ObservedAt: observed, Category: cat, CategoryRaw: app.Category,
			Provider: p.Developer, EntryPoint: "app", Provenance: prov,
		}
		if isKnown {
			row.ServiceID, row.NameKo, row.NameEn, row.Provider = k.id, k.ko, k.en, k.provider
			row.AccountLinked, row.AccountRaw, row.PlatformID = k.linked, k.account, k.platform
			if row.CategoryRaw == "" {
				row.CategoryRaw = k.seedCategory
			}
		} else {
			row.ServiceID = packageID(app.Package)
			row.NameKo, row.NameEn = splitName(app.Title)
		}
		if row.ServiceID == "" {
			problems = append(problems, fmt.Errorf("app %q: package id gives no service id", app.Package))
			continue
		}
		if seen[row.ServiceID] {
			continue
		}
		seen[row.ServiceID] = true
		rows = append(rows, row)
	}
	return rows, problems
}

// packageID is the service id of an app the table does not know: its
// package id, lowercased, with every run of other characters made "_".
func packageID(pkg string) string {
	var b strings.Builder
	under := true
	for _, r := range strings.ToLower(pkg) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_")
}

func splitName(name string) (ko, en string) {
	for _, r := range name {
		if unicode.Is(unicode.Hangul, r) {
			return name, ""
		}
	}
	return "", name
}

func first(s *goquery.Selection, selectors ...string) string {
	for _, sel := range selectors {
		if t := clean(s.Find(sel).First().Text()); t != "" {
			return t
		}
	}
	return ""
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
