// Package loginevidence reads news articles for evidence that a
// third-party service depends on a gateway's building blocks (its login,
// pay, maps, ...; the terms file names them): a dependencies row per edge
// and a services row, third_party = true, per third party and gateway.
//
// The reading is deliberately narrow: an edge needs a known third party
// and a known phrase in the same sentence, and a sentence with a denial
// ("... 로그인을 지원하지 않는다") counts for nothing. Every edge
// keeps its sentence as the note, so a reader can check it.
package loginevidence

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/PuerkitoBio/goquery"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// Name is the collector's name in the registry and the sources file.
const Name = "loginevidence"

// Version changes when the rows parsed from the same page change.
const Version = "1.0.0"

// DefaultURLs are the pages read when the sources file names none: the
// `urls` of the embedded sample.toml (the articles data/seed cites for
// third parties that depend on the default study's gateways).
var DefaultURLs = ingest.SampleURLs(files, Name)

// Config is the [sources.loginevidence] table's own keys.
type Config struct {
	// Terms is a terms file (TOML, as terms.toml) replacing the default
	// building blocks and third parties.
	Terms string `toml:"terms"`
}

// New validates the config and reads the terms file it names; it fetches
// nothing.
func New(cfg ingest.SourceConfig) (ingest.Collector, error) {
	info := ingest.Info{
		Name: Name, Version: Version, Kind: "web", Datasets: []string{"dependencies", "services"},
		Description: "third parties' dependence on gateways' login, pay and maps, read from news articles",
	}
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	terms := DefaultTerms
	if c.Terms != "" {
		var err error
		if terms, err = LoadTerms(c.Terms); err != nil {
			return nil, &ingest.ConfigError{Table: "sources." + Name, Key: "terms", Err: err}
		}
	}
	return ingest.NewPageCollector(cfg, &Config{}, info, DefaultURLs, func(f *ingest.Fetched) (ingest.Page, error) {
		return readPage(terms, f)
	})
}

// files are the collector's sample config and the recording `make demo`
// replays (see testdata/README.md).
//
//go:embed sample.toml testdata/recording.warc.gz
var files embed.FS

// Entry registers the collector.
func Entry() ingest.Entry { return ingest.NewEntry(Name, New, files) }

func readPage(terms *Terms, f *ingest.Fetched) (ingest.Page, error) {
	a, err := ParseArticle(f.Body)
	if err != nil {
		return ingest.Page{}, err
	}
	return ingest.Page{Rows: terms.Rows(a, f.Prov(a.Title))}, nil
}

// Article is the part of a news page the collector reads.
type Article struct {
	Title string
	// Published is the article's date (KST calendar day, as a UTC
	// midnight); zero when the page gives none.
	Published time.Time
	Sentences []string
}

// bodySelectors are where news sites keep the article text, the
// ndsoft CMS (articleView.html) first.
var bodySelectors = []string{
	"#article-view-content-div", "[itemprop=articleBody]", "#articleBody", "#article_body",
	".article_body", ".article_content", "#news_body_area", "article",
}

// ErrNoBody means none of the known article-body containers has text.
var ErrNoBody = errors.New("no article body found")

var inputDateRE = regexp.MustCompile(`입력\s*:?\s*(\d{4})[.-](\d{1,2})[.-](\d{1,2})`)

// ParseArticle reads the title, date and sentences of a news article.
func ParseArticle(body []byte) (Article, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return Article{}, fmt.Errorf("read html: %w", err)
	}
	var a Article
	a.Title = clean(doc.Find(`meta[property="og:title"]`).AttrOr("content", ""))
	if a.Title == "" {
		a.Title = clean(doc.Find("title").First().Text())
	}
	a.Published = published(doc)
	for _, sel := range bodySelectors {
		b := doc.Find(sel).First()
		if b.Length() == 0 {
			continue
		}
		b.Find("script, style, figure, figcaption").Remove()
		paras := b.Find("p")
		if paras.Length() == 0 {
			paras = b
		}
		paras.Each(func(_ int, p *goquery.Selection) {
			a.Sentences = append(a.Sentences, sentences(p.Text())...)
		})
		if len(a.Sentences) > 0 {
			return a, nil
		}
	}
	return a, ErrNoBody
}

// published reads article:published_time (RFC 3339 or a date), then the
// "입력 2022.10.17" line many sites print under the headline.
func published(doc *goquery.Document) time.Time {
	kst := time.FixedZone("KST", 9*3600)
	if v := strings.TrimSpace(doc.Find(`meta[property="article:published_time"]`).AttrOr("content", "")); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			t = t.In(kst)
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t
		}
	}
	if m := inputDateRE.FindStringSubmatch(doc.Text()); m != nil {
		if t, err := time.Parse("2006-1-2", m[1]+"-"+m[2]+"-"+m[3]); err == nil {
			return t
		}
	}
	return time.Time{}
}

