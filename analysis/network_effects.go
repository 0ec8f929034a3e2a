package analysis

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

var networkEffectsPoints = Analysis{Name: "network_effects_points", Title: "Network effects: value and users per period",
	Doc:    "Revenue against the platform's MAU per period, one estimator, one source per series: the points the fits use.",
	Params: networkEffectsParams}

var networkEffects = Analysis{Name: "network_effects", Title: "Network effects: which law fits value against users",
	Doc: "Least-squares fits of V = a·n, a·n·ln n, a·n², a·n³ and the free exponent ln V = ln a + b·ln n " +
		"(standard error and 95% t interval for b), with R², RMSE, AIC, AICc and BIC; criterion = AICc when points are few " +
		"(n/k < 40), else AIC; best = the law lowest on it, unless the free exponent's interval excludes every law: then verdict says no law fits.",
	Params:  networkEffectsParams,
	Compute: computeNetworkEffects,
}

var networkEffectsParams = []Param{
	{Name: "company", Study: "company", Doc: "company whose financials give V (default: the study's)"},
	{Name: "metric", Default: "revenue", Doc: "financial metric used as value"},
	{Name: "platform", Study: "gateway", Doc: "platform whose MAU gives n (default: the study's gateway)"},
	{Name: "country", Study: "country", Doc: "country of the MAU figures (default: the study's)"},
	{Name: "estimator", Default: "company-reported", Doc: "company-reported or panel: never mixed in one fit"},
	{Name: "grain", Default: "year", Study: "value_grain", Doc: "period grain of V: year or quarter (default: the study's)"},
}

// law is V = a·f(n) with one free parameter a.
type law struct {
	name, formula string
	exponent      float64 // NaN when f is not a power
	f             func(n float64) float64
}

var laws = []law{
	{"linear", "V = a·n", 1, func(n float64) float64 { return n }},
	{"n_log_n", "V = a·n·ln n", math.NaN(), func(n float64) float64 { return n * math.Log(n) }},
	{"metcalfe", "V = a·n²", 2, func(n float64) float64 { return n * n }},
	{"cubic", "V = a·n³", 3, func(n float64) float64 { return n * n * n }},
}

// fit is one law fitted to one series.
type fit struct {
	law, formula                      string
	a, b, bSE, bLow, bHigh            float64
	r2, r2Log, rmse, aic, bic, deltaA float64
	aicc, deltaC                      float64
	k                                 int
	best                              bool
	consistent                        string
}

// smallSample is Burnham & Anderson's rule (Model Selection and Multimodel
// Inference, 2nd ed., 2002, s. 2.4): use AICc when n/K < 40, K the
// parameters of the largest model compared (2, the free exponent).
const smallSample = 40

// fitSet is one series' fits and what they say together.
type fitSet struct {
	fits      []fit
	criterion string // "AICc" or "AIC"
	verdict   string
}

