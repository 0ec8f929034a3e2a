// Package nbformat reads the notebook format: Markdown (goldmark, GitHub
// flavour, raw HTML off) with named SQL blocks and chart blocks that draw
// their results. It checks the blocks and lays the document out; running
// and drawing them is the report package's (report.RenderDoc), which the
// notebooks and the report's own Markdown sections share.
//
//	```sql name=mau
//	SELECT period_start, platform_id, value AS users FROM mau WHERE ...
//	```
//
//	```chart type=line x=period_start y=users series=platform_id sql=mau title="MAU"
//	Caption text: what the reader sees and where it comes from.
//	```
package nbformat

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Block is one fenced block gwanmun executes: a named query or a chart.
type Block struct {
	Kind  string // "sql" or "chart"
	Name  string // the query's name (sql) or the chart's id
	Attrs map[string]string
	// Body is the query text, or the chart's caption.
	Body string
	Line int
	node ast.Node
}

// Part is one piece of a notebook in reading order: prose rendered to
// HTML (raw HTML off, so the markup is goldmark's) or a block.
type Part struct {
	HTML  []byte
	Block *Block
}

// Parts lays the notebook out in order, the title left out, consecutive
// prose joined into one part.
func (n *Notebook) Parts() ([]Part, error) {
	byNode := map[ast.Node]int{}
	for i, b := range n.Blocks {
		byNode[b.node] = i
	}
	var out []Part
	var prose bytes.Buffer
	flush := func() {
		if prose.Len() > 0 {
			out = append(out, Part{HTML: bytes.Clone(prose.Bytes())})
			prose.Reset()
		}
	}
	for c := n.doc.FirstChild(); c != nil; c = c.NextSibling() {
		if c == n.titleN {
			continue
		}
		i, ok := byNode[c]
		if !ok {
			if err := n.md.Renderer().Render(&prose, n.source, c); err != nil {
				return nil, fmt.Errorf("markdown: %w", err)
			}
			continue
		}
		flush()
		out = append(out, Part{Block: &n.Blocks[i]})
	}
	flush()
	return out, nil
}

// Notebook is a parsed Markdown notebook.
type Notebook struct {
	Title  string
	Blocks []Block
	source []byte
	doc    ast.Node
	titleN ast.Node
	md     goldmark.Markdown
}

var (
	reName    = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	reChartID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
	// Chart attributes a block may set; anything else is a typo.
	chartKeys = []string{"type", "x", "y", "series", "sql", "title", "id", "from", "to", "value", "stack", "logy", "xname", "yname", "height", "step", "top",
		"nodes", "lines", "label", "min", "max", "labels",
		"marks", "bands", "scale", "rowheight", "minrows", "xlabels", "cite", "table", "rows", "data"}
	// title, caption and id give a query's table a heading, a caption and
	// an anchor, as the report's sections do.
	sqlKeys = []string{"name", "table", "rows", "title", "caption", "id", "show", "cite"}
)

// Rules are what the chart renderer accepts, so the format can check a
// chart block without importing it.
type Rules struct {
	ChartTypes, StepTypes []string
}

