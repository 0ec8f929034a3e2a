package analysis

import (
	"fmt"
	"regexp"
)

// unitInterval names the result columns that are shares, ratios or
// indices of shares and so must lie in [0, 1]: a value outside is a bug
// (a numerator that is not part of its denominator), never a finding.
var unitInterval = regexp.MustCompile(`^(share|shares|user_share|sso_share|cr1|cr3|cr4|kftc_cr3|breadth|dependence|coverage|composite|reach_leader|dau_mau_ratio)$|_share$`)

// RangeViolations lists the cells of a result that leave their range.
func RangeViolations(name string, t *Table) []string {
	var out []string
	for j, c := range t.Columns {
		if !unitInterval.MatchString(c) {
			continue
		}
		for i, r := range t.Rows {
			v, ok := asFloat(r[j])
			if !ok {
				if l, isList := r[j].([]any); isList {
					for _, e := range l {
						if f, ok := asFloat(e); ok && (f < 0 || f > 1+1e-9) {
							out = append(out, fmt.Sprintf("%s row %d %s: %v outside [0,1]", name, i, c, f))
						}
					}
				}
				continue
			}
			if v < 0 || v > 1+1e-9 {
				out = append(out, fmt.Sprintf("%s row %d %s: %v outside [0,1]", name, i, c, v))
			}
		}
	}
	return out
}
