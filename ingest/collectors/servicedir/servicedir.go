// Package servicedir collects the services a company lists on its own
// service directory page: one services row per listed service, its
// category mapped onto the fixed taxonomy. Which pages, and which gateway
// and company each directory layout stands for, are data: the embedded
// sample.toml holds the defaults, the sources file overrides them.
package servicedir

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
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
const Name = "servicedir"

// Version changes when the rows parsed from the same page change.
const Version = "1.0.0"

// Config is the [sources.servicedir] table.
type Config struct {
	// Gateways is the gateway id given to the services found on each
	// directory layout ("tabs", "groups"); Owners the company behind the
	// services the curated table does not know. Each entry replaces the
	// sample's.
	Gateways map[string]string `toml:"gateways"`
	Owners   map[string]string `toml:"owners"`
}

// sample is the embedded sample.toml's table: the defaults.
type sample struct {
	Sources map[string]struct {
		URLs []string `toml:"urls"`
		Config
	} `toml:"sources"`
}

// defaults reads the real directory pages and their layouts' gateways and
// owners from the embedded sample.toml; its test parses it.
func defaults() (urls []string, c Config) {
	b, err := files.ReadFile("sample.toml")
	if err != nil {
		panic(err)
	}
	var smp sample
	if err := toml.Unmarshal(b, &smp); err != nil {
		panic(fmt.Sprintf("servicedir: sample.toml: %v", err))
	}
	t := smp.Sources[Name]
	return t.URLs, t.Config
}

// DefaultURLs are the real directory pages (sample.toml).
var DefaultURLs, defaultConfig = defaults()