// Parse reads a notebook and checks its blocks: every query name is a
// valid identifier used once and not a lake view, every chart names a
// chart type of rules and a query defined above it.
func Parse(src []byte, rules Rules) (*Notebook, error) {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	doc := md.Parser().Parse(text.NewReader(src))
	n := &Notebook{source: src, doc: doc, md: md}
	lineOf := lineIndex(src)
	var errs []error
	names := map[string]bool{}
	lastSQL := ""
	charts := 0
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*ast.Heading); ok && h.Level == 1 && n.Title == "" {
			n.Title = string(plainText(h, src))
			n.titleN = h
			continue
		}
		fc, ok := c.(*ast.FencedCodeBlock)
		if !ok || fc.Info == nil {
			continue
		}
		info := string(fc.Info.Segment.Value(src))
		kind, rest, _ := strings.Cut(strings.TrimSpace(info), " ")
		if kind != "sql" && kind != "chart" {
			continue
		}
		line := 1
		if fc.Info != nil {
			line = lineOf(fc.Info.Segment.Start)
		}
		attrs, err := ParseAttrs(rest)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", line, err))
			continue
		}
		b := Block{Kind: kind, Attrs: attrs, Body: blockText(fc, src), Line: line, node: fc}
		switch kind {
		case "sql":
			if err := onlyKeys(attrs, sqlKeys); err != nil {
				errs = append(errs, fmt.Errorf("line %d: %w", line, err))
			}
			b.Name = attrs["name"]
			if b.Name == "" {
				b.Name = fmt.Sprintf("query_%d", len(names)+1)
			}
			switch {
			case !reName.MatchString(b.Name):
				errs = append(errs, fmt.Errorf("line %d: sql name %q: use lower-case letters, digits and _", line, b.Name))
			case names[b.Name]:
				errs = append(errs, fmt.Errorf("line %d: sql name %q is used twice", line, b.Name))
			case isLakeView(b.Name):
				errs = append(errs, fmt.Errorf("line %d: sql name %q would hide the lake view of that name", line, b.Name))
			}
			if id, ok := attrs["id"]; ok && !reChartID.MatchString(id) {
				errs = append(errs, fmt.Errorf("line %d: sql id %q: use letters, digits, _ and - (at most 64, starting with a letter or digit)", line, id))
			}
			if v, ok := attrs["show"]; ok {
				if _, err := strconv.ParseBool(v); err != nil {
					errs = append(errs, fmt.Errorf("line %d: show=%q: want true or false", line, v))
				}
			}
			if v, ok := attrs["cite"]; ok {
				for _, q := range strings.Split(v, ",") {
					if q = strings.TrimSpace(q); !names[q] && q != b.Name {
						errs = append(errs, fmt.Errorf("line %d: cite=%q: no sql block above defines %q", line, v, q))
					}
				}
			}
			names[b.Name] = true
			lastSQL = b.Name
		case "chart":
			charts++
			if err := onlyKeys(attrs, chartKeys); err != nil {
				errs = append(errs, fmt.Errorf("line %d: %w", line, err))
			}
			if attrs["sql"] == "" {
				attrs["sql"] = lastSQL
			}
			if !names[attrs["sql"]] {
				errs = append(errs, fmt.Errorf("line %d: chart refers to sql %q, which no block above defines", line, attrs["sql"]))
			}
			if !slices.Contains(rules.ChartTypes, attrs["type"]) {
				errs = append(errs, fmt.Errorf("line %d: chart type %q: want one of %s", line, attrs["type"], strings.Join(rules.ChartTypes, ", ")))
			}
			if v, ok := attrs["step"]; ok && !slices.Contains(rules.StepTypes, v) {
				errs = append(errs, fmt.Errorf("line %d: step=%q: want one of %s", line, v, strings.Join(rules.StepTypes, ", ")))
			}
			// A graph's nodes, a scatter's fitted lines, marks, bands, the
			// table shown and the figure's data are other queries.
			for _, k := range []string{"nodes", "lines", "marks", "bands", "table", "data"} {
				if v, ok := attrs[k]; ok && !names[v] {
					errs = append(errs, fmt.Errorf("line %d: %s=%q: no sql block above defines it", line, k, v))
				}
			}
			if v, ok := attrs["cite"]; ok {
				for _, q := range strings.Split(v, ",") {
					if !names[strings.TrimSpace(q)] {
						errs = append(errs, fmt.Errorf("line %d: cite=%q: no sql block above defines %q", line, v, q))
					}
				}
			}
			if v, ok := attrs["xlabels"]; ok && v != "all" && v != "auto" {
				errs = append(errs, fmt.Errorf("line %d: xlabels=%q: want all or auto", line, v))
			}
			for _, k := range []string{"rowheight", "minrows", "rows"} {
				if v, ok := attrs[k]; ok {
					if n, err := strconv.Atoi(v); err != nil || n < 0 {
						errs = append(errs, fmt.Errorf("line %d: %s=%q: want a whole number, 0 or more", line, k, v))
					}
				}
			}
			for _, k := range []string{"min", "max", "scale"} {
				if v, ok := attrs[k]; ok {
					if _, err := strconv.ParseFloat(v, 64); err != nil {
						errs = append(errs, fmt.Errorf("line %d: %s=%q: want a number", line, k, v))
					}
				}
			}
			if v, ok := attrs["top"]; ok {
				if n, err := strconv.Atoi(v); err != nil || n < 1 {
					errs = append(errs, fmt.Errorf("line %d: top=%q: want a whole number of series, 1 or more", line, v))
				}
			}
			b.Name = attrs["id"]
			if b.Name == "" {
				b.Name = fmt.Sprintf("chart_%d", charts)
			}
			// The id names the figure files and the page anchor.
			if !reChartID.MatchString(b.Name) {
				errs = append(errs, fmt.Errorf("line %d: chart id %q: use letters, digits, _ and - (at most 64, starting with a letter or digit)", line, b.Name))
			}
		}
		n.Blocks = append(n.Blocks, b)
	}
	if n.Title == "" {
		n.Title = "gwanmun notebook"
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return n, nil
}

