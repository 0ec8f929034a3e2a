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
	// Beside it, MSIT's official 127 h 33 min, read from the cited restore
	// event, and the service clock: Kakao's outage began 15:30, not at the
	// 15:19 ignition, so the service clock gives 127 h 30 min.
	k := where(recs, "service_id", "kakaotalk")[0]
	if !near(k["official_hours_to_full_restore"], 127+33.0/60, 1e-9) || !near(k["hours_from_service_outage_to_full_restore"], 127.5, 1e-9) ||
		k["service_outage_start_basis"] != "start event of kakao_all" {
		t.Errorf("kakaotalk official %v, service clock %v (%v)", k["official_hours_to_full_restore"],
			k["hours_from_service_outage_to_full_restore"], k["service_outage_start_basis"])
	}
	// Naver's "normal from the 17th" is dated only to a day: a date and an
	// upper bound to that day's end, never hours to midnight.
	n := where(recs, "service_id", "naver")
	if len(n) != 1 || n[0]["hours_to_full_restore"] != nil || n[0]["full_restore_local"] != "2022-10-17" ||
		!near(n[0]["hours_to_full_restore_upper"], 48+8+41.0/60, 1e-9) {
		t.Errorf("naver = %v", n)
	}
}

func BenchmarkOutageDurations(b *testing.B) { benchAnalysis(b, "outage_durations", nil) }
