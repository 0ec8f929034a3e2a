package analysis

import (
	"math"
	"testing"
)

func TestBetweennessOfAChain(t *testing.T) {
	// a → b → c: b lies on the one shortest path a..c; normalised by
	// (n-1)(n-2) = 2 ordered pairs.
	g := newGraph([][2]string{{"a", "b"}, {"b", "c"}})
	bc := g.betweenness()
	if bc[g.index["b"]] != 0.5 || bc[g.index["a"]] != 0 || bc[g.index["c"]] != 0 {
		t.Fatalf("betweenness %v", bc)
	}
}

func TestPageRankSumsToOneAndFavoursWhatIsNeeded(t *testing.T) {
	// Four services need a hub, the hub needs a data center.
	g := newGraph([][2]string{{"s1", "hub"}, {"s2", "hub"}, {"s3", "hub"}, {"s4", "hub"}, {"hub", "dc"}, {"s1", "s1"}})
	pr := g.pageRank(0.85)
	sum := 0.0
	for _, p := range pr {
		sum += p
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("ranks sum to %v", sum)
	}
	if !(pr[g.index["dc"]] > pr[g.index["hub"]] && pr[g.index["hub"]] > pr[g.index["s1"]]) {
		t.Fatalf("ranks %v", pr)
	}
	// Symmetric leaves rank equally; the self-loop was dropped.
	if math.Abs(pr[g.index["s1"]]-pr[g.index["s4"]]) > 1e-15 {
		t.Fatalf("s1 %v s4 %v", pr[g.index["s1"]], pr[g.index["s4"]])
	}
}

func TestDependencyCentralitySeed(t *testing.T) {
	recs := runAnalysis(t, openSeed(t), "dependency_centrality", nil)
	// Without hosting edges, the Kakao account is what most services
	// need: 24 direct dependents, 62 in all.
	top := recs[0]
	if top["node"] != "kakao_account" || top["in_degree"] != int64(24) || top["dependents"] != int64(62) {
		t.Fatalf("top node %v", top)
	}
	// With hosting edges, the data center is.
	if all := runAnalysis(t, openSeed(t), "dependency_centrality", map[string]string{"kinds": ""}); all[0]["node"] != "sk_cc_pangyo" {
		t.Fatalf("with hosting, top node %v", all[0])
	}
}

func BenchmarkDependencyCentrality(b *testing.B) { benchAnalysis(b, "dependency_centrality", nil) }
