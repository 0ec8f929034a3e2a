package lakestore

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
)

// variedRows makes rows of ds that reach every column kind: one with every
// field at its zero value (nil pointers and lists, zero times the lake
// writes as null), one with empty non-nil lists and pointers to zero
// values (0, false, ""), and filled ones whose values differ per row.
func variedRows(ds schema.Dataset, n int) []schema.Row {
	var rows []schema.Row
	for i := 0; i < n; i++ {
		pv := reflect.New(ds.RowType)
		v := pv.Elem()
		for _, c := range ds.Columns() {
			f := v.FieldByIndex(c.Index)
			switch {
			case i == 0:
				continue // all zero
			case i == 1 && f.Kind() == reflect.Pointer && (c.Kind == schema.Timestamp || c.Kind == schema.Date):
				// A pointer to the zero time is written as null (the lake
				// has no year 1), so it reads back as nil: not a row the
				// lake can hold, on either path.
				continue
			case i == 1 && f.Kind() == reflect.Pointer:
				f.Set(reflect.New(f.Type().Elem()))
				continue
			case i == 1 && f.Kind() == reflect.Slice:
				f.Set(reflect.MakeSlice(f.Type(), 0, 0))
				continue
			case i == 1:
				continue
			}
			fill(f, c, i)
		}
		rows = append(rows, pv.Interface().(schema.Row))
	}
	return rows
}

func fill(f reflect.Value, c schema.Column, i int) {
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		fill(nv.Elem(), c, i)
		f.Set(nv)
		return
	}
	at := time.Date(2022, 10, 15, 6, 30, 0, 123456000, time.UTC).Add(time.Duration(i) * 37 * time.Hour)
	switch c.Kind {
	case schema.String:
		f.SetString(c.Name + " 카카오 <b>&" + string(rune('a'+i%26)))
	case schema.Int64:
		f.SetInt(int64(i*1000 - 3))
	case schema.Float64:
		f.SetFloat(float64(i) * 1.25e6)
	case schema.Bool:
		f.SetBool(i%2 == 0)
	case schema.Timestamp:
		f.Set(reflect.ValueOf(at))
	case schema.Date:
		f.Set(reflect.ValueOf(time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)))
	case schema.StringList:
		f.Set(reflect.ValueOf([]string{"먹통", c.Name, string(rune('a' + i%26))}[:1+i%3]))
	}
}

// TestRecordSumsAndKeysEqualTheRowPath: a record built from rows hashes
// and keys each row exactly as the row structs do, for every dataset, so
// the bulk path shares the repeat check, the rerun check and verify.
func TestRecordSumsAndKeysEqualTheRowPath(t *testing.T) {
	for _, ds := range schema.Datasets() {
		t.Run(ds.Name, func(t *testing.T) {
			rows := variedRows(ds, 6)
			rec, err := BuildRecord(memory.DefaultAllocator, ds, rows)
			if err != nil {
				t.Fatal(err)
			}
			defer rec.Release()
			rh, err := rowhash.NewRecordHasher(ds, rec.Schema())
			if err != nil {
				t.Fatal(err)
			}
			k := NewKeyer(ds)
			seen := map[[rowhash.Size]byte]bool{}
			for i, r := range rows {
				want, err := rowhash.Sum(r)
				if err != nil {
					t.Fatal(err)
				}
				got, err := rh.Sum(rec, i)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("row %d: record sum %x, row sum %x", i, got[:6], want[:6])
				}
				seen[got] = true
				gk, err := k.KeyRecord(rec, i)
				if err != nil {
					t.Fatal(err)
				}
				if wk := k.Key(r); gk != wk {
					t.Errorf("row %d: record key %s, row key %s", i, gk, wk)
				}
			}
			if len(seen) != len(rows) {
				t.Errorf("%d distinct sums for %d different rows", len(seen), len(rows))
			}
		})
	}
}

