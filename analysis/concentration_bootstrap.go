package analysis

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
)

var concentrationBootstrap = Analysis{Name: "concentration_bootstrap", Title: "HHI intervals where sources disagree",
	Doc: "Where several sources (company IR, panels) give different figures for the same platform and period, " +
		"each draw picks one figure per platform at random; the HHI's 2.5th, 50th and 97.5th percentiles over the draws.",
	Params: []Param{
		{Name: "category", Default: "messenger", Study: "market", Doc: "platform categories defining the market, comma-separated"},
		{Name: "country", Study: "market_country", Doc: "country of the market (default: the study's first market's)"},
		{Name: "draws", Default: "2000", Doc: "bootstrap draws per market"},
		{Name: "seed", Default: "1", Doc: "random seed; the same seed gives the same intervals"},
	},
	Compute: computeConcentrationBootstrap,
}

// bootMarket is one market period with every platform's candidate figures.
type bootMarket struct {
	country, measure, start, grain, label string
	platforms                             []string
	figures                               map[string][]bootFigure
}

type bootFigure struct {
	value                     float64
	estimator, source, period string
}

func computeConcentrationBootstrap(ctx context.Context, db *DB, params map[string]string) (*Table, error) {
	draws, err := intParam(params, "draws")
	if err != nil {
		return nil, err
	}
	if draws < 1 || draws > 1_000_000 {
		return nil, fmt.Errorf("parameter draws: %d is outside 1..1000000", draws)
	}
	seed, err := strconv.ParseUint(params["seed"], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("parameter seed: %q is not a non-negative integer", params["seed"])
	}
	cand, err := db.runSQL(ctx, Analysis{Name: "concentration_bootstrap"}, params)
	if err != nil {
		return nil, err
	}
	out := &Table{Columns: []string{"country", "category", "measure", "period_start", "period_grain", "period_label",
		"n_platforms", "multi_source_platforms", "candidates", "mixes_estimators", "n_combinations", "draws", "seed",
		"hhi_p2_5", "hhi_p50", "hhi_p97_5", "hhi_min", "hhi_max", "cr1_p2_5", "cr1_p50", "cr1_p97_5"}}
	for _, m := range groupBootMarkets(cand) {
		// Each market gets its own stream, so adding a market elsewhere
		// does not move this one's interval.
		h := fnv.New64a()
		fmt.Fprint(h, m.country, "|", m.measure, "|", m.start, "|", m.grain)
		rng := rand.New(rand.NewPCG(seed, h.Sum64()))
		hhis, cr1s := make([]float64, draws), make([]float64, draws)
		values := make([]float64, len(m.platforms))
		for d := range draws {
			for i, p := range m.platforms {
				fs := m.figures[p]
				values[i] = fs[rng.IntN(len(fs))].value
			}
			hhis[d], cr1s[d] = hhiOf(values)
		}
		lo, hi := exactRange(m)
		var candidates []string
		multi, estimators, combos := 0, map[string]bool{}, 1.0
		for _, p := range m.platforms {
			fs := m.figures[p]
			combos *= float64(len(fs))
			if len(fs) > 1 {
				multi++
			}
			for _, f := range fs {
				estimators[f.estimator] = true
				candidates = append(candidates, fmt.Sprintf("%s: %s %s = %.0f", p, f.source, f.period, f.value))
			}
		}
		sort.Float64s(hhis)
		sort.Float64s(cr1s)
		out.Rows = append(out.Rows, []any{m.country, params["category"], m.measure, m.start, m.grain, m.label,
			int64(len(m.platforms)), int64(multi), toAny(candidates), len(estimators) > 1, combos, int64(draws), int64(seed),
			quantile(hhis, 0.025), quantile(hhis, 0.5), quantile(hhis, 0.975), lo, hi,
			quantile(cr1s, 0.025), quantile(cr1s, 0.5), quantile(cr1s, 0.975)})
	}
	return out, nil
}

func groupBootMarkets(t *Table) []*bootMarket {
	var out []*bootMarket
	byKey := map[string]*bootMarket{}
	for _, r := range t.Records() {
		key := fmt.Sprint(r["country"], "|", r["measure"], "|", r["period_start"], "|", r["period_grain"])
		m, ok := byKey[key]
		if !ok {
			m = &bootMarket{country: asString(r["country"]), measure: asString(r["measure"]), start: asString(r["period_start"]),
				grain: asString(r["period_grain"]), label: asString(r["period_label"]), figures: map[string][]bootFigure{}}
			byKey[key] = m
			out = append(out, m)
		}
		p := asString(r["platform_id"])
		if _, ok := m.figures[p]; !ok {
			m.platforms = append(m.platforms, p)
		}
		v, _ := asFloat(r["value"])
		m.figures[p] = append(m.figures[p], bootFigure{value: v, estimator: asString(r["estimator"]),
			source: asString(r["source"]), period: asString(r["figure_period"])})
	}
	return out
}

// hhiOf returns the HHI (0..10000) and the leader's share of values.
func hhiOf(values []float64) (hhi, cr1 float64) {
	var total, top float64
	for _, v := range values {
		total += v
		top = math.Max(top, v)
	}
	if total <= 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range values {
		s := 100 * v / total
		hhi += s * s
	}
	return hhi, top / total
}

// exactRange enumerates every combination of figures when there are few
// enough, giving the HHI's true bounds; NaN when there are too many.
func exactRange(m *bootMarket) (lo, hi float64) {
	combos := 1
	for _, p := range m.platforms {
		combos *= len(m.figures[p])
		if combos > 100_000 {
			return math.NaN(), math.NaN()
		}
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	idx := make([]int, len(m.platforms))
	values := make([]float64, len(m.platforms))
	for {
		for i, p := range m.platforms {
			values[i] = m.figures[p][idx[i]].value
		}
		h, _ := hhiOf(values)
		lo, hi = math.Min(lo, h), math.Max(hi, h)
		// Odometer over the platforms' figure indexes.
		i := 0
		for ; i < len(idx); i++ {
			idx[i]++
			if idx[i] < len(m.figures[m.platforms[i]]) {
				break
			}
			idx[i] = 0
		}
		if i == len(idx) {
			return lo, hi
		}
	}
}

// quantile is the linear-interpolation quantile of sorted xs (type 7 in
// Hyndman and Fan, R's and NumPy's default).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := q * float64(len(sorted)-1)
	i := int(math.Floor(h))
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
