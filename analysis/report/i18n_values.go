package report

import "strings"

// labels are the words the figures and print layout add (units, axis
// names, figure and table numbers, evidence classes), kept apart from the
// section texts in i18n.go.
var labels = map[string]map[string]string{
	"en": {
		"figure":                    "Figure",
		"table":                     "Table",
		"full_table":                "Full table (%d rows, CSV)",
		"appendix":                  "Appendix: wide tables",
		"appendix_ref":              "Table %d is printed in full in the appendix.",
		"million_users":             "million users",
		"zero_to_one":               "score, 0 to 1",
		"million_user_days":         "million user-days",
		"value_v_unit":              "revenue (V), %s",
		"krw_trillion":              "KRW trillion",
		"billion_of":                "%s billion",
		"others":                    "others (%d)",
		"time_axis":                 "time (%s)",
		"fire_start":                "incident start",
		"official_restore":          "official full restore %s",
		"metric.mau":                "MAU",
		"metric.dau":                "DAU",
		"metric.daily_users":        "daily users",
		"metric.daily_active_users": "daily users",
		"metric.mau_domestic":       "domestic MAU",
		"metric.time_spent":         "time spent",
		"evidence.live":             "live fetch",
		"evidence.archived":         "the user's archive",
		"evidence.fixture":          "bundled fixture",
		"evidence.compiled":         "compiled seed",
		"timezone":                  "Times in %s",
		"bibtex":                    "BibTeX",
		"csljson":                   "CSL-JSON",
	},
	"ko": {
		"figure":                    "그림",
		"table":                     "표",
		"full_table":                "전체 표 (%d행, CSV)",
		"appendix":                  "부록: 넓은 표",
		"appendix_ref":              "표 %d 전체는 부록에 있습니다.",
		"million_users":             "이용자(백만 명)",
		"zero_to_one":               "점수(0–1)",
		"million_user_days":         "노출 이용자·일(백만)",
		"value_v_unit":              "매출(V), %s",
		"krw_trillion":              "조 원",
		"billion_of":                "십억 %s",
		"others":                    "기타 (%d)",
		"time_axis":                 "시각(%s)",
		"fire_start":                "사고 시작",
		"official_restore":          "공식 완전 복구 %s",
		"metric.mau":                "MAU",
		"metric.dau":                "DAU",
		"metric.daily_users":        "일간 이용자",
		"metric.daily_active_users": "일간 이용자",
		"metric.mau_domestic":       "국내 MAU",
		"metric.time_spent":         "이용 시간",
		"evidence.live":             "실시간 수집",
		"evidence.archived":         "이용자 보관본",
		"evidence.fixture":          "번들 픽스처",
		"evidence.compiled":         "편찬 시드",
		"timezone":                  "시각은 %s 기준",
		"bibtex":                    "BibTeX",
		"csljson":                   "CSL-JSON",
	},
}

// koValues translates the values analyses write (bands, statuses,
// verdicts, bases) for a page in ko; a value not listed is data (a
// name, an id) and stays as it is.
var koValues = map[string]string{
	"highly concentrated":                "고집중",
	"moderately concentrated":            "중간 집중",
	"unconcentrated":                     "비집중",
	"true":                               "충족",
	"false":                              "미충족",
	"unknown":                            "미정",
	"met":                                "충족",
	"not met":                            "미충족",
	"undetermined":                       "미정",
	"crosses":                            "기준 초과",
	"own restore event":                  "자체 복구 보고",
	"company-wide restore":               "회사 전체 복구",
	"none":                               "없음",
	"quiet":                              "중단 의심",
	"ok":                                 "정상",
	"baseline":                           "기준 기간",
	"window":                             "사고 후 기간",
	"delta unknown":                      "변화량 미상",
	"no presumption":                     "추정 없음",
	"outside the safe harbours":          "안전지대 밖",
	"safe harbour: HHI < 1000 (para 19)": "안전지대: HHI < 1000 (19항)",
	"safe harbour: HHI 1000-2000, delta < 250 (para 20)":                "안전지대: HHI 1000–2000, 변화량 < 250 (20항)",
	"safe harbour: HHI > 2000, delta < 150 (para 20)":                   "안전지대: HHI > 2000, 변화량 < 150 (20항)",
	"unknown: not matched to a platform":                                "미정: 플랫폼과 연결되지 않음",
	"unknown: no traffic-share figure in the lake":                      "미정: 레이크에 트래픽 점유율 수치 없음",
	"unknown: no daily figure; pass dau_mau_ratio to estimate from MAU": "미정: 일간 수치 없음(dau_mau_ratio로 MAU에서 추정 가능)",
	"unknown: no business-user figure in the lake":                      "미정: 레이크에 사업 이용자 수치 없음",
	"unknown: no market-capitalisation figure in the lake":              "미정: 레이크에 시가총액 수치 없음",
	"unknown: no daily or monthly figure":                               "미정: 일간·월간 수치 없음",
	"change between periods, not a merger screen":                       "기간 간 변화(합병 심사 아님)",
	"HHI >= 1000: the para 20 safe harbours need a merger":              "HHI ≥ 1000: 20항 안전지대는 합병을 전제로 함",
	"no data":         "자료 없음",
	"verdict":         "판정",
	"leg":             "요건",
	"own start event": "자체 장애 시작 보고",
	"incident start":  "사고 시작",
}

