package report

// Langs are the page languages.
var Langs = []string{"en", "ko"}

var texts = map[string]map[string]string{
	"en": {
		"title":                          "gwanmun — how much of daily digital life runs through one gateway",
		"mau_trend.title":                "Monthly active users, by estimator",
		"mau_trend.caption":              "Each line is one platform measured by one estimator and source; company-reported figures and panel estimates measure different things and are never joined into one line. Superseded panel estimates are replaced by their restatement.",
		"hhi.title":                      "Market concentration (HHI)",
		"hhi.caption":                    "HHI = Σ(100·share)² over the messengers one source measured in one period; shares are of MAU or daily users among the apps that source reports, so they overstate concentration when small apps are missing. Shaded bands: DOJ/FTC 2023 Merger Guidelines (HHI above 1,800 highly concentrated; 1,000–1,800 moderately). Users multi-home, so user shares are not sales shares.",
		"shares.title":                   "Shares of the latest measured messenger market",
		"shares.caption":                 "User shares among the messengers %s measured for %s (%s). Shares are within the apps one source measured; users multi-home, so shares of users are neither shares of time nor of sales.",
		"gateway_graph.title":            "Gateways and the services they open",
		"gateway_graph.caption":          "Each node is a service reached through a gateway app, coloured by its taxonomy category and sized by its latest domestic MAU where one is known (log scale; small grey-sized nodes have no user figure). Edges are dependencies: the gateway that opens a service, the account or login it needs, the payment system, the data centre that hosts it.",
		"lockin.title":                   "Gateway lock-in components",
		"lockin.caption":                 "Our own index, shown by its parts: breadth (share of the taxonomy's 17 categories the gateway's own services open), dependence (share of its own services that need the gateway's account), reach-weighted coverage (users of platforms reachable through it over users of all platforms in those categories, one panel's MAU) and their geometric mean, the composite. SSO reach (third-party services logging in through the gateway, as a share of the third-party services in its directory) is shown beside the composite, not in it.",
		"designation.title":              "Designation tests: who crosses which line",
		"feed_coverage.title":            "News feed coverage",
		"feed_coverage.caption":          "Articles per feed (RSS) or query (GDELT, news search APIs), the days they cover and their newest item. A feed whose newest item was fetched more than a day before its collector's newest is marked quiet: it may have stopped while the others kept running.",
		"designation.caption":            "Each row is one test evaluated whole, as its text is written: every leg against its line, combined with the regime's AND/OR, for one platform, data year and data series. The verdict is met, not met, or undetermined when a leg that could decide it has no data (it then names the leg); a single leg is never shown as the verdict. Tests: EU DMA Art. 3(2)(a) (EUR 7.5bn Union turnover in each of the last three financial years OR EUR 75bn market capitalisation, AND the service in three Member States; converted at the cited annual FX rates), Art. 3(2)(b)–(c) (45M monthly active end users AND 10k yearly business users, three years running; users of another country against a line that counts users in the Union are a benchmark only), and the national regimes whose lines the lake holds. The last column cites the primary legal text.",
		"outage_gantt.title":             "Restoration per service",
		"outage_gantt.caption":           "Each service from the incident's start to its first partial restoration and to full restoration, on a calendar axis in the report's time zone; the official full restoration is marked. Where sources disagree, the latest restore time is used; services without their own full-restore report close at the company-wide restoration. A restore known only to the day is shown as a date in the table, not as a bar. The table gives the official duration, where one was published, beside the computed ones, and each service's caveat.",
		"outage_impact.title":            "Outage impact: user-days exposed per service",
		"outage_impact.caption":          "User-days exposed = daily users × outage days, given as bounds: to first restore (a lower bound: some functions came back then) and to full restore (an upper bound: it assumes every daily user was cut off for the whole time). Daily users are the latest figure before the incident's day; where only MAU is known, DAU is MAU times the stated DAU/MAU ratio, printed on the row.",
		"blast_radius.title":             "Blast radius of the failed node",
		"blast_radius.caption":           "Services that depend, directly or through other services, on the failed data centre, as the dependency graph stood on the incident's day (edges and service listings observed after it are left out), weighted by the latest MAU of one panel in the 12 months before. A lower bound: services no source links to the data centre, and those without a matched platform or MAU, add no users. The user total double-counts: a person using two affected apps counts twice (users multi-home), so it is not a count of people.",
		"news_volume.title":              "News attention around the outage",
		"news_volume.caption":            "Articles per day (in the page's time zone) from the news feeds and searches in the lake, deduplicated by canonical URL: the 28 baseline days before the incident and the window after it. The table gives the attention measures: baseline per day, peak day and ratio, excess articles in the window, decay half-life.",
		"network_effects.title":          "Network effects: value against users",
		"network_effects.caption":        "Revenue against users per period with the fitted models V = a·n² (Metcalfe), V = a·n·ln n and V = a·n, and the free power law ln V = ln a + b·ln n (b≈2 Metcalfe, b≈1 linear), compared by R², RMSE and AIC as in Metcalfe (2013) and Zhang, Liu & Xu (2015); with few points (n/k < 40) AICc, the small-sample correction, decides. When the free exponent's 95% interval excludes 1, 2, 3 and n·ln n, no law is marked best and the verdict says no law fits.",
		"news_headlines.title":           "Headlines of the busiest news days",
		"news_headlines.caption":         "Titles as the lake holds them: the outlet's headline where a feed or page gave one; a title marked [descriptive] was written by the seed's compiler to describe an article and is not the outlet's headline (escaped: markup in a title shows as text).",
		"value_v":                        "revenue (V)",
		"observed":                       "observed",
		"lockin.sso_share":               "SSO reach (share)",
		"markets.title":                  "Concentration across market definitions",
		"markets.caption":                "HHI of every market one measurement covers: messengers alone, messengers with social apps, portals, video, maps, content. How wide the market is drawn moves the number more than any source does; the table gives the band under each regime (DOJ/FTC 2023, HMG 2010, EU 2004) and the KFTC's CR3 presumption.",
		"norows":                         "No rows for this chart in the lake.",
		"designation.undecided":          "%d platform–regime–period verdicts stay unknown for lack of data (e.g. business users); `gwanmun analyze designation` lists every leg.",
		"hours":                          "hours since the fire",
		"to_first":                       "until first partial restore",
		"first_to_full":                  "partial → full restore",
		"users":                          "users",
		"share":                          "share",
		"articles":                       "articles",
		"band.moderate":                  "moderately concentrated",
		"band.high":                      "highly concentrated",
		"sources":                        "Sources",
		"retrieved":                      "retrieved",
		"ref.retrieved":                  "retrieved %s",
		"outage_gantt.official":          "Official figure for %s (%s): %.2f h, beside the computed %.2f h from ignition and %.2f h from the service outage start. Restores a source dates only to a day are shown as dates, with an upper bound to the end of that day, and have no bar.",
		"ref.archived":                   "read from the user's archive, fetched %s",
		"ref.compiled":                   "compiled from stored copies on %s",
		"ref.fixture":                    "imitated by a bundled demo recording (fixture): not fetched",
		"ref.unknown":                    "how this page was read is not recorded",
		"caption.fixtures":               "%d source(s) only imitated by bundled demo recordings (fixtures), not fetched",
		"banner.fixture":                 "Demo data: %d of the references below are imitated by bundled, hand-made recordings (fixtures: real cited figures in imitated markup), not fetched from the source. Figures resting on them are marked in each caption; run a live or archived ingest before quoting them.",
		"methods":                        "Methods",
		"references":                     "References",
		"vintage":                        "Data vintage",
		"code":                           "code",
		"generated":                      "generated",
		"nodata":                         "No data for this section in the lake.",
		"shown":                          "Showing %d of %d rows.",
		"est.company-reported":           "company",
		"est.panel":                      "panel",
		"est.survey":                     "survey",
		"node.gateway":                   "Gateway app",
		"node.account":                   "Account / login",
		"node.infrastructure":            "Data centre",
		"lockin.breadth":                 "breadth",
		"lockin.dependence":              "dependence",
		"lockin.coverage":                "reach-weighted coverage",
		"lockin.reach_weighted_coverage": "reach-weighted coverage",
		"lockin.sso_reach":               "SSO reach",
		"lockin.composite":               "composite (geometric mean)",
		"lockin.lockin":                  "composite (geometric mean)",
	},
	"ko": {
		"title":                          "관문 — 하나의 관문 앱을 거치는 일상 디지털 생활의 비중",
		"mau_trend.title":                "월간 활성 이용자(MAU), 추정 주체별",
		"mau_trend.caption":              "선 하나는 한 플랫폼을 한 추정 주체·출처가 측정한 계열입니다. 회사 공시와 패널 추정은 측정 대상이 달라 한 선으로 잇지 않습니다. 정정된 패널 추정치는 정정값으로 대체했습니다.",
		"hhi.title":                      "시장 집중도(HHI)",
		"hhi.caption":                    "HHI = Σ(100·점유율)². 한 출처가 같은 기간에 측정한 메신저들 사이의 이용자 점유율로 계산하므로 소규모 앱이 빠지면 집중도가 과대평가됩니다. 음영: 미 법무부·FTC 2023 합병지침 기준(1,800 초과 고집중, 1,000–1,800 중간). 이용자는 여러 앱을 함께 쓰므로 이용자 점유율은 매출 점유율과 다릅니다.",
		"shares.title":                   "가장 최근에 측정된 메신저 시장 점유율",
		"shares.caption":                 "%s가 %s에 측정한 메신저들 사이의 이용자 점유율(%s). 한 출처가 측정한 앱들 안에서의 점유율이며, 이용자는 여러 앱을 함께 쓰므로 이용 시간이나 매출 점유율과 다릅니다.",
		"gateway_graph.title":            "관문 앱과 그 앱으로 열리는 서비스",
		"gateway_graph.caption":          "노드는 관문 앱을 거쳐 이용하는 서비스이며 색은 분류 체계의 범주, 크기는 알려진 최근 MAU(로그 척도)입니다. 이용자 수가 없는 서비스는 작은 점으로 표시합니다. 선은 의존 관계(서비스를 여는 관문, 필요한 계정·로그인, 결제, 호스팅 데이터센터)입니다.",
		"lockin.title":                   "관문 잠금 효과 구성 요소",
		"lockin.caption":                 "본 연구의 자체 지수이므로 구성 요소를 모두 보입니다. 폭(관문 자체 서비스가 여는 분류 범주 17개 중 비율), 의존도(자체 서비스 중 관문 계정이 필요한 비율), 이용자 가중 포괄도(관문으로 닿는 플랫폼 이용자 / 해당 범주 전체 플랫폼 이용자, 한 패널의 MAU), 그리고 이 셋의 기하평균인 종합 지수. SSO 도달(관문 로그인을 쓰는 제3자 서비스 비율)은 종합 지수에 넣지 않고 옆에 보입니다.",
		"designation.title":              "지정 요건: 누가 어떤 기준선을 넘는가",
		"feed_coverage.title":            "뉴스 피드 수집 현황",
		"feed_coverage.caption":          "피드(RSS)나 검색어(GDELT, 뉴스 검색 API)별 기사 수, 다루는 날짜 수와 가장 최근 기사. 같은 수집기의 가장 최근 수집보다 하루 이상 앞서 멈춘 피드는 quiet으로 표시합니다.",
		"designation.caption":            "행 하나는 조문에 쓰인 그대로 통째로 평가한 요건 하나입니다: 플랫폼·자료 연도·자료 계열별로 모든 요건(다리)을 기준선과 비교하고, 규정의 AND/OR로 결합합니다. 판정은 충족, 미충족, 또는 판정을 좌우할 요건에 자료가 없으면 미정(해당 요건을 명시)입니다. 요건 하나를 판정으로 보이지 않습니다. 요건: EU DMA 제3조 제2항 (a)(최근 3개 회계연도 각각 EU 매출 75억 유로 OR 시가총액 750억 유로, AND 3개 이상 회원국에서 제공; 인용한 연평균 환율로 환산), (b)–(c)(월간 활성 최종 이용자 4,500만 AND 연간 사업 이용자 1만, 3년 연속; 다른 나라 이용자를 EU 이용자 기준선에 비교한 것은 참고치), 레이크에 기준선이 있는 각국 규정. 마지막 열은 법령 원문을 인용합니다.",
		"outage_gantt.title":             "서비스별 복구",
		"outage_gantt.caption":           "장애 시작부터 서비스별 첫 부분 복구와 완전 복구까지를 보고서 시간대의 달력 축에 그립니다. 공식 완전 복구 시각을 표시합니다. 출처 간 시각이 다르면 가장 늦은 복구 시각을 쓰고, 자체 완전 복구 보고가 없는 서비스는 회사 전체 정상화로 닫습니다. 날짜만 알려진 복구는 막대가 아니라 표의 날짜로 보입니다. 표에는 공식 발표 시간(있으면)을 계산값 옆에, 서비스별 단서와 함께 적습니다.",
		"outage_impact.title":            "장애 영향: 서비스별 노출 이용자·일",
		"outage_impact.caption":          "노출 이용자·일 = 일간 이용자 × 장애 일수, 범위로 제시합니다: 첫 복구까지(하한: 그때 일부 기능이 돌아옴)와 완전 복구까지(상한: 모든 일간 이용자가 내내 끊겼다고 가정). 일간 이용자는 사고 당일 이전의 최신 수치이며, MAU만 있으면 행에 적힌 DAU/MAU 비율로 추정합니다.",
		"blast_radius.title":             "장애 지점의 파급 범위",
		"blast_radius.caption":           "장애가 난 데이터센터에 직접 또는 다른 서비스를 거쳐 의존하는 서비스. 의존 그래프는 사고 당일 기준(그 뒤에 관측된 연결과 서비스 목록은 제외)이며, 한 패널의 직전 12개월 최신 MAU로 가중합니다. 하한값입니다: 어떤 출처도 데이터센터와 잇지 않은 서비스, 플랫폼이나 MAU가 맞춰지지 않은 서비스는 이용자를 더하지 않습니다. 이용자 합계는 중복 집계입니다: 영향받은 앱 두 개를 쓰는 사람은 두 번 셉니다(멀티호밍). 사람 수가 아닙니다.",
		"news_volume.title":              "장애 전후 뉴스 관심도",
		"news_volume.caption":            "레이크의 뉴스 피드·검색에서 정규 URL로 중복을 없앤 일별 기사 수(페이지의 시간대 기준): 사고 전 28일 기준 기간과 사고 후 기간. 표는 관심도 지표(일평균 기준선, 최고일과 배율, 기간 내 초과 기사 수, 감쇠 반감기)입니다.",
		"network_effects.title":          "네트워크 효과: 이용자 수와 가치",
		"network_effects.caption":        "기간별 이용자 수 대비 매출과 적합 모형 V = a·n²(메트칼프), V = a·n·ln n, V = a·n, 자유 멱법칙 ln V = ln a + b·ln n(b≈2 메트칼프, b≈1 선형). Metcalfe(2013), Zhang·Liu·Xu(2015)처럼 R², RMSE, AIC로 비교합니다. 점이 적으면(n/k < 40) 소표본 보정 AICc로 판정합니다. 자유 지수의 95% 구간이 1, 2, 3과 n·ln n을 모두 배제하면 어느 법칙도 최적으로 표시하지 않고 판정에 맞는 법칙이 없다고 적습니다.",
		"news_headlines.title":           "기사가 가장 많았던 날의 제목",
		"news_headlines.caption":         "레이크에 담긴 제목: 피드나 페이지가 준 경우 매체의 제목, [descriptive] 표시가 붙은 제목은 시드 편집자가 기사를 설명하려고 쓴 것으로 매체의 제목이 아닙니다(이스케이프됨: 제목 속 마크업은 글자로 보입니다).",
		"value_v":                        "매출(V)",
		"observed":                       "관측값",
		"lockin.sso_share":               "SSO 도달(비율)",
		"markets.title":                  "시장 획정에 따른 집중도",
		"markets.caption":                "한 측정이 포괄하는 시장별 HHI: 메신저만, 메신저와 SNS, 포털, 동영상, 지도, 콘텐츠. 시장을 얼마나 넓게 긋느냐가 출처 차이보다 수치를 더 크게 바꿉니다. 표는 규제 기준별(미 DOJ/FTC 2023, HMG 2010, EU 2004) 구간과 공정위 CR3 추정을 보입니다.",
		"norows":                         "레이크에 이 차트의 행이 없습니다.",
		"designation.undecided":          "플랫폼·규정·기간 판정 %d건은 자료가 없어(예: 사업 이용자 수) 미정입니다. `gwanmun analyze designation`이 모든 요건을 보입니다.",
		"hours":                          "화재 후 경과 시간",
		"to_first":                       "첫 부분 복구까지",
		"first_to_full":                  "부분 → 완전 복구",
		"users":                          "이용자 수",
		"share":                          "점유율",
		"articles":                       "기사 수",
		"band.moderate":                  "중간 집중",
		"band.high":                      "고집중",
		"sources":                        "출처",
		"retrieved":                      "수집일",
		"ref.retrieved":                  "수집일 %s",
		"outage_gantt.official":          "%s 공식 수치(%s): %.2f시간. 계산값은 화재 발생부터 %.2f시간, 서비스 장애 시작부터 %.2f시간입니다. 출처가 날짜만 밝힌 복구는 날짜로 표시하고 그날 끝까지를 상한으로 두며, 막대는 그리지 않습니다.",
		"ref.archived":                   "사용자 보관본(WARC)에서 읽음, 원 수집일 %s",
		"ref.compiled":                   "%s에 저장본에서 편집",
		"ref.fixture":                    "번들 데모 녹화(픽스처)가 모방한 페이지: 실제로 수집하지 않음",
		"ref.unknown":                    "이 페이지를 읽은 방식이 기록되지 않음",
		"caption.fixtures":               "출처 %d건은 번들 데모 녹화(픽스처)가 모방한 것으로, 수집되지 않음",
		"banner.fixture":                 "데모 데이터: 아래 참고문헌 중 %d건은 실제로 수집하지 않고, 번들된 수작업 녹화(픽스처: 실제 인용 수치를 모방한 마크업에 담음)로 대신했습니다. 이에 기대는 수치는 각 캡션에 표시됩니다. 인용하기 전에 실시간 또는 보관본 수집을 실행하십시오.",
		"methods":                        "방법",
		"references":                     "참고문헌",
		"vintage":                        "데이터 버전",
		"code":                           "코드",
		"generated":                      "생성",
		"nodata":                         "레이크에 이 절의 데이터가 없습니다.",
		"shown":                          "%d행 표시 (전체 %d행).",
		"est.company-reported":           "회사 공시",
		"est.panel":                      "패널",
		"est.survey":                     "설문",
		"node.gateway":                   "관문 앱",
		"node.account":                   "계정·로그인",
		"node.infrastructure":            "데이터센터",
		"lockin.breadth":                 "폭",
		"lockin.dependence":              "의존도",
		"lockin.coverage":                "이용자 가중 포괄도",
		"lockin.reach_weighted_coverage": "이용자 가중 포괄도",
		"lockin.sso_reach":               "SSO 도달",
		"lockin.composite":               "종합(기하평균)",
		"lockin.lockin":                  "종합(기하평균)",
	},
}

