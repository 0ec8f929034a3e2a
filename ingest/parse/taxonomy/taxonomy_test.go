package taxonomy

import (
	"encoding/csv"
	"testing"

	"github.com/gwanmun/gwanmun/data"
	"github.com/gwanmun/gwanmun/data/schema"
)

func TestMap(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"seed label", "gift/commerce", "commerce"},
		{"seed label with slash", "identity/auth", "identity"},
		{"seed compound picks the seed loader's choice", "payments/finance", "payments"},
		{"seed label with parentheses", "identity/auth (third-party)", "identity"},
		{"seed label case-insensitive", "sns", "community"},
		{"korean gift", "선물하기", "commerce"},
		{"korean mobility", "모빌리티", "mobility"},
		{"korean easy pay", "간편결제", "payments"},
		{"korean login", "로그인", "identity"},
		{"korean webtoon", "웹툰", "content"},
		{"korean mail", "메일", "email"},
		{"taxonomy id", "notifications", "notifications"},
		{"taxonomy english name", "Taxi and mobility", "mobility"},
		{"taxonomy korean name", "알림톡·비즈메시지", "notifications"},
		{"other middle dot", "알림톡ㆍ비즈메시지", "notifications"},
		{"google play category", "Maps & Navigation", "maps"},
		{"ampersand spacing", "maps&navigation", "maps"},
		{"google play music", "Music & Audio", "content"},
		{"surrounding and inner spaces", "  portal /  search ", "search"},
		{"full-width slash", "gift／commerce", "commerce"},
		{"decomposed hangul (NFD)", "\u1106\u1169\u1107\u1175\u11af\u1105\u1175\u1110\u1175", "mobility"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Map(tt.raw)
			if !ok || got != tt.want {
				t.Errorf("Map(%q) = %q, %v; want %q, true", tt.raw, got, ok, tt.want)
			}
		})
	}
}

func TestMapRefusesBroadAndUnknown(t *testing.T) {
	for _, raw := range []string{
		"", " ", "라이프스타일", "커뮤니케이션", "비즈니스", "엔터테인먼트", "핀테크", "communication",
		"Travel & Local", "기타", "gift/commerce/extra", "unknown label", "commerce?",
	} {
		if got, ok := Map(raw); ok {
			t.Errorf("Map(%q) = %q, want no mapping", raw, got)
		}
	}
}

// Every label of the seed's services files must map, so the seed loader
// can use Map without losing a row.
func TestMapCoversSeedLabels(t *testing.T) {
	for _, name := range []string{"seed/gateway_services.csv", "seed/gateway_services_naver.csv"} {
		f, err := data.Seed.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		for i, h := range recs[0] {
			if h == "category" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("%s has no category column", name)
		}
		for _, r := range recs[1:] {
			if _, ok := Map(r[col]); !ok {
				t.Errorf("%s: category %q does not map", name, r[col])
			}
		}
	}
}

func TestEveryTaxonomyIDMapsToItself(t *testing.T) {
	for _, c := range schema.Taxonomy {
		for _, l := range []string{c.ID, c.En, c.Ko} {
			if got, ok := Map(l); !ok || got != c.ID {
				t.Errorf("Map(%q) = %q, %v; want %q", l, got, ok, c.ID)
			}
		}
	}
}

func FuzzMap(f *testing.F) {
	for _, ls := range labels {
		for _, l := range ls {
			f.Add(l)
		}
	}
	for _, l := range broad {
		f.Add(l)
	}
	f.Add("\u1106\u1169")
	f.Fuzz(func(t *testing.T, raw string) {
		id, ok := Map(raw)
		if ok != (id != "") {
			t.Fatalf("Map(%q) = %q, %v", raw, id, ok)
		}
		if ok && !schema.IsCategory(id) {
			t.Fatalf("Map(%q) = %q, not a taxonomy id", raw, id)
		}
		if id2, ok2 := Map(normalize(raw)); id2 != id || ok2 != ok {
			t.Fatalf("normalize is not idempotent for %q", raw)
		}
	})
}
