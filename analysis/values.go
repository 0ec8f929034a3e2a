package analysis

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Compute steps read SQL results by column name; these convert the
// driver's values without panicking on NULL.

// ToFloat reads any numeric value the DuckDB driver returns: floats, ints
// of every width, HUGEINT (*big.Int) and DECIMAL (which has Float64).
func ToFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case *big.Int:
		if x == nil {
			return 0, false
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case interface{ Float64() float64 }:
		return x.Float64(), true
	}
	return 0, false
}

func asFloat(v any) (float64, bool) { return ToFloat(v) }

func asString(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// intParam parses an integer parameter, naming it in the error.
func intParam(params map[string]string, name string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(params[name]))
	if err != nil {
		return 0, fmt.Errorf("parameter %s: %q is not an integer", name, params[name])
	}
	return n, nil
}

// splitList splits a parameter on sep, trimming blanks and dropping empties.
func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