// sentences splits text after '.', '!' or '?' followed by a space, which
// keeps "SSG.COM" whole.
func sentences(text string) []string {
	var out []string
	rs := []rune(text)
	start := 0
	for i, r := range rs {
		end := i == len(rs)-1
		if !end && (r == '.' || r == '!' || r == '?') && unicode.IsSpace(rs[i+1]) {
			end = true
		}
		if end {
			if s := clean(string(rs[start : i+1])); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	return out
}

// Edge is one dependency a sentence evidences.
type Edge struct {
	Party    Party
	Target   Target
	Sentence string
}

// Edges are the article's edges under the default terms.
func (a Article) Edges() []Edge { return DefaultTerms.Edges(a) }

// Rows are the article's rows under the default terms.
func (a Article) Rows(prov schema.Provenance) []schema.Row { return DefaultTerms.Rows(a, prov) }

// Edges finds the dependencies the article evidences, first sentence
// first; each (party, target) pair once.
func (terms *Terms) Edges(a Article) []Edge {
	var out []Edge
	seen := map[string]bool{}
	for _, s := range a.Sentences {
		squeezed := squeeze(s)
		if denial.MatchString(squeezed) {
			continue
		}
		var ts []Target
		for _, t := range terms.Targets {
			if mentions(squeezed, t) {
				ts = append(ts, t)
			}
		}
		if len(ts) == 0 {
			continue
		}
		for _, p := range terms.Parties {
			if !namesParty(s, p) {
				continue
			}
			for _, t := range ts {
				k := p.ID + "|" + t.ID
				if !seen[k] {
					seen[k] = true
					out = append(out, Edge{Party: p, Target: t, Sentence: s})
				}
			}
		}
	}
	return out
}

// denial marks a sentence that says someone does not use a building
// block ("쿠팡은 애플 로그인을 지원하지 않는다"). Such a sentence yields no
// edge at all, for any party in it: telling which party the denial is
// about needs a parser, and a lost edge is better than a false one. Outage
// wording ("로그인이 되지 않아", "결제할 수 없었다") is not a denial.
var denial = regexp.MustCompile(`(지원|사용|도입|연동|채택|제공|이용)하지않|쓰지않`)

// mentions reports whether the squeezed sentence names t.
func mentions(squeezed string, t Target) bool {
	for _, n := range t.Not {
		squeezed = strings.ReplaceAll(squeezed, n, "\x00")
	}
	for _, ph := range t.Phrases {
		if strings.Contains(squeezed, ph) {
			return true
		}
	}
	return false
}

// namesParty reports whether s names p as a word: an alias not glued to a
// letter on its left ("컬리" in "브로컬리" is not that party).
func namesParty(s string, p Party) bool {
	for _, al := range p.Aliases {
		rest := s
		off := 0
		for {
			i := strings.Index(rest, al)
			if i < 0 {
				break
			}
			at := off + i
			if at == 0 || !isLetterBefore(s[:at]) {
				return true
			}
			off = at + len(al)
			rest = s[off:]
		}
	}
	return false
}

func isLetterBefore(s string) bool {
	rs := []rune(s)
	r := rs[len(rs)-1]
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Rows turns the article's edges into dependencies rows and one services
// row per third party and gateway. The services rows are observed on the
// article's date (the fetch date when it has none), and so are the edges.
func (terms *Terms) Rows(a Article, prov schema.Provenance) []schema.Row {
	edges := terms.Edges(a)
	observed := a.Published
	if observed.IsZero() {
		observed = prov.FetchedAt.UTC().Truncate(24 * time.Hour)
	}
	var rows []schema.Row
	type key struct{ party, gateway string }
	uses := map[key][]Target{}
	var order []key
	for _, e := range edges {
		rows = append(rows, &schema.Dependency{
			FromID: e.Party.ID, ToID: e.Target.ID, Kind: e.Target.Kind, Note: e.Sentence, ObservedAt: &observed, Provenance: prov,
		})
		k := key{e.Party.ID, e.Target.Gateway}
		if _, ok := uses[k]; !ok {
			order = append(order, k)
		}
		uses[k] = append(uses[k], e.Target)
	}
	for _, k := range order {
		p := terms.party(k.party)
		ts := uses[k]
		ids := make([]string, len(ts))
		linked := false
		for i, t := range ts {
			ids[i] = t.ID
			linked = linked || t.Kind == "login"
		}
		sort.Strings(ids)
		rows = append(rows, &schema.Service{
			GatewayID: k.gateway, ServiceID: p.ID, ObservedAt: observed, NameKo: p.NameKo, NameEn: p.NameEn,
			Category: p.category, CategoryRaw: p.Category, Provider: p.Provider, ThirdParty: true,
			EntryPoint: "api", AccountLinked: linked, AccountRaw: "uses " + strings.Join(ids, ", "),
			Provenance: prov,
		})
	}
	return rows
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