// TestWriteRecordEqualsWrite: the same rows written as a record batch and
// as rows give files with the same rows, row count and rows_sha256, so a
// bulk import and a row import of one input recognise each other as a
// rerun.
func TestWriteRecordEqualsWrite(t *testing.T) {
	for _, ds := range schema.Datasets() {
		t.Run(ds.Name, func(t *testing.T) {
			// Not rows 0 and 1, whose non-pointer times are zero: one is written as
			// null and read back as 1970 on either path, so its sum
			// cannot survive the round trip this test also checks.
			rows := variedRows(ds, 6)[2:]
			byRows := writeOneFile(t, ds, rows, false)
			byRecord := writeOneFile(t, ds, rows, true)
			if byRows.Rows != byRecord.Rows || byRows.RowsSHA256 != byRecord.RowsSHA256 {
				t.Fatalf("rows: %d rows %s; record: %d rows %s", byRows.Rows, byRows.RowsSHA256, byRecord.Rows, byRecord.RowsSHA256)
			}
		})
	}
}

func writeOneFile(t *testing.T, ds schema.Dataset, rows []schema.Row, asRecord bool) ManifestFile {
	t.Helper()
	dir := t.TempDir()
	l, err := Open(dir, "20221015T000000Z-aaaaaa", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	txn := l.Begin("20221015T000000Z-aaaaaa")
	w, err := txn.Create(ds, "")
	if err != nil {
		t.Fatal(err)
	}
	if asRecord {
		rec, err := BuildRecord(memory.DefaultAllocator, ds, rows)
		if err != nil {
			t.Fatal(err)
		}
		defer rec.Release()
		rh, err := rowhash.NewRecordHasher(ds, rec.Schema())
		if err != nil {
			t.Fatal(err)
		}
		sums := make([][rowhash.Size]byte, len(rows))
		for i := range rows {
			if sums[i], err = rh.Sum(rec, i); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.WriteRecord(rec, sums); err != nil {
			t.Fatal(err)
		}
	} else if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.Close(); err != nil || !ok {
		t.Fatalf("close: %v %v", ok, err)
	}
	m, err := txn.Commit([]string{"test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 {
		t.Fatalf("%d files", len(m.Files))
	}
	back, err := ReadRows(filepath.Join(dir, m.Files[0].Path), ds)
	if err != nil {
		t.Fatal(err)
	}
	got, err := RowsSHA256(back)
	if err != nil {
		t.Fatal(err)
	}
	if got != m.Files[0].RowsSHA256 {
		t.Errorf("rows read back hash to %s, the manifest says %s", got, m.Files[0].RowsSHA256)
	}
	return m.Files[0]
}

// TestWriteRecordRefusesAnotherSchema: a record whose columns are not the
// dataset's is an error naming the column, not a file other engines
// misread.
func TestWriteRecordRefusesAnotherSchema(t *testing.T) {
	mau, _ := schema.Lookup("mau")
	news, _ := schema.Lookup("news")
	rows := variedRows(news, 2)
	rec, err := BuildRecord(memory.DefaultAllocator, news, rows)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	l, err := Open(t.TempDir(), "20221015T000000Z-aaaaaa", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w, err := l.Begin("20221015T000000Z-aaaaaa").Create(mau, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	err = w.WriteRecord(rec, make([][rowhash.Size]byte, 2))
	if err == nil {
		t.Fatal("a news record was written into a mau file")
	}
	t.Log(err)
}

// TestRecordKeyOfOneString: the fast path for a one-string key (news'
// article_id) writes what json.Marshal writes, escapes and all.
func TestRecordKeyOfOneString(t *testing.T) {
	news, _ := schema.Lookup("news")
	k := NewKeyer(news)
	for _, id := range []string{"0f3a9c", "", "a b", `q"uote`, `back\slash`, "<tag>", "a&b", "카카오", "tab\there", "del\x7f", "\u2028", "bad\xff"} {
		row := &schema.News{ArticleID: id}
		rec, err := BuildRecord(memory.DefaultAllocator, news, []schema.Row{row})
		if err != nil {
			t.Fatal(err)
		}
		keys, err := k.RecordKeys(rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
		if want := k.Key(row); keys[0] != want {
			t.Errorf("%q: record key %s, row key %s", id, keys[0], want)
		}
	}
}