func computeNetworkEffects(ctx context.Context, db *DB, params map[string]string) (*Table, error) {
	pts, err := db.runSQL(ctx, Analysis{Name: "network_effects_points"}, params)
	if err != nil {
		return nil, err
	}
	type series struct {
		estimator, source string
		periods           []any
		n, v              []float64
	}
	var order []string
	bySource := map[string]*series{}
	for _, r := range pts.Records() {
		n, ok1 := asFloat(r["n"])
		v, ok2 := asFloat(r["v"])
		if !ok1 || !ok2 || n <= 0 || v <= 0 {
			continue // logs need positive values
		}
		key := asString(r["source"])
		s, ok := bySource[key]
		if !ok {
			s = &series{estimator: asString(r["estimator"]), source: key}
			bySource[key] = s
			order = append(order, key)
		}
		s.periods = append(s.periods, r["period_label"])
		s.n, s.v = append(s.n, n), append(s.v, v)
	}
	out := &Table{Columns: []string{"company", "platform", "estimator", "source", "grain", "n_points", "periods",
		"law", "formula", "a", "b", "b_se", "b_ci_low", "b_ci_high", "r2", "r2_log", "rmse", "aic", "bic", "delta_aic",
		"best", "consistent_with", "n_min", "n_max", "v_min", "v_max", "aicc", "delta_aicc", "criterion", "verdict"}}
	for _, key := range order {
		s := bySource[key]
		if len(s.n) < 3 {
			continue // two points fit any exponent exactly
		}
		set := fitLaws(s.n, s.v)
		nMin, nMax := minMax(s.n)
		vMin, vMax := minMax(s.v)
		for _, f := range set.fits {
			out.Rows = append(out.Rows, []any{params["company"], params["platform"], s.estimator, s.source, params["grain"],
				int64(len(s.n)), s.periods, f.law, f.formula, f.a, f.b, f.bSE, f.bLow, f.bHigh, f.r2, f.r2Log, f.rmse,
				f.aic, f.bic, f.deltaA, f.best, f.consistent, nMin, nMax, vMin, vMax, f.aicc, f.deltaC, set.criterion, set.verdict})
		}
	}
	return out, nil
}

