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

// classify reads a seed row's free-text note. An unrecognised note is an
// error: guessing the estimator would mix panels with company figures.
//
// The title is read too: a few figures only say "EXTRA: ..." in the note
// and are attributable through their source, an earnings (실적) report.
func classify(note, title string) (classification, error) {
	n := strings.ToLower(note)
	c := classification{metric: "mau"}
	switch {
	case strings.Contains(n, "igaworks"):
		c.estimator, c.source = "panel", "IGAWorks Mobile Index"
	case strings.Contains(n, "wiseapp"):
		c.estimator, c.source = "panel", "WiseApp·Retail"
	case strings.Contains(n, "naver-reported"):
		c.estimator, c.source = "company-reported", "Naver IR"
	case strings.Contains(n, "naver z figure"):
		c.estimator, c.source = "company-reported", "Naver Z"
	case strings.Contains(n, "kakao-reported"), strings.Contains(n, "merger filing"),
		strings.Contains(n, "merger registration"), strings.Contains(n, "daum ir"):
		c.estimator, c.source = "company-reported", "Kakao IR"
	case strings.Contains(n, "kakaotalk ad reach"):
		c.estimator, c.source = "company-reported", "Kakao IR"
		c.flags = append(c.flags, "scope_uncertain")
	case strings.Contains(title, "실적"):
		c.estimator, c.source = "company-reported", "Kakao IR"
	default:
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
