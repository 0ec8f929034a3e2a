package analysis

import "testing"

func TestOutageDurationsSeed(t *testing.T) {
	recs := runAnalysis(t, openSeed(t), "outage_durations", nil)
	// PC KakaoTalk: sources give 02:00 and 10:25 KST on 2022-10-16 for
	// the login fix; the latest full restore is used and the row says so.
	r := where(recs, "service_id", "kakaotalk_pc")
	if len(r) != 1 || r[0]["disagreement"] == nil || r[0]["full_restore_basis"] != "own restore event" {
		t.Fatalf("kakaotalk_pc = %v", r)
	}
	// KakaoTalk itself closes with Kakao's all-clear, 23:00 KST 2022-10-20.
	if k := where(recs, "service_id", "kakaotalk"); len(k) != 1 || !near(k[0]["hours_to_full_restore"], 127+41.0/60, 1e-9) {
		t.Fatalf("kakaotalk = %v", k)
	}
}

func BenchmarkOutageDurations(b *testing.B) { benchAnalysis(b, "outage_durations", nil) }