// fitLaws fits the one-parameter laws by least squares in levels, and the
// free exponent by OLS in logs; AIC, AICc and BIC use the residuals in
// levels for every model, so they compare like with like (k = 1 for a law,
// 2 for the free exponent). The criterion is AICc when the points are few
// (n/2 < 40), else AIC; best is the law lowest on it. When the free
// exponent's 95% interval excludes every law (b = 1, 2, 3, and n·ln n's
// local exponent 1 + 1/ln n), no law is best: the verdict says none fits.
func fitLaws(n, v []float64) fitSet {
	m := float64(len(n))
	mean := 0.0
	for _, y := range v {
		mean += y / m
	}
	tss := 0.0
	for _, y := range v {
		tss += (y - mean) * (y - mean)
	}
	score := func(f *fit, pred func(i int) float64) {
		rss := 0.0
		for i := range v {
			e := v[i] - pred(i)
			rss += e * e
		}
		k := float64(f.k)
		f.r2 = 1 - rss/tss
		f.rmse = math.Sqrt(rss / m)
		f.aic = m*math.Log(rss/m) + 2*k
		f.bic = m*math.Log(rss/m) + k*math.Log(m)
		// AICc = AIC + 2k(k+1)/(n-k-1) (Hurvich & Tsai 1989); undefined
		// (null) when n <= k+1.
		f.aicc = math.NaN()
		if m-k-1 > 0 {
			f.aicc = f.aic + 2*k*(k+1)/(m-k-1)
		}
	}
	set := fitSet{criterion: "AIC"}
	if m/2 < smallSample {
		set.criterion = "AICc"
	}
	crit := func(f fit) float64 {
		if set.criterion == "AICc" {
			return f.aicc
		}
		return f.aic
	}
	var out []fit
	for _, l := range laws {
		var sfv, sff float64
		for i := range n {
			x := l.f(n[i])
			sfv += x * v[i]
			sff += x * x
		}
		f := fit{law: l.name, formula: l.formula, a: sfv / sff, b: l.exponent, k: 1,
			bSE: math.NaN(), bLow: math.NaN(), bHigh: math.NaN(), r2Log: math.NaN()}
		score(&f, func(i int) float64 { return f.a * l.f(n[i]) })
		out = append(out, f)
	}
	best, bestAIC, bestAICc := 0, 0, 0
	for i := range out {
		if crit(out[i]) < crit(out[best]) {
			best = i
		}
		if out[i].aic < out[bestAIC].aic {
			bestAIC = i
		}
		if out[i].aicc < out[bestAICc].aicc {
			bestAICc = i
		}
	}
	for i := range out {
		out[i].deltaA = out[i].aic - out[bestAIC].aic
		out[i].deltaC = out[i].aicc - out[bestAICc].aicc
	}

	// ln V = ln a + b ln n by OLS.
	var mx, my float64
	for i := range n {
		mx += math.Log(n[i]) / m
		my += math.Log(v[i]) / m
	}
	var sxx, sxy, syy float64
	for i := range n {
		dx, dy := math.Log(n[i])-mx, math.Log(v[i])-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	b := sxy / sxx
	lnA := my - b*mx
	rssLog := 0.0
	for i := range n {
		e := math.Log(v[i]) - lnA - b*math.Log(n[i])
		rssLog += e * e
	}
	se := math.Sqrt(rssLog / (m - 2) / sxx)
	t := studentTQuantile(0.975, m-2)
	free := fit{law: "free_exponent", formula: "ln V = ln a + b·ln n", a: math.Exp(lnA), b: b, k: 2,
		bSE: se, bLow: b - t*se, bHigh: b + t*se, r2Log: 1 - rssLog/syy}
	score(&free, func(i int) float64 { return math.Exp(lnA) * math.Pow(n[i], b) })
	free.deltaA = free.aic - out[bestAIC].aic
	free.deltaC = free.aicc - out[bestAICc].aicc
	// n·ln n is no power law; its elasticity d ln V / d ln n = 1 + 1/ln n,
	// taken at the geometric mean of n, is the exponent it stands for.
	nLogN := 1 + 1/mx
	var in []string
	for _, l := range []struct {
		name string
		b    float64
	}{{"linear (b=1)", 1}, {fmt.Sprintf("n_log_n (b≈%.2f)", nLogN), nLogN}, {"metcalfe (b=2)", 2}, {"cubic (b=3)", 3}} {
		if free.bLow <= l.b && l.b <= free.bHigh {
			in = append(in, l.name)
		}
	}
	free.consistent = "none of b = 1, 2, 3 or n·ln n"
	if len(in) > 0 {
		free.consistent = strings.Join(in, ", ")
	}
	interval := fmt.Sprintf("b = %.2f (95%% CI %.2f to %.2f)", free.b, free.bLow, free.bHigh)
	switch {
	case math.IsNaN(free.bLow) || math.IsNaN(free.bHigh):
		out[best].best = true
		set.verdict = fmt.Sprintf("best law by %s: %s (%s); the free exponent's interval is undetermined", set.criterion, out[best].law, out[best].formula)
	case len(in) == 0:
		set.verdict = fmt.Sprintf("no law fits: the free exponent %s excludes b = 1, 2, 3 and n·ln n (b≈%.2f); no law is best", interval, nLogN)
	default:
		out[best].best = true
		set.verdict = fmt.Sprintf("best law by %s: %s (%s); the free exponent %s is consistent with %s",
			set.criterion, out[best].law, out[best].formula, interval, free.consistent)
	}
	set.fits = append(out, free)
	return set
}

func minMax(xs []float64) (lo, hi float64) {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[0], s[len(s)-1]
}

// studentTQuantile is the p-quantile of Student's t with df degrees of
// freedom, by bisection on the CDF.
func studentTQuantile(p, df float64) float64 {
	if df <= 0 {
		return math.NaN()
	}
	lo, hi := -1e4, 1e4
	for range 200 {
		mid := (lo + hi) / 2
		if studentTCDF(mid, df) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func studentTCDF(t, df float64) float64 {
	x := df / (df + t*t)
	tail := 0.5 * regIncBeta(df/2, 0.5, x)
	if t > 0 {
		return 1 - tail
	}
	return tail
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by
// the continued fraction of Numerical Recipes (modified Lentz).
func regIncBeta(a, b, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a + b)
	lb, _ := math.Lgamma(a)
	lc, _ := math.Lgamma(b)
	front := math.Exp(la - lb - lc + a*math.Log(x) + b*math.Log(1-x))
	if x > (a+1)/(a+b+2) {
		return 1 - front*betaCF(b, a, 1-x)/b
	}
	return front * betaCF(a, b, x) / a
}

func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 300; m++ {
		fm := float64(m)
		num := fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return h
}
