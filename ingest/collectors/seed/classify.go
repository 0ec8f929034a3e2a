package seed

import (
	"fmt"
	"strings"
)

// classification is what a seed note says about a figure: who measured
// it, and the caveats a reader must see next to it.
type classification struct {
	estimator string
	source    string
	metric    string
	revision  int64
	flags     []string
}

// classify reads a seed row's free-text note: the first of the keys'
// source rules whose words occur in it (or in the title) says who
// measured the figure. An unrecognised note is an error: guessing the
// estimator would mix panels with company figures.
func (k *keys) classify(note, title string) (classification, error) {
	n := strings.ToLower(note)
	c := classification{metric: "mau"}
	found := false
	for _, r := range k.Sources {
		text := n
		if r.In == "title" {
			text = strings.ToLower(title)
		}
		if containsAny(text, r.Words) {
			c.estimator, c.source = r.Estimator, r.Source
			c.flags = append(c.flags, r.Flags...)
			found = true
			break
		}
	}
	if !found {
		return c, fmt.Errorf("cannot tell who measured this figure from note %q", note)
	}
	add := func(cond bool, flag string) {
		if cond {
			c.flags = append(c.flags, flag)
		}
	}
	add(strings.Contains(n, "lower bound"), "lower_bound")
	add(strings.Contains(n, "android only"), "android_only")
	add(strings.Contains(n, "rounded"), "rounded")
	add(strings.Contains(n, "approx") || strings.Contains(note, "약 "), "approximate")
	add(strings.Contains(n, "app only") || strings.Contains(n, "smartphone app only"), "app_only")
	add(strings.Contains(n, "os coverage not stated"), "os_coverage_unstated")
	if strings.Contains(note, "ORIGINAL") {
		c.flags = append(c.flags, "superseded")
	}
	if strings.Contains(note, "REVISED") {
		c.revision = 1
		c.flags = append(c.flags, "restated")
	}
	add(strings.HasPrefix(title, "[descriptive]"), "title_descriptive")
	if strings.Contains(note, "PAYERS") {
		c.metric = "payers"
	}
	return c, nil
}

// containsAny reports whether s (lower case) has one of words, compared in
// lower case.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, strings.ToLower(w)) {
			return true
		}
	}
	return false
}
