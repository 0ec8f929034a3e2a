package synth

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
)

func TestRowsAreValidLabelledAndDeterministic(t *testing.T) {
	tests := []struct {
		name string
		row  func(i int64) schema.Row
	}{
		{"news", func(i int64) schema.Row { return News(1, i) }},
		{"mau", func(i int64) schema.Row { return MAU(1, i) }},
		{"platform", func(i int64) schema.Row { return Platform(i) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := int64(0); i < 5000; i++ {
				r := tt.row(i)
				if err := r.Validate(); err != nil {
					t.Fatalf("row %d: %v", i, err)
				}
				p := r.Prov()
				if p.SourceTitle != SourceTitle || !strings.Contains(p.SourceURL, Domain) {
					t.Fatalf("row %d is not labelled synthetic: %+v", i, p)
				}
				if !reflect.DeepEqual(r, tt.row(i)) {
					t.Fatalf("row %d differs between two calls", i)
				}
			}
		})
	}
}

func TestNewsDuplicatesAreRefetches(t *testing.T) {
	a, b := News(1, DupEvery-2), News(1, DupEvery-1)
	if a.ArticleID != b.ArticleID || !b.FetchedAt.After(a.FetchedAt) {
		t.Fatalf("row %d should re-fetch row %d later: %s %v, %s %v", DupEvery-1, DupEvery-2, a.ArticleID, a.FetchedAt, b.ArticleID, b.FetchedAt)
	}
	if News(1, 0).ArticleID == News(1, 1).ArticleID {
		t.Fatal("distinct rows share an article_id")
	}
}

func TestMAUCoversTheMarket(t *testing.T) {
	var market int
	for i := int64(0); i < int64(MAUMonths*len(MAUSources))*10; i++ {
		m := MAU(1, i)
		p := Platform(i / int64(MAUMonths*len(MAUSources)))
		if m.PlatformID != p.PlatformID {
			t.Fatalf("row %d: platform %s, want %s", i, m.PlatformID, p.PlatformID)
		}
		if p.Category == MarketCategory && p.Country == MarketCountry {
			market++
		}
	}
	if market == 0 {
		t.Fatal("no synthetic rows in the benchmark's market")
	}
}
