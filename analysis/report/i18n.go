package report

var texts = map[string]map[string]string{
	"en": {
		"title":         "gwanmun — how much of daily digital life runs through one gateway",
		"mau.title":     "Monthly active users in Korea, by estimator",
		"mau.caption":   "Each line is one platform measured by one estimator and source; company-reported figures (Kakao IR) and panel estimates (IGAWorks, WiseApp) measure different things and are never joined into one line. Superseded panel estimates are replaced by their restatement.",
		"conc.title":    "Concentration of the Korean messenger market (HHI)",
		"conc.caption":  "HHI = Σ(100·share)² over the messengers one source measured in one period; shares are of MAU or daily users among the apps that source reports, so they overstate concentration when small apps are missing. Dashed lines: DOJ/FTC 2023 Merger Guidelines bands (HHI above 1,800 highly concentrated; 1,000–1,800 moderately). Users multi-home, so user shares are not sales shares.",
		"out.title":     "2022-10-15 Pangyo data-center fire: hours to restoration per service",
		"out.caption":   "Hours from the fire (15:19 KST, per MSIT's CCTV-based finding) to each service's first partial restoration and to full restoration. Where sources disagree (e.g. PC KakaoTalk login 02:00 vs 10:25) the latest restore time is used. Services without their own full-restore report close at Kakao's company-wide restoration (2022-10-20 23:00 KST).",
		"hours":         "hours since the fire",
		"to_first":      "until first partial restore",
		"first_to_full": "partial → full restore",
		"users":         "users",
		"sources":       "Sources",
		"retrieved":     "retrieved",
		"methods":       "Methods",
		"references":    "References",
		"vintage":       "Data vintage",
		"code":          "code",
		"generated":     "generated",
	},
	"ko": {
		"title":         "관문 — 하나의 관문 앱을 거치는 일상 디지털 생활의 비중",
		"mau.title":     "국내 월간 활성 이용자(MAU), 추정 주체별",
		"mau.caption":   "선 하나는 한 플랫폼을 한 추정 주체·출처가 측정한 계열입니다. 회사 공시(카카오 IR)와 패널 추정(아이지에이웍스, 와이즈앱)은 측정 대상이 달라 한 선으로 잇지 않습니다. 정정된 패널 추정치는 정정값으로 대체했습니다.",
		"conc.title":    "국내 메신저 시장 집중도(HHI)",
		"conc.caption":  "HHI = Σ(100·점유율)². 한 출처가 같은 기간에 측정한 메신저들 사이의 이용자 점유율로 계산하므로 소규모 앱이 빠지면 집중도가 과대평가됩니다. 점선: 미 법무부·FTC 2023 합병지침 기준(1,800 초과 고집중, 1,000–1,800 중간). 이용자는 여러 앱을 함께 쓰므로 이용자 점유율은 매출 점유율과 다릅니다.",
		"out.title":     "2022-10-15 판교 데이터센터 화재: 서비스별 복구까지 걸린 시간",
		"out.caption":   "화재 발생(과기정통부 CCTV 기준 15:19) 이후 서비스별 첫 부분 복구와 완전 복구까지의 시간. 출처 간 시각이 다르면(예: PC 카카오톡 로그인 02:00 대 10:25) 가장 늦은 복구 시각을 씁니다. 자체 완전 복구 보고가 없는 서비스는 카카오 전체 정상화(2022-10-20 23:00)로 닫습니다.",
		"hours":         "화재 후 경과 시간",
		"to_first":      "첫 부분 복구까지",
		"first_to_full": "부분 → 완전 복구",
		"users":         "이용자 수",
		"sources":       "출처",
		"retrieved":     "수집일",
		"methods":       "방법",
		"references":    "참고문헌",
		"vintage":       "데이터 버전",
		"code":          "코드",
		"generated":     "생성",
	},
}

func tr(lang, key string) string {
	if s, ok := texts[lang][key]; ok {
		return s
	}
	return texts["en"][key]
}

func methods(lang string) []Method {
	if lang == "ko" {
		return []Method{
			{"HHI", "HHI = Σ(100·s_i)², s_i는 한 시장(국가·기간·범주·지표·출처) 안의 이용자 점유율. 유효 플랫폼 수 = 10000/HHI. CR1/CR3 = 상위 1·3개 점유율 합."},
			{"복구 시간", "사고 시작(근원 서비스의 start 이벤트)부터 서비스별 partial_restore/restore 이벤트까지의 시간. 출처가 여럿이면 완전 복구는 가장 늦은 시각."},
			{"출처", "모든 행은 source_url, 수집 시각, 내용 해시, 수집기 이름과 버전을 가진다. 회사 공시와 패널 추정은 섞지 않는다."},
		}
	}
	return []Method{
		{"HHI", "HHI = Σ(100·s_i)², with s_i a platform's share of users within one market (country, period, category, metric, source). Effective number of platforms = 10000 / HHI. CR1 / CR3 = the largest one / three shares summed. Bands from the DOJ/FTC 2023 Merger Guidelines (sec. 2.1)."},
		{"Restoration time", "Hours from the incident's root start event to each service's partial_restore / restore events. With several sources, full restoration is the latest reported time; a company-wide restoration closes services without a report of their own."},
		{"Provenance", "Every row carries its source URL, fetch time, content hash, collector name and version; company-reported and panel figures are never mixed in one series."},
	}
}
