package ingest

import (
	"context"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

type infoOnly Info

func (c infoOnly) Info() Info                            { return Info(c) }
func (infoOnly) Collect(context.Context, *Session) error { return nil }

// The evidence class comes from how the run reached the source, and only
// a page read in a run (live, or the original fetch of a user's archive)
// gets an access date.
func TestSessionStampsEvidence(t *testing.T) {
	fetched := time.Date(2022, 10, 16, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		kind     string
		mode     Mode
		bundled  bool
		want     string
		accessed bool
	}{
		{"live fetch", "web", Live, false, schema.EvidenceLive, true},
		{"record is a live fetch", "web", Record, false, schema.EvidenceLive, true},
		{"user's archive", "web", Replay, false, schema.EvidenceArchived, true},
		{"bundled demo recording", "web", Replay, true, schema.EvidenceFixture, false},
		{"embedded seed", "seed", "", false, schema.EvidenceCompiled, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *schema.Platform
			s := NewSession(infoOnly{Name: "x", Kind: tc.kind}, SessionOptions{
				Mode: tc.mode, Bundled: tc.bundled,
				Sink: func(r schema.Row) error { got = r.(*schema.Platform); return nil },
			})
			s.Emit(&schema.Platform{PlatformID: "p", Name: "P", Provenance: schema.Provenance{FetchedAt: fetched}})
			if got == nil {
				t.Fatal("row not emitted")
			}
			if got.Evidence != tc.want {
				t.Errorf("evidence %q, want %q", got.Evidence, tc.want)
			}
			switch {
			case tc.accessed && (got.AccessedAt == nil || !got.AccessedAt.Equal(fetched)):
				t.Errorf("accessed_at %v, want %v", got.AccessedAt, fetched)
			case !tc.accessed && got.AccessedAt != nil:
				t.Errorf("accessed_at %v for a page nobody read in a run", got.AccessedAt)
			}
		})
	}
}
