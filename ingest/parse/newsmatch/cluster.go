package newsmatch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
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
func Cluster(rows []*schema.News) {
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