// Text is a page label in lang (en or ko), for pages built outside this
// package such as notebooks.
func Text(lang, key string) string { return tr(lang, key) }

func tr(lang, key string) string {
	for _, m := range []map[string]map[string]string{texts, labels} {
		if s, ok := m[lang][key]; ok {
			return s
		}
	}
	for _, m := range []map[string]map[string]string{texts, labels} {
		if s, ok := m["en"][key]; ok {
			return s
		}
	}
	return key
}

// headers translates the table columns researchers see most; any other
// column keeps its SQL name, which is also what they query.
var headers = map[string]string{
	"period_label": "기간", "source": "출처", "metric": "지표", "n_platforms": "플랫폼 수", "leader": "1위",
	"effective_platforms": "유효 플랫폼 수", "delta_hhi": "ΔHHI", "doj_ftc_2023_band": "DOJ/FTC 2023 구간",
	"service_id": "서비스", "company": "회사", "first_restore": "첫 복구", "full_restore": "완전 복구",
	"hours_to_first_restore": "첫 복구까지(시간)", "hours_to_full_restore": "완전 복구까지(시간)",
	"full_restore_basis": "완전 복구 근거", "disagreement": "출처 간 차이", "platform": "플랫폼",
	"users": "이용자 수", "share": "점유율", "gateway_id": "관문", "services": "서비스 수", "categories": "범주 수",
	"account_linked": "계정 연동", "third_party": "제3자", "published_local": "게재 시각", "outlet": "매체", "title": "제목",
}

