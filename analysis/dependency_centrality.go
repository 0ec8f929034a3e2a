package analysis

import (
	"context"
	"math"
	"sort"
)

var dependencyCentrality = Analysis{Name: "dependency_centrality", Title: "Centrality of nodes in the dependency graph",
	Doc: "Per node of the dependency graph (edge: service → what it needs): in-degree, out-degree, transitive dependents, " +
		"PageRank (damping 0.85) and normalised betweenness, computed in Go from the dependencies view.",
	Params: []Param{
		{Name: "kinds", Default: defaultCentralityKinds, Doc: "edge kinds to include, comma-separated; empty for all (hosting included)"},
		{Name: "as_of", Default: "", Doc: "only edges observed by this day (YYYY-MM-DD); empty for every observation"},
	},
	Compute: computeDependencyCentrality,
}

// Hosting edges are left out by default: a data center is a single point
// of failure, not a gateway users choose, and it would top every ranking.
const defaultCentralityKinds = "account,gateway,login,payment,notification,maps,messaging"

// edgesSQL is the graph as it stood on $as_of (empty: every edge): an edge
// counts once a source observed it, as in blast_radius and lockin.
const edgesSQL = `SELECT DISTINCT from_id, to_id FROM dependencies_all
WHERE $kinds = '' OR list_contains(list_transform(string_split($kinds, ','), k -> trim(k)), kind)
GROUP BY from_id, to_id, kind
HAVING min(coalesce(observed_at, CAST(fetched_at AS DATE))) <= coalesce(TRY_CAST(nullif($as_of, '') AS DATE), DATE '9999-12-31')
ORDER BY from_id, to_id`

// graph is a directed graph over string node ids; an edge u → v means u
// needs v, so importance flows towards what is depended on.
type graph struct {
	ids   []string
	index map[string]int
	out   [][]int
	in    [][]int
}

func loadGraph(ctx context.Context, db *DB, kinds, asOf string) (*graph, error) {
	t, err := db.Query(ctx, edgesSQL, namedArgs(map[string]string{"kinds": kinds, "as_of": asOf})...)
	if err != nil {
		return nil, err
	}
	var edges [][2]string
	for _, r := range t.Rows {
		edges = append(edges, [2]string{asString(r[0]), asString(r[1])})
	}
	return newGraph(edges), nil
}

func newGraph(edges [][2]string) *graph {
	g := &graph{index: map[string]int{}}
	node := func(id string) int {
		if i, ok := g.index[id]; ok {
			return i
		}
		g.index[id] = len(g.ids)
		g.ids = append(g.ids, id)
		g.out = append(g.out, nil)
		g.in = append(g.in, nil)
		return len(g.ids) - 1
	}
	seen := map[[2]string]bool{}
	for _, e := range edges {
		if seen[e] || e[0] == e[1] {
			continue
		}
		seen[e] = true
		u, v := node(e[0]), node(e[1])
		g.out[u] = append(g.out[u], v)
		g.in[v] = append(g.in[v], u)
	}
	return g
}

// pageRank with damping d; the mass of nodes without out-edges (a data
// center, an account system at the bottom of the stack) is spread evenly,
// so the ranks sum to 1.
func (g *graph) pageRank(d float64) []float64 {
	n := len(g.ids)
	if n == 0 {
		return nil
	}
	pr := make([]float64, n)
	for i := range pr {
		pr[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for iter := 0; iter < 1000; iter++ {
		dangling := 0.0
		for u := range n {
			if len(g.out[u]) == 0 {
				dangling += pr[u]
			}
		}
		base := (1-d)/float64(n) + d*dangling/float64(n)
		for v := range next {
			next[v] = base
		}
		for u := range n {
			if k := len(g.out[u]); k > 0 {
				share := d * pr[u] / float64(k)
				for _, v := range g.out[u] {
					next[v] += share
				}
			}
		}
		diff := 0.0
		for i := range pr {
			diff += math.Abs(next[i] - pr[i])
		}
		pr, next = next, pr
		if diff < 1e-13 {
			break
		}
	}
	return pr
}

// betweenness is Brandes' algorithm for unweighted directed graphs,
// normalised by (n-1)(n-2), the number of ordered pairs a node can lie
// between.
func (g *graph) betweenness() []float64 {
	n := len(g.ids)
	cb := make([]float64, n)
	sigma := make([]float64, n)
	dist := make([]int, n)
	delta := make([]float64, n)
	preds := make([][]int, n)
	for s := range n {
		stack := make([]int, 0, n)
		for i := range n {
			sigma[i], dist[i], delta[i], preds[i] = 0, -1, 0, preds[i][:0]
		}
		sigma[s], dist[s] = 1, 0
		queue := []int{s}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			stack = append(stack, v)
			for _, w := range g.out[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					queue = append(queue, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
					preds[w] = append(preds[w], v)
				}
			}
		}
		for i := len(stack) - 1; i >= 0; i-- {
			w := stack[i]
			for _, v := range preds[w] {
				delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
			}
			if w != s {
				cb[w] += delta[w]
			}
		}
	}
	if n > 2 {
		for i := range cb {
			cb[i] /= float64((n - 1) * (n - 2))
		}
	}
	return cb
}

// dependents counts the nodes that reach v (need it, directly or not).
func (g *graph) dependents(v int) int {
	seen := map[int]bool{v: true}
	queue := []int{v}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, w := range g.in[u] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return len(seen) - 1
}

func computeDependencyCentrality(ctx context.Context, db *DB, params map[string]string) (*Table, error) {
	g, err := loadGraph(ctx, db, params["kinds"], params["as_of"])
	if err != nil {
		return nil, err
	}
	pr, bc := g.pageRank(0.85), g.betweenness()
	order := make([]int, len(g.ids))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		if pr[order[a]] != pr[order[b]] {
			return pr[order[a]] > pr[order[b]]
		}
		return g.ids[order[a]] < g.ids[order[b]]
	})
	t := &Table{Columns: []string{"node", "in_degree", "out_degree", "dependents", "pagerank", "betweenness", "rank"}}
	for rank, i := range order {
		t.Rows = append(t.Rows, []any{g.ids[i], int64(len(g.in[i])), int64(len(g.out[i])), int64(g.dependents(i)),
			pr[i], bc[i], int64(rank + 1)})
	}
	return t, nil
}
