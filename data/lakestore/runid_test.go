package lakestore

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

func TestValidRunID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"20260101T000000Z-a1b2c3", true},
		{"nightly_2026-01-01.v2", true},
		{"A", true},
		{"a123456789012345678901234567890123456789012345678901234567890123", true}, // 64
		{"", false},
		{".hidden", false},
		{"-dash", false},
		{"a/b", false},
		{`a\b`, false},
		{"../../../esc", false},
		{"a..b", false},
		{"a b", false},
		{"run\x1b[31m", false},
		{"1234567890123456789012345678901234567890123456789012345678901234x", false}, // 65
	} {
		err := ValidRunID(tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("ValidRunID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
	}
}

func TestCheckNewRunIDRefusesACommittedID(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	if err := CheckNewRunID(dir, "first"); err != nil {
		t.Fatalf("a fresh lake refuses a new id: %v", err)
	}
	commitRunID(t, dir, "first")
	if err := CheckNewRunID(dir, "first"); !errors.Is(err, ErrRunIDUsed) {
		t.Fatalf("reused id: %v, want ErrRunIDUsed", err)
	}
	if err := CheckNewRunID(dir, "second"); err != nil {
		t.Fatalf("new id refused: %v", err)
	}
}

// commitRunID commits one platforms row as run id.
func commitRunID(t *testing.T, dir, id string) {
	t.Helper()
	l, err := Open(dir, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("platforms")
	row := &schema.Platform{PlatformID: "p", Name: "P",
		Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: time.Unix(0, 0).UTC(), RunID: id}}
	txn := l.Begin(id)
	if err := txn.Write(ds, partOf(row), []schema.Row{row}); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}