var slugRE = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// New validates the config; it does no I/O.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	var c Config
	gateways, owners := map[string]string{}, map[string]string{} // by layout
	info := ingest.Info{
		Name: Name, Version: Version, Kind: "web", Datasets: []string{"services"},
		Description: "services listed on company service directory pages",
	}
	col, err := ingest.NewPageCollector(cfg, &c, info, DefaultURLs, func(f *ingest.Fetched) (ingest.Page, error) {
		page, err := ParsePage(f.Body)
		if err != nil {
			return ingest.Page{}, err
		}
		rows, problems := page.Rows(gateways[page.Layout], owners[page.Layout], f.Prov(page.Title))
		return ingest.Page{Rows: ingest.RowsOf(rows), Problems: problems}, nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range []struct {
		key       string
		dst, def  map[string]string
		own       map[string]string
		checkSlug bool
	}{{"gateways", gateways, defaultConfig.Gateways, c.Gateways, true}, {"owners", owners, defaultConfig.Owners, c.Owners, false}} {
		maps.Copy(m.dst, m.def)
		maps.Copy(m.dst, m.own)
		for layout, v := range m.dst {
			if !slices.Contains(layouts, layout) {
				return nil, fmt.Errorf("source %s: %s: layout %q is not one of %v", cfg.Name, m.key, layout, layouts)
			}
			if m.checkSlug && !slugRE.MatchString(v) {
				return nil, fmt.Errorf("source %s: %s.%s %q: want a lowercase slug like my_gateway", cfg.Name, m.key, layout, v)
			}
			if strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("source %s: %s.%s is empty", cfg.Name, m.key, layout)
			}
		}
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

// Directory layouts the parser knows, named by their markup: category
// tabs over one list of cards, or headed groups of lists.
const (
	layoutTabs   = "tabs"
	layoutGroups = "groups"
)

var layouts = []string{layoutTabs, layoutGroups}

// Card is one service as a directory lists it.
type Card struct {
	Name     string
	Link     string
	Category string // the page's own label, e.g. a tab or group heading
}

// Page is what a directory page lists.
type Page struct {
	Layout string
	Title  string
	Cards  []Card
}

// ErrNoList means the page has none of the known directory layouts.
var ErrNoList = errors.New("no service list found (neither tabs: ul.list_service nor groups: div.service_group)")

// ParsePage finds the service list of a directory page.
func ParsePage(body []byte) (Page, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return Page{}, fmt.Errorf("read html: %w", err)
	}
	p := Page{Title: clean(doc.Find("title").First().Text())}
	switch {
	case doc.Find("ul.list_service li.item_service").Length() > 0:
		p.Layout = layoutTabs
		p.Cards = tabCards(doc)
	case doc.Find("div.service_group ul.service_list").Length() > 0:
		p.Layout = layoutGroups
		p.Cards = groupCards(doc)
	default:
		return p, ErrNoList
	}
	if len(p.Cards) == 0 {
		return p, ErrNoList
	}
	return p, nil
}

// tabCards reads the tabs layout: category tabs (button.btn_tab with
// data-category) above one list of cards, each card naming its tab.
func tabCards(doc *goquery.Document) []Card {
	tabs := map[string]string{}
	doc.Find(".list_tab [data-category]").Each(func(_ int, t *goquery.Selection) {
		key, _ := t.Attr("data-category")
		tabs[key] = clean(t.Text())
	})
	var cards []Card
	doc.Find("ul.list_service li.item_service").Each(func(_ int, li *goquery.Selection) {
		card := Card{
			Name:     clean(li.Find(".tit_item").First().Text()),
			Link:     attr(li.Find("a.link_service").First(), "href"),
			Category: clean(li.Find(".txt_category").First().Text()),
		}
		if card.Category == "" {
			key, _ := li.Attr("data-category")
			card.Category = tabs[key]
		}
		cards = append(cards, card)
	})
	return cards
}

// groupCards reads the groups layout: groups, each a heading over a list.
func groupCards(doc *goquery.Document) []Card {
	var cards []Card
	doc.Find("div.service_group").Each(func(_ int, g *goquery.Selection) {
		label := clean(g.Find(".service_group_title").First().Text())
		g.Find("ul.service_list li").Each(func(_ int, li *goquery.Selection) {
			a := li.Find("a").First()
			name := clean(li.Find(".service_name").First().Text())
			if name == "" {
				name = clean(a.Text())
			}
			cards = append(cards, Card{Name: name, Link: attr(a, "href"), Category: label})
		})
	})
	return cards
}

// Rows turns the cards into services rows. A card whose category cannot
// be placed in the taxonomy is left out and returned as a problem.
func (p Page) Rows(gateway, owner string, prov schema.Provenance) ([]*schema.Service, []error) {
	observed := prov.FetchedAt.UTC().Truncate(24 * time.Hour)
	var rows []*schema.Service
	var problems []error
	seen := map[string]bool{}
	for i, card := range p.Cards {
		if card.Name == "" {
			problems = append(problems, fmt.Errorf("card %d has no service name", i+1))
			continue
		}
		k, isKnown := lookup(p.Layout, card.Name, card.Link)
		cat, ok := taxonomy.Map(card.Category)
		if !ok && isKnown {
			cat, ok = taxonomy.Map(k.seedCategory)
		}
		if !ok {
			problems = append(problems, fmt.Errorf("service %q: category %q is not in the taxonomy", card.Name, card.Category))
			continue
		}
		row := &schema.Service{
			GatewayID: gateway, ObservedAt: observed, Category: cat, CategoryRaw: card.Category,
			Provider: owner, EntryPoint: "web", Provenance: prov,
		}
		row.NameKo, row.NameEn = splitName(card.Name)
		if isKnown {
			row.ServiceID, row.Provider, row.EntryPoint = k.id, k.provider, k.entry
			row.NameKo, row.NameEn = k.ko, k.en
			row.AccountLinked = strings.HasPrefix(k.account, "yes")
			row.AccountRaw = "seed: " + k.account
			row.PlatformID = k.platform
		} else {
			row.ServiceID = slug(card.Name)
		}
		if row.ServiceID == "" {
			problems = append(problems, fmt.Errorf("service %q: its name gives no service id", card.Name))
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

func splitName(name string) (ko, en string) {
	for _, r := range name {
		if unicode.Is(unicode.Hangul, r) {
			return name, ""
		}
	}
	return "", name
}

// slug is the seed loader's rule for names the table does not know:
// lowercase letters and digits joined by "_".
func slug(name string) string {
	var b strings.Builder
	under := true
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_")
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func attr(s *goquery.Selection, name string) string {
	v, _ := s.Attr(name)
	return strings.TrimSpace(v)
}
