// Package period reads the period strings that sources and users write
// (2023Q1, 2023H1, 2023-04, 2023-04-01, 2023) as the first day of the
// period, in UTC, and its grain.
package period

import (
	"errors"
	"regexp"
	"strconv"
	"time"
)

var (
	reQuarter = regexp.MustCompile(`^(\d{4})\s*Q([1-4])$`)
	reHalf    = regexp.MustCompile(`^(\d{4})\s*H([12])$`)
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reDay     = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	reYear    = regexp.MustCompile(`^(\d{4})$`)
)

// Parse returns the first day of the period s and its grain (quarter,
// half, month, day or year). The error says what forms are understood;
// callers add where s came from.
func Parse(s string) (time.Time, string, error) {
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	var y, m, d int
	var grain string
	switch {
	case reQuarter.MatchString(s):
		g := reQuarter.FindStringSubmatch(s)
		y, m, d, grain = atoi(g[1]), (atoi(g[2])-1)*3+1, 1, "quarter"
	case reHalf.MatchString(s):
		g := reHalf.FindStringSubmatch(s)
		y, m, d, grain = atoi(g[1]), (atoi(g[2])-1)*6+1, 1, "half"
	case reMonth.MatchString(s):
		g := reMonth.FindStringSubmatch(s)
		y, m, d, grain = atoi(g[1]), atoi(g[2]), 1, "month"
	case reDay.MatchString(s):
		g := reDay.FindStringSubmatch(s)
		y, m, d, grain = atoi(g[1]), atoi(g[2]), atoi(g[3]), "day"
	case reYear.MatchString(s):
		y, m, d, grain = atoi(s), 1, 1, "year"
	default:
		return time.Time{}, "", errors.New("want 2023Q1, 2023H1, 2023-04, 2023-04-01 or 2023")
	}
	if y < 1000 {
		// Four digits, but no period a source reports; year 1 is also Go's
		// zero time, which callers read as "no period".
		return time.Time{}, "", errors.New("year before 1000")
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 2023-13 to 2024-01; a round trip catches it.
	if int(t.Month()) != m || t.Day() != d {
		return time.Time{}, "", errors.New("not a real date")
	}
	return t, grain, nil
}