// Queries returns the notebook's SQL blocks in order.
func (n *Notebook) Queries() []Block {
	var out []Block
	for _, b := range n.Blocks {
		if b.Kind == "sql" {
			out = append(out, b)
		}
	}
	return out
}

func isLakeView(name string) bool {
	for _, d := range schema.Datasets() {
		if name == d.Name || name == d.Name+"_all" {
			return true
		}
	}
	return false
}

func onlyKeys(attrs map[string]string, allowed []string) error {
	for k := range attrs {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("unknown attribute %q (known: %s)", k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// ParseAttrs reads key=value pairs; values may be double-quoted with
// backslash escapes, as in title="Acme \"all services\"".
func ParseAttrs(s string) (map[string]string, error) {
	out := map[string]string{}
	rs := []rune(s)
	i := 0
	for {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i >= len(rs) {
			return out, nil
		}
		start := i
		for i < len(rs) && rs[i] != '=' && !unicode.IsSpace(rs[i]) {
			i++
		}
		key := string(rs[start:i])
		if i >= len(rs) || rs[i] != '=' || key == "" {
			return nil, fmt.Errorf("attribute %q: want key=value", key)
		}
		i++
		var val strings.Builder
		if i < len(rs) && rs[i] == '"' {
			i++
			closed := false
			for i < len(rs) {
				if rs[i] == '\\' && i+1 < len(rs) {
					val.WriteRune(rs[i+1])
					i += 2
					continue
				}
				if rs[i] == '"' {
					closed = true
					i++
					break
				}
				val.WriteRune(rs[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("attribute %s: unclosed quote", key)
			}
		} else {
			for i < len(rs) && !unicode.IsSpace(rs[i]) {
				val.WriteRune(rs[i])
				i++
			}
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("attribute %s given twice", key)
		}
		out[key] = val.String()
	}
}

func blockText(fc *ast.FencedCodeBlock, src []byte) string {
	var b bytes.Buffer
	for i := 0; i < fc.Lines().Len(); i++ {
		seg := fc.Lines().At(i)
		b.Write(seg.Value(src))
	}
	return strings.TrimRight(b.String(), "\n ")
}

func plainText(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch t := c.(type) {
			case *ast.Text:
				b.Write(t.Segment.Value(src))
			case *ast.String:
				b.Write(t.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.Bytes()
}

func lineIndex(src []byte) func(off int) int {
	return func(off int) int { return bytes.Count(src[:off], []byte("\n")) + 1 }
}