// koPrefixes translate values an analysis builds from a fixed head and
// data (a date, a number, a name).
var koPrefixes = [][2]string{
	{"sources disagree: earliest full restore ", "출처 간 불일치: 가장 이른 완전 복구 "},
	{"estimate: MAU ", "추정: MAU "},
	{"unconverted: no cited EUR rate for ", "환산 불가: 인용된 유로 환율 없음 "},
	{"Union turnover FY", "EU 역내 매출 FY"},
	{"average market capitalisation FY", "평균 시가총액 FY"},
	{"counted at another node of platform ", "플랫폼의 다른 노드에서 집계 "},
	{"unknown: no ", "미정: 없음 "},
	{"undetermined: ", "미정: "},
	{"start event of ", "장애 시작 보고: "},
	{"stated by the source of the restore event: ", "복구 보고 출처가 밝힘: "},
	{"data: ", "자료: "},
	{"no law fits: the free exponent ", "맞는 법칙 없음: 자유 지수 "},
	{"best law by ", "최적 법칙, 기준 "},
}

// koFragments translate the pieces analyses compose explanations from
// (a designation's data_basis); applied in order when neither a whole
// value nor a prefix matches.
var koFragments = [][2]string{
	{"average of ", "평균: "},
	{", each against the line: ", ", 연도별로 기준선과 비교: "},
	{" in data/vocab/fx.csv", " (data/vocab/fx.csv)"},
	{" figure(s) (", "개 수치 ("},
	{" flagged ", " 표시: "},
	{" users against a line that counts users in the Union (benchmark)", " 이용자를 EU 역내 이용자 기준선과 비교(참고치)"},
	{"user line met in ", "이용자 기준 충족 "},
	{" (a year without data is unknown)", " (자료 없는 연도는 미정)"},
	{"; business-user leg as in ", "; 사업 이용자 요건은 다음과 같음: "},
	{"business_users figure", "사업 이용자 수치"},
	{"HHI >= 1000: the para 20 safe harbours need a merger's ΔHHI", "HHI ≥ 1000: 20항 안전지대는 합병의 ΔHHI를 전제로 함"},
	// A hypothetical merger's legs and verdicts (concentration, merge=a,b).
	{" (not observed in this market: ", " (이 시장에서 관측되지 않음: "},
	{" (no line in thresholds)", " (thresholds에 기준선 없음)"},
	{"post-merger HHI", "합병 후 HHI"},
	{"merged share", "합병 기업 점유율"},
	{" not met (", " 미충족 ("},
	{" met (", " 충족 ("},
	{" vs ", " 대 "},
	{" no data", " 자료 없음"},
	{" have no data", "에 자료 없음"},
	{" has no data", "에 자료 없음"},
	{" have", "에"},
	{" has", "에"},
	// network_effects' verdict and consistent_with.
	{" excludes b = 1, 2, 3 and n·ln n", "가 b = 1, 2, 3과 n·ln n을 배제"},
	{"; no law is best", "; 최적 법칙 없음"},
	{"; the free exponent's interval is undetermined", "; 자유 지수 구간 미정"},
	{"; the free exponent ", "; 자유 지수 "},
	{" is consistent with ", "와 부합: "},
	{"none of b = 1, 2, 3 or n·ln n", "b = 1, 2, 3, n·ln n 모두 아님"},
	{"95% CI", "95% 신뢰구간"},
}

// valueText is a value the program wrote, in the page language.
func valueText(lang, v string) string {
	if lang != "ko" {
		return v
	}
	if ko, ok := koValues[v]; ok {
		return ko
	}
	for _, p := range koPrefixes {
		if rest, ok := strings.CutPrefix(v, p[0]); ok {
			return p[1] + koFragmentsOf(rest)
		}
	}
	return koFragmentsOf(v)
}

func koFragmentsOf(v string) string {
	for _, f := range koFragments {
		v = strings.ReplaceAll(v, f[0], f[1])
	}
	return v
}
