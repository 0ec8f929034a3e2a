package rowhash

import (
	"crypto/sha256"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

func news() *schema.News {
	at := time.Date(2022, 10, 15, 7, 2, 0, 0, time.UTC)
	id := "<urn:uuid:1>"
	return &schema.News{
		ArticleID: "a1", URL: "https://x.kr/1", Title: "카카오톡 먹통", PublishedAt: &at,
		MatchedTerms: []string{"먹통"}, ServicesMentioned: []string{},
		Provenance: schema.Provenance{SourceURL: "https://x.kr/1", FetchedAt: at, Collector: "rss", RunID: "r1", WARCRecordID: &id},
	}
}

func sum(t *testing.T, r schema.Row) [Size]byte {
	t.Helper()
	s, err := Sum(r)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSumIgnoresRunIDOnly(t *testing.T) {
	base := sum(t, news())
	again := news()
	again.RunID = "r2"
	if sum(t, again) != base {
		t.Error("run_id changed the sum")
	}
	// Every other column changes it, one at a time.
	v := reflect.ValueOf(news()).Elem()
	for _, c := range schema.ColumnsOf(v.Type()) {
		if c.Name == "run_id" {
			continue
		}
		r := news()
		f := reflect.ValueOf(r).Elem().FieldByIndex(c.Index)
		switch {
		case f.Kind() == reflect.Pointer && f.IsNil():
			f.Set(reflect.New(f.Type().Elem()))
		case f.Kind() == reflect.Pointer:
			f.Set(reflect.Zero(f.Type()))
		case f.Kind() == reflect.String:
			f.SetString(f.String() + "x")
		case f.Kind() == reflect.Slice && f.IsNil():
			f.Set(reflect.MakeSlice(f.Type(), 0, 0))
		case f.Kind() == reflect.Slice:
			f.Set(reflect.Append(f, reflect.ValueOf("y")))
		case f.Type() == reflect.TypeFor[time.Time]():
			f.Set(reflect.ValueOf(f.Interface().(time.Time).Add(time.Microsecond)))
		default:
			t.Fatalf("column %s: no mutation for %s", c.Name, f.Type())
		}
		if sum(t, r) == base {
			t.Errorf("changing %s kept the sum", c.Name)
		}
	}
}

// Values are length-prefixed: moving a character between two adjacent
// strings is a different row.
func TestSumSeparatesFields(t *testing.T) {
	a, b := news(), news()
	a.Title, a.Lead = "ab", "c"
	b.Title, b.Lead = "a", "bc"
	if sum(t, a) == sum(t, b) {
		t.Error("title|lead boundary not in the sum")
	}
	// null and empty list differ, as they do in Parquet.
	a, b = news(), news()
	a.ServicesMentioned = nil
	if sum(t, a) == sum(t, b) {
		t.Error("null list and empty list hash alike")
	}
}

func TestHasherReuse(t *testing.T) {
	got := sum(t, news())
	h := New()
	for range 3 {
		if again, _ := h.Sum(news()); again != got {
			t.Fatal("a reused Hasher gave another sum")
		}
	}
}

func BenchmarkSum(b *testing.B) {
	r := news()
	h := New()
	for b.Loop() {
		if _, err := h.Sum(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONSHA256 is what ingest did before (per check): the row
// encoded to JSON, then hashed.
func BenchmarkJSONSHA256(b *testing.B) {
	r := news()
	for b.Loop() {
		j, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		_ = sha256.Sum256(j)
	}
}
