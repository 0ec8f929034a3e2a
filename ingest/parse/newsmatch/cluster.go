package newsmatch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/gwanmun/gwanmun/data/schema"
)

var errWindow = errors.New("window: from must be before to")

var (
	// A leading tag: [단독], [속보], (종합), 【사설】, [descriptive].
	leadTag = regexp.MustCompile(`^\s*(?:\[[^\]]{0,20}\]|\([^)]{0,12}\)|【[^】]{0,20}】|<[^>]{0,20}>)\s*`)
	// A trailing outlet credit: " - 조선일보", " | 디지털데일리".
	outletSuffix = regexp.MustCompile(`\s+[-|–—:]\s+[^-|–—:]{1,30}$`)
)

// NormalizeTitle is the form syndicated copies of a headline share: tags
// like [단독] and outlet credits removed, punctuation and case ignored.
func NormalizeTitle(title string) string {
	t := CleanText(title)
	for {
		s := leadTag.ReplaceAllString(t, "")
		if s == t {
			break
		}
		t = s
	}
	if s := outletSuffix.ReplaceAllString(t, ""); len([]rune(s)) >= 8 {
		t = s
	}
	t = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return ' '
	}, fold(t))
	return strings.Join(strings.Fields(t), " ")
}

// ClusterKey is the cluster_id of an article alone: "c" and 16 hex digits
// of the SHA-256 of its normalised title, so copies with the same headline
// get the same id in every collector and every run.
func ClusterKey(title string) string {
	sum := sha256.Sum256([]byte(NormalizeTitle(title)))
	return "c" + hex.EncodeToString(sum[:8])
}

// Similarity is the Jaccard index of two titles' character bigram sets
// (spaces ignored, so it works for Korean, which has no stable word
// boundaries in headlines).
func Similarity(a, b string) float64 {
	return jaccard(shingles(NormalizeTitle(a)), shingles(NormalizeTitle(b)))
}

func shingles(s string) map[string]bool {
	r := []rune(strings.ReplaceAll(s, " ", ""))
	out := map[string]bool{}
	if len(r) < 2 {
		if len(r) > 0 {
			out[string(r)] = true
		}
		return out
	}
	for i := 0; i+2 <= len(r); i++ {
		out[string(r[i:i+2])] = true
	}
	return out
}

// SimilarTitle is the bigram Jaccard index from which two headlines are
// taken as one syndicated story with light edits (a word added or dropped
// in a Korean headline keeps about 0.7; a different outcome word,
// 복구 완료 / 복구 지연, falls near 0.55).
const SimilarTitle = 0.7

// Cluster gives near-duplicate rows one cluster_id: rows with the same
// normalised title, or titles at least SimilarTitle alike (transitively).
// A cluster takes the ClusterKey of its smallest normalised title, so an
// exact-title cluster has the same id in every collector; similarity
// merges are only as wide as the rows given (one collector's run).
//
// It is near-linear rather than comparing every pair: equal titles are
// grouped by their normalised form first, and only distinct titles that
// share a rare bigram are compared (prefix filtering, below). The result
// is exactly that of comparing every pair, for any row order.
func Cluster(rows []*schema.News) {
	// Distinct normalised titles; rows with one title are one cluster.
	byNorm := map[string]int{}
	var titles []string
	of := make([]int, len(rows))
	for i, r := range rows {
		n := NormalizeTitle(r.Title)
		t, ok := byNorm[n]
		if !ok {
			t = len(titles)
			byNorm[n] = t
			titles = append(titles, n)
		}
		of[i] = t
	}
	parent := make([]int, len(titles))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, p := range similarPairs(titles) {
		if a, b := find(p[0]), find(p[1]); a != b {
			parent[b] = a
		}
	}
	// Each cluster's smallest title names it.
	rep := map[int]int{}
	for t := range titles {
		root := find(t)
		if cur, ok := rep[root]; !ok || titles[t] < titles[cur] {
			rep[root] = t
		}
	}
	keys := make([]string, len(titles))
	for t := range titles {
		keys[t] = normKey(titles[rep[find(t)]])
	}
	for i, r := range rows {
		r.ClusterID = keys[of[i]]
	}
}

// normKey is ClusterKey of a title already normalised.
func normKey(norm string) string {
	sum := sha256.Sum256([]byte(norm))
	return "c" + hex.EncodeToString(sum[:8])
}

// similarPairs returns the pairs of distinct titles (indexes into titles)
// whose bigram Jaccard index is at least SimilarTitle.
//
// Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): with
// each title's bigrams ordered rarest first, J(x, y) >= t implies the
// first |x| - ceil(t|x|) + 1 bigrams of x and the same prefix of y share
// a bigram, and t|x| <= |y| <= |x|/t. So an inverted index of prefixes
// yields every pair that can qualify; each candidate is then checked with
// the same jaccard as before. Frequent bigrams (카카, 먹통) sit at the
// end of the order and rarely enter a prefix, which keeps candidates few.
func similarPairs(titles []string) [][2]int {
	sets := make([][]int32, len(titles))
	ids := map[string]int32{}
	var freq []int
	for i, n := range titles {
		g := shingles(n)
		set := make([]int32, 0, len(g))
		for s := range g {
			id, ok := ids[s]
			if !ok {
				id = int32(len(freq))
				ids[s] = id
				freq = append(freq, 0)
			}
			freq[id]++
			set = append(set, id)
		}
		sets[i] = set
	}
	for _, set := range sets {
		sort.Slice(set, func(a, b int) bool {
			if fa, fb := freq[set[a]], freq[set[b]]; fa != fb {
				return fa < fb
			}
			return set[a] < set[b]
		})
	}
	// Visit titles by size so the size filter only looks back.
	order := make([]int, len(titles))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(sets[order[a]]) < len(sets[order[b]]) })
	index := map[int32][]int{}
	seen := make([]int, len(titles)) // last probe that saw a title, +1
	var pairs [][2]int
	for probe, i := range order {
		x := sets[i]
		if len(x) == 0 {
			continue
		}
		// A larger prefix than the bound only adds candidates; the 1e-9
		// keeps float rounding from ever making it smaller.
		need := int(math.Ceil(SimilarTitle*float64(len(x)) - 1e-9))
		prefix := min(len(x), len(x)-need+1)
		minSize := int(math.Floor(SimilarTitle*float64(len(x)) - 1e-9))
		for _, g := range x[:prefix] {
			for _, j := range index[g] {
				if seen[j] == probe+1 || len(sets[j]) < minSize {
					continue
				}
				seen[j] = probe + 1
				if jaccardSorted(x, sets[j], freq) >= SimilarTitle {
					pairs = append(pairs, [2]int{j, i})
				}
			}
			index[g] = append(index[g], i)
		}
	}
	return pairs
}

// jaccardSorted is jaccard of two bigram sets in the rarest-first order.
func jaccardSorted(a, b []int32, freq []int) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	less := func(x, y int32) bool {
		if freq[x] != freq[y] {
			return freq[x] < freq[y]
		}
		return x < y
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case less(a[i], b[j]):
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for g := range a {
		if b[g] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
