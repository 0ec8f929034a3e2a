// Package report turns analysis results into one self-contained HTML file:
// ECharts inlined, every chart captioned with its sources and retrieval
// dates, a methods section and a reference list.
package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime/debug"
	"sort"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/schema"
)

// Report is everything the HTML template needs.
type Report struct {
	Title      string
	Lang       string
	Generated  string
	Vintage    string
	Code       string
	Sections   []Section
	References []Source
	Methods    []Method
}

// Section is a chart with an optional table under it.
type Section struct {
	Chart Chart
	Table *analysis.Table
	Notes []string
}

// Method documents one formula.
type Method struct{ Name, Text string }

// builder collects sources so each chart cites numbered references.
type builder struct {
	refs map[string]*Source
	list []*Source
}

func (b *builder) cite(url, title string, retrieved any) Source {
	if s, ok := b.refs[url]; ok {
		if s.Title == "" && title != "" {
			s.Title = title
		}
		return *s
	}
	s := &Source{URL: url, Title: title, Retrieved: dateOf(retrieved), Ref: len(b.list) + 1}
	b.refs[url] = s
	b.list = append(b.list, s)
	return *s
}

func dateOf(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format("2006-01-02")
	}
	return ""
}

// Options control a build.
type Options struct {
	Lang string // en or ko
	Now  time.Time
}

// Build runs the analyses the report shows and lays them out.
func Build(ctx context.Context, db *analysis.DB, o Options) (*Report, error) {
	if o.Lang == "" {
		o.Lang = "en"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	b := &builder{refs: map[string]*Source{}}
	r := &Report{
		Title: tr(o.Lang, "title"), Lang: o.Lang,
		Generated: o.Now.UTC().Format("2006-01-02 15:04 UTC"), Code: codeVersion(),
	}
	vintage, err := lakeVintage(db.LakeDir)
	if err != nil {
		return nil, err
	}
	r.Vintage = vintage
	steps := []func(context.Context, *analysis.DB, *builder, string) (Section, error){
		mauTrendSection, concentrationSection, outageSection,
	}
	for _, step := range steps {
		s, err := step(ctx, db, b, o.Lang)
		if err != nil {
			return nil, err
		}
		r.Sections = append(r.Sections, s)
	}
	for _, s := range b.list {
		r.References = append(r.References, *s)
	}
	r.Methods = methods(o.Lang)
	return r, nil
}

// lakeVintage hashes the committed manifests' file hashes: two reports
// with the same vintage were drawn from the same data.
func lakeVintage(lakeDir string) (string, error) {
	ms, err := schema.ReadManifests(lakeDir)
	if err != nil {
		return "", err
	}
	var sums []string
	for _, m := range ms {
		for _, f := range m.Files {
			if f.Dataset != "runs" {
				sums = append(sums, f.RowsSHA256)
			}
		}
	}
	sort.Strings(sums)
	h := sha256.New()
	for _, s := range sums {
		h.Write([]byte(s))
	}
	return fmt.Sprintf("%s (%d files)", hex.EncodeToString(h.Sum(nil))[:16], len(sums)), nil
}

func codeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return bi.Main.Version
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return rev + dirty
}
