package analysis

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

var lockin = Analysis{Name: "lockin", Title: "Gateway lock-in index and its parts",
	Doc: "Per gateway and observation date: breadth, dependence, reach-weighted coverage, their geometric mean, SSO reach, " +
		"and the centrality of the gateway's nodes in the dependency graph.",
	Params: []Param{
		{Name: "gateway", Default: "", Doc: "gateway id, empty for all"},
		{Name: "country", Study: "country", Doc: "country of the user figures weighting coverage (default: the study's)"},
		{Name: "source", Study: "users_source", Doc: "the one source whose MAU weights coverage, sources never mixed (default: the study's)"},
		{Name: "login_nodes", Study: "login_nodes", Doc: "the nodes third parties log in through, as gateway:node pairs, " +
			"comma-separated (default: the study's); empty: no SSO reach"},
		{Name: "kinds", Default: defaultCentralityKinds, Doc: "dependency kinds of the centrality graph, comma-separated; empty for all"},
		asOfParam(""),
	},
	Uses:    lockinQuery.Uses,
	Compute: computeLockin,
	Check:   checkLoginNodes,
}

// checkLoginNodes refuses a login_nodes value that is not gateway:node
// pairs: a pair the SQL cannot split would silently count no SSO reach.
func checkLoginNodes(_ context.Context, _ *DB, params map[string]string) error {
	for _, pair := range splitList(params["login_nodes"], ",") {
		g, n, ok := strings.Cut(pair, ":")
		if !ok || strings.TrimSpace(g) == "" || strings.TrimSpace(n) == "" || strings.Contains(n, ":") {
			return &ParamError{Analysis: "lockin", Param: "login_nodes",
				Err: fmt.Errorf("%q: want gateway:node pairs, comma-separated (gw:gw_login,gw:gw_account)", pair)}
		}
	}
	return nil
}

// lockinQuery is lockin.sql alone, the step before the centrality.
var lockinQuery = Analysis{Name: "lockin", Uses: []string{"service_platforms"}}

// computeLockin adds the gateway nodes' centrality to the SQL's parts:
// in-degree and transitive dependents of the node set, the sum of their
// PageRank and the largest betweenness among them, in the graph of the
// edges observed by the snapshot's day.
func computeLockin(ctx context.Context, db *DB, params map[string]string) (*Table, error) {
	t, err := db.runSQL(ctx, lockinQuery, params)
	if err != nil {
		return nil, err
	}
	// Each snapshot's centrality is the graph's as it stood on its day.
	type measures struct {
		g      *graph
		pr, bc []float64
	}
	graphs := map[string]*measures{}
	col, day := t.Col("gateway_nodes"), t.Col("observed_at")
	t.Columns = append(t.Columns, "in_degree", "dependents", "pagerank", "betweenness")
	for i, r := range t.Rows {
		d := asString(r[day])
		if tm, ok := r[day].(time.Time); ok {
			d = tm.Format("2006-01-02")
		}
		m, ok := graphs[d]
		if !ok {
			g, err := loadGraph(ctx, db, params["kinds"], d)
			if err != nil {
				return nil, err
			}
			m = &measures{g: g, pr: g.pageRank(0.85), bc: g.betweenness()}
			graphs[d] = m
		}
		g, pr, bc := m.g, m.pr, m.bc
		var nodes []int
		if l, ok := r[col].([]any); ok {
			for _, v := range l {
				if j, ok := g.index[asString(v)]; ok {
					nodes = append(nodes, j)
				}
			}
		}
		inDeg, deps := g.setDependents(nodes)
		var sum, best float64
		for _, j := range nodes {
			sum += pr[j]
			best = math.Max(best, bc[j])
		}
		t.Rows[i] = append(r, int64(inDeg), int64(deps), sum, best)
	}
	return t, nil
}

// setDependents counts the nodes outside set with an edge into it, and
// those that reach it by any path.
func (g *graph) setDependents(set []int) (direct, transitive int) {
	in := map[int]bool{}
	for _, v := range set {
		in[v] = true
	}
	seen := map[int]bool{}
	queue := append([]int(nil), set...)
	for _, v := range set {
		for _, u := range g.in[v] {
			if !in[u] && !seen[u] {
				direct++
				seen[u] = true
			}
		}
	}
	seen = map[int]bool{}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, w := range g.in[u] {
			if !in[w] && !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return direct, len(seen)
}
