package analysis

import "testing"

func TestServicePlatformsSeed(t *testing.T) {
	recs := runAnalysis(t, openSeed(t), "service_platforms", nil)
	for _, tc := range []struct {
		gateway, service string
		platform, basis  any
	}{
		{"kakao", "kakaomap", "kakaomap", "id"},
		{"naver", "line", "line", "id"},
		{"kakao", "kakaostory", "kakaostory", "id"},
		{"kakao", "daum", "daum", "id"},
		// A gap left visible rather than guessed over: no platform row
		// carries user figures for KakaoTalk's gift shop.
		{"kakao", "kakaotalk_gift", nil, nil},
	} {
		r := where(recs, "gateway_id", tc.gateway, "service_id", tc.service)
		if len(r) != 1 || r[0]["platform_id"] != tc.platform || r[0]["match_basis"] != tc.basis {
			t.Errorf("%s/%s = %v, want %v by %v", tc.gateway, tc.service, r, tc.platform, tc.basis)
		}
	}
}

func BenchmarkServicePlatforms(b *testing.B) { benchAnalysis(b, "service_platforms", nil) }
