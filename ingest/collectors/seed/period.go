package seed

import (
	"fmt"
	"time"

	"github.com/gwanmun/gwanmun/ingest/parse/period"
)

// ParsePeriod turns the seed's mixed period strings (2023Q1, 2023-04,
// 2023H1, 2019, 2022-10-14) into the first day of the period and its grain.
func ParsePeriod(s string) (time.Time, string, error) {
	t, grain, err := period.Parse(s)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("period %q: %w", s, err)
	}
	return t, grain, nil
}
