package newsmatch

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
)

// clusterQuadratic is Cluster as it was: every pair of titles compared.
// It is the reference the indexed Cluster must agree with.
func clusterQuadratic(rows []*schema.News) {
	parent := make([]int, len(rows))
	norm := make([]string, len(rows))
	for i, r := range rows {
		parent[i] = i
		norm[i] = NormalizeTitle(r.Title)
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	grams := make([]map[string]bool, len(rows))
	for i := range rows {
		grams[i] = shingles(norm[i])
	}
	for i := range rows {
		for j := i + 1; j < len(rows); j++ {
			if norm[i] == norm[j] || jaccard(grams[i], grams[j]) >= SimilarTitle {
				if a, b := find(i), find(j); a != b {
					parent[b] = a
				}
			}
		}
	}
	rep := map[int]int{}
	for i := range rows {
		root := find(i)
		if cur, ok := rep[root]; !ok || norm[i] < norm[cur] {
			rep[root] = i
		}
	}
	for i, r := range rows {
		r.ClusterID = ClusterKey(rows[rep[find(i)]].Title)
	}
}

// syntheticTitles builds n headlines from a small vocabulary, many of
// them light edits of each other (a word added, dropped or swapped, a tag
// or an outlet credit), so that exact copies, near copies and chains of
// near copies all occur.
func syntheticTitles(n int, seed uint64) []string {
	words := strings.Fields("카카오톡 카카오 먹통 장애 복구 지연 완료 판교 데이터센터 화재 메신저 대거 망명 " +
		"네이버 라인 서비스 일부 오류 전면 중단 정부 조사 보상 피해 이용자 소상공인 택시 결제 " +
		"outage Kakao restored fire data center users 1차 2차 사흘째 여전히")
	tags := []string{"", "", "", "[단독] ", "[속보] ", "(종합) "}
	credits := []string{"", "", "", " - 뉴스토마토", " | 디지털데일리", " - 조선일보"}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var bases [][]string
	for range n / 8 {
		k := 3 + r.IntN(6)
		b := make([]string, k)
		for i := range b {
			b[i] = words[r.IntN(len(words))]
		}
		bases = append(bases, b)
	}
	out := make([]string, n)
	for i := range out {
		b := append([]string(nil), bases[r.IntN(len(bases))]...)
		switch r.IntN(5) {
		case 0: // add a word
			at := r.IntN(len(b) + 1)
			b = append(b[:at], append([]string{words[r.IntN(len(words))]}, b[at:]...)...)
		case 1: // drop one
			if len(b) > 2 {
				at := r.IntN(len(b))
				b = append(b[:at], b[at+1:]...)
			}
		case 2: // swap one
			b[r.IntN(len(b))] = words[r.IntN(len(words))]
		}
		out[i] = tags[r.IntN(len(tags))] + strings.Join(b, " ") + credits[r.IntN(len(credits))]
	}
	return out
}

func TestClusterMatchesQuadratic(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 600
	}
	for _, seed := range []uint64{1, 2} {
		titles := syntheticTitles(n, seed)
		// Edge cases: empty and one-letter titles, tags only.
		titles = append(titles, "", "[단독]", "가", "가", "a b", "ab")
		got := make([]*schema.News, len(titles))
		want := make([]*schema.News, len(titles))
		for i, s := range titles {
			got[i] = &schema.News{ArticleID: fmt.Sprint(i), Title: s}
			want[i] = &schema.News{ArticleID: fmt.Sprint(i), Title: s}
		}
		Cluster(got)
		clusterQuadratic(want)
		ids := map[string]bool{}
		for i := range got {
			ids[want[i].ClusterID] = true
			if got[i].ClusterID != want[i].ClusterID {
				t.Fatalf("seed %d row %d %q: cluster %s, quadratic %s", seed, i, titles[i], got[i].ClusterID, want[i].ClusterID)
			}
		}
		// The input must exercise similarity merges, not only exact ones.
		exact := map[string]bool{}
		for _, s := range titles {
			exact[NormalizeTitle(s)] = true
		}
		if len(ids) >= len(exact) {
			t.Fatalf("seed %d: %d clusters for %d distinct titles: no near-duplicate was merged", seed, len(ids), len(exact))
		}
		t.Logf("seed %d: %d rows, %d distinct titles, %d clusters", seed, len(titles), len(exact), len(ids))
	}
}

// Row order must not change any cluster id.
func TestClusterOrderIndependent(t *testing.T) {
	titles := syntheticTitles(800, 7)
	rows := make([]*schema.News, len(titles))
	for i, s := range titles {
		rows[i] = &schema.News{ArticleID: fmt.Sprint(i), Title: s}
	}
	Cluster(rows)
	want := map[string]string{}
	for _, r := range rows {
		want[r.ArticleID] = r.ClusterID
	}
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	Cluster(rows)
	for _, r := range rows {
		if r.ClusterID != want[r.ArticleID] {
			t.Fatalf("row %s: cluster %s after shuffling, %s before", r.ArticleID, r.ClusterID, want[r.ArticleID])
		}
	}
}

func BenchmarkCluster(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		titles := syntheticTitles(n, 1)
		rows := make([]*schema.News, n)
		for i, s := range titles {
			rows[i] = &schema.News{Title: s}
		}
		b.Run(fmt.Sprint("indexed/", n), func(b *testing.B) {
			for b.Loop() {
				Cluster(rows)
			}
		})
		b.Run(fmt.Sprint("quadratic/", n), func(b *testing.B) {
			for b.Loop() {
				clusterQuadratic(rows)
			}
		})
	}
}
