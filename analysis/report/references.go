package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// BibTeX writes the references as @misc entries (biblatex's url and
// urldate fields, which natbib styles print through the url package too),
// keyed ref1, ref2, ... in citation order, so "[3]" on the page is ref3.
func BibTeX(refs []Source, lang string) []byte {
	var b strings.Builder
	for _, s := range refs {
		fmt.Fprintf(&b, "@misc{ref%d,\n", s.Ref)
		title := s.Title
		if title == "" {
			title = s.URL
		}
		fmt.Fprintf(&b, "  title = {%s},\n", texEscape(title))
		fmt.Fprintf(&b, "  url = {%s},\n", urlEscape(s.URL))
		fmt.Fprintf(&b, "  howpublished = {\\url{%s}},\n", urlEscape(s.URL))
		if s.Retrieved != "" {
			fmt.Fprintf(&b, "  urldate = {%s},\n", s.Retrieved)
		}
		if n := evidenceNote(lang, s); n != "" {
			fmt.Fprintf(&b, "  note = {%s},\n", texEscape(n))
		}
		b.WriteString("}\n\n")
	}
	return []byte(b.String())
}

// texEscape makes text safe inside a BibTeX field.
func texEscape(s string) string {
	r := strings.NewReplacer(`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`, "&", `\&`, "%", `\%`, "$", `\$`,
		"#", `\#`, "_", `\_`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`)
	return r.Replace(s)
}

// urlEscape keeps a URL verbatim for \url except the characters that end
// a BibTeX field or a comment.
func urlEscape(s string) string {
	return strings.NewReplacer("{", `\%7B`, "}", `\%7D`, "%", `\%`, "#", `\#`, " ", `\%20`).Replace(s)
}

// cslItem is one CSL-JSON item (the format Zotero, Pandoc and citeproc read).
type cslItem struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Title    string   `json:"title"`
	URL      string   `json:"URL"`
	Accessed *cslDate `json:"accessed,omitempty"`
	Note     string   `json:"note,omitempty"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

// CSLJSON writes the references as CSL-JSON, ids as in BibTeX.
func CSLJSON(refs []Source, lang string) ([]byte, error) {
	items := make([]cslItem, 0, len(refs))
	for _, s := range refs {
		it := cslItem{ID: "ref" + strconv.Itoa(s.Ref), Type: "webpage", Title: s.Title, URL: s.URL}
		if it.Title == "" {
			it.Title = s.URL
		}
		if d := dateParts(s.Retrieved); d != nil {
			it.Accessed = &cslDate{DateParts: [][]int{d}}
		}
		it.Note = evidenceNote(lang, s)
		items = append(items, it)
	}
	b, err := json.MarshalIndent(items, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func dateParts(d string) []int {
	parts := strings.Split(d, "-")
	if len(parts) != 3 {
		return nil
	}
	out := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out[i] = n
	}
	return out
}
