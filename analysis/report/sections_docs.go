package report

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/gwanmun/gwanmun/analysis/notebook/nbformat"
	"github.com/gwanmun/gwanmun/data/study"
)

// Sections written as notebooks: Markdown with SQL and chart blocks,
// rendered by RenderDoc as the notebooks are. Each file is first a
// text/template, so its titles and captions come from the page's language
// (t) and its parameters from the study (.Incident) and the page (.TZ).
//
//go:embed sections/*.md
var sectionDocs embed.FS

// docData is what a section's template sees.
type docData struct {
	Incident study.Incident
	Lang     string
	// TZ is the page's time zone (IANA name), for dates and times.
	TZ string
}

// docSection renders sections/<id>.md into blocks.
func (b *builder) docSection(ctx context.Context, page *Report, id string) ([]Block, error) {
	raw, err := sectionDocs.ReadFile(path.Join("sections", id+".md"))
	if err != nil {
		return nil, err
	}
	tpl, err := template.New(id).Option("missingkey=error").Funcs(template.FuncMap{
		"t":    b.text,
		"attr": attrText,
		"sql":  sqlText,
	}).Parse(string(raw))
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	var md bytes.Buffer
	if err := tpl.Execute(&md, docData{Incident: b.incident(), Lang: b.lang, TZ: b.loc.String()}); err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	nb, err := nbformat.Parse(md.Bytes(), Rules)
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	sub := &Report{Lang: page.Lang, Loc: page.Loc}
	if err := RenderDoc(ctx, b.db, sub, b.src, nb); err != nil {
		return nil, fmt.Errorf("section %s: %w", id, err)
	}
	return sub.Blocks, nil
}

// attrText quotes text for a block attribute's double quotes; a backtick
// would end the fence's info string, so it becomes a typographic quote.
func attrText(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "’", "\n", " ").Replace(s)
	return s
}

// sqlText is s as an SQL string literal.
func sqlText(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