func header(lang, col string) string {
	if lang == "ko" {
		if h, ok := headers[col]; ok {
			return h
		}
	}
	return col
}

func methods(lang string) []Method {
	if lang == "ko" {
		return []Method{
			{"HHI", "HHI = Σ(100·s_i)², s_i는 한 시장(국가·기간·범주·지표·출처) 안의 이용자 점유율. 유효 플랫폼 수 = 10000/HHI. CR1/CR3 = 상위 1·3개 점유율 합. 기준선은 미 법무부·FTC 2023 합병지침(2.1절)."},
			{"점유율과 도달률", "이용자는 여러 앱을 함께 쓰므로(멀티호밍) MAU 점유율은 매출 점유율이 아니다. 점유율은 한 출처가 측정한 앱들 안에서만 계산하고, 출처를 섞지 않는다."},
			{"관문 잠금 지수", "관문 g에 대해 폭 = g의 자체 서비스가 여는 분류 범주 수 / 17, 의존도 = g 계정이 필요한 자체 서비스 / 자체 서비스, 이용자 가중 포괄도 = g로 닿는 플랫폼의 MAU / 해당 범주 전체 플랫폼의 MAU(한 패널, 관측일 전 12개월의 최신값). 종합 = (폭 × 의존도 × 포괄도)^(1/3), 0..1. SSO 도달 = g 로그인을 쓰는 제3자 서비스 수(열린 모집단의 수이므로 종합에 넣지 않는다). 자체 지수이므로 구성 요소를 모두 보인다."},
			{"복구 시간", "사고 시작(근원 서비스의 start 이벤트)부터 서비스별 partial_restore/restore 이벤트까지의 시간. 출처가 여럿이면 완전 복구는 가장 늦은 시각."},
			{"장애 영향과 파급 범위", "노출 이용자·일 = DAU × 장애 일수(DAU가 없으면 MAU × 명시한 DAU/MAU 비율). 파급 범위는 장애 노드에 의존 관계로 (간접적으로라도) 닿는 서비스의 집합을 이용자 수로 가중한 것."},
			{"뉴스 관심도", "정규 URL 해시로 중복 제거한 기사를 페이지의 시간대 기준 일 단위로 센다. 기준선은 사고 전 28일 평균, 최고치 배율 = 최고 일 기사 수 / 기준선, 반감기는 최고치 이후 감쇠에 맞춘 지수 함수에서 구한다."},
			{"네트워크 효과", "기간별로 ln V = ln a + b·ln n을 적합하고(b≈2 메트칼프, b≈1 선형) V = a·n², V = a·n·ln n, V = a·n을 R², RMSE, AIC로 비교한다(Metcalfe 2013; Zhang, Liu & Xu 2015)."},
			{"출처", "모든 행은 source_url, 수집 시각, 내용 해시, 수집기 이름과 버전을 가진다. 회사 공시와 패널 추정은 섞지 않는다. 웹에서 온 글자는 모두 HTML에서 이스케이프된다."},
		}
	}
	return []Method{
		{"HHI", "HHI = Σ(100·s_i)², with s_i a platform's share of users within one market (country, period, category, metric, source). Effective number of platforms = 10000 / HHI. CR1 / CR3 = the largest one / three shares summed. Bands from the DOJ/FTC 2023 Merger Guidelines (sec. 2.1)."},
		{"Shares and reach", "Users multi-home, so MAU shares are not sales shares. Shares are computed only among the apps one source measured in one period; sources are never pooled."},
		{"Gateway lock-in index", "For a gateway g: breadth = taxonomy categories g's own services open / 17; dependence = g's own services that need g's account / g's own services; reach-weighted coverage = MAU of platforms reachable via g / MAU of all platforms in those categories (one panel, latest within 12 months of the observation). Composite = (breadth × dependence × coverage)^(1/3), 0..1. SSO reach = third-party services logging in through g: a count of an open population, so it stays beside the composite. It is our own index, so every part is shown."},
		{"Restoration time", "Hours from the incident's root start event to each service's partial_restore / restore events. With several sources, full restoration is the latest reported time; a company-wide restoration closes services without a report of their own."},
		{"Outage impact and blast radius", "User-days exposed = DAU × outage days (DAU from data, or MAU × a stated DAU/MAU ratio). The blast radius is the set of services that reach the failed node through dependency edges, directly or transitively, weighted by users."},
		{"News attention", "Articles deduplicated by the hash of their canonical URL, counted per day in the page's time zone. Baseline = mean of the 28 days before the incident; peak ratio = busiest day / baseline; half-life from an exponential fitted to the decay after the peak."},
		{"Network effects", "Per period, fit ln V = ln a + b·ln n (b≈2 Metcalfe, b≈1 linear) and compare V = a·n², V = a·n·ln n and V = a·n by R², RMSE and AIC (Metcalfe 2013; Zhang, Liu & Xu 2015)."},
		{"Provenance", "Every row carries its source URL, fetch time, content hash, collector name and version; company-reported and panel figures are never mixed in one series. Everything that came from the web is escaped in the HTML."},
	}
}
