package analysis

import (
	"context"
	"math"
)

var newsParams = []Param{
	{Name: "incident", Study: "incident", Doc: "incident whose earliest start event is day 0 (default: the study's)"},
	{Name: "start", Default: "", Doc: "explicit start instant (e.g. 2022-10-15T15:19:00+09:00), overriding the incident's"},
	{Name: "tz", Default: "UTC", Study: "tz", Doc: "time zone of the calendar days counted (default: the study's)"},
	{Name: "baseline_days", Default: "28", Doc: "days before day 0 averaged for the baseline"},
	{Name: "window_days", Default: "14", Doc: "days after day 0 in the window"},
	{Name: "service", Default: "", Doc: "count only articles naming this service, empty for all"},
}

var newsVolume = Analysis{Name: "news_volume", Title: "News volume around an incident",
	Doc:    "Articles and new story clusters per day from baseline_days before to window_days after the incident, against the baseline.",
	Params: newsParams}

var newsMentions = Analysis{Name: "news_mentions", Title: "Services and outlets named in the news",
	Doc:    "In the window after the incident: services named (per article and per cluster) and outlets.",
	Params: paramsNamed(newsParams, "incident", "start", "tz", "window_days")}

var newsAttention = Analysis{Name: "news_attention", Title: "News attention: baseline, peak and decay",
	Doc: "Per counting unit (article, story cluster): mean daily baseline, peak day and volume, peak ratio and the half-life " +
		"of the excess over baseline after the peak (exponential decay fitted by least squares on its logarithm).",
	Params:  newsParams,
	Compute: computeNewsAttention,
}

// paramsNamed picks params by name, for an analysis sharing part of
// another's parameter list.
func paramsNamed(ps []Param, names ...string) []Param {
	var out []Param
	for _, n := range names {
		for _, p := range ps {
			if p.Name == n {
				out = append(out, p)
			}
		}
	}
	return out
}

func computeNewsAttention(ctx context.Context, db *DB, params map[string]string) (*Table, error) {
	days, err := db.runSQL(ctx, Analysis{Name: "news_volume"}, params)
	if err != nil {
		return nil, err
	}
	out := &Table{Columns: []string{"unit", "days", "baseline_days", "window_days", "baseline_per_day", "peak_day",
		"peak_offset", "peak_volume", "peak_ratio", "window_total", "excess_in_window", "decay_rate", "half_life_days",
		"decay_fit_points", "decay_fit_r2"}}
	if len(days.Rows) == 0 {
		return out, nil
	}
	recs := days.Records()
	for _, unit := range []struct{ name, col string }{{"article", "articles"}, {"cluster", "clusters"}} {
		var base []float64
		var win []float64
		var winDay []string
		for _, r := range recs {
			v, _ := asFloat(r[unit.col])
			off, _ := asFloat(r["day_offset"])
			if off < 0 {
				base = append(base, v)
			} else {
				win = append(win, v)
				winDay = append(winDay, asString(r["day"]))
			}
		}
		baseline := mean(base)
		peak := 0
		total := 0.0
		for i, v := range win {
			total += v
			if v > win[peak] {
				peak = i
			}
		}
		rate, half, pts, r2 := decayFit(win[peak:], baseline)
		ratio := math.NaN()
		if baseline > 0 {
			ratio = win[peak] / baseline
		}
		out.Rows = append(out.Rows, []any{unit.name, int64(len(recs)), int64(len(base)), int64(len(win) - 1), baseline,
			winDay[peak], int64(peak), win[peak], ratio, total, total - baseline*float64(len(win)),
			rate, half, int64(pts), r2})
	}
	return out, nil
}

// decayFit fits excess(t) = A·exp(-λt) to the counts from the peak on
// (t = days since the peak), by least squares on ln(count - baseline) over
// the days with a positive excess. A rate needs three such days and a
// falling curve; otherwise NaN. Half-life = ln 2 / λ.
func decayFit(counts []float64, baseline float64) (rate, halfLife float64, points int, r2 float64) {
	var xs, ys []float64
	for t, c := range counts {
		if e := c - baseline; e > 0 {
			xs = append(xs, float64(t))
			ys = append(ys, math.Log(e))
		}
	}
	if len(xs) < 3 {
		return math.NaN(), math.NaN(), len(xs), math.NaN()
	}
	mx, my := mean(xs), mean(ys)
	var sxx, sxy, syy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	slope := sxy / sxx
	r2 = math.NaN()
	if syy > 0 {
		r2 = sxy * sxy / (sxx * syy)
	}
	if slope >= 0 {
		return math.NaN(), math.NaN(), len(xs), r2
	}
	return -slope, math.Ln2 / -slope, len(xs), r2
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
