package period

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in, grain string
		start     time.Time
	}{
		{"2023Q1", "quarter", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2022 Q4", "quarter", time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"2023H2", "half", time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"2023-04", "month", time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"2022-10-14", "day", time.Date(2022, 10, 14, 0, 0, 0, 0, time.UTC)},
		{"2019", "year", time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, grain, err := Parse(c.in)
		if err != nil || !got.Equal(c.start) || grain != c.grain {
			t.Errorf("Parse(%q) = %v, %q, %v; want %v, %q", c.in, got, grain, err, c.start, c.grain)
		}
	}
	for _, bad := range []string{"", "2023Q5", "2023-13", "2023-02-30", "23Q1", "2023-4", "0001H1", "0999"} {
		if _, _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
