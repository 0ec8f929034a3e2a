package seed

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
)

// seedCategories maps the seed's free-text category labels onto the fixed
// taxonomy. It is keyed by the exact labels in the two services files; a
// new label fails loudly instead of landing in a guessed category.
var seedCategories = map[string]string{
	"coffee/retail": "commerce", "e-commerce": "commerce", "grocery e-commerce": "commerce",
	"laundry logistics": "delivery", "public service": "public", "restaurant booking": "delivery",
	"retail": "commerce", "SNS": "community", "banking": "finance", "blog": "community",
	"blog/publishing": "community", "community": "community", "delivery/logistics": "delivery",
	"fashion commerce": "commerce", "games": "games", "mail": "email", "maps": "maps",
	"mobility": "mobility", "mobility supply side": "mobility", "music streaming": "content",
	"navigation": "maps", "payments/finance": "payments", "portal/search/news": "search",
	"transit": "mobility", "video": "content", "webtoon": "content", "webtoon (Japan)": "content",
	"webtoon/web-novel": "content", "business messaging": "notifications",
	"business messaging/ads": "notifications", "business tools": "productivity",
	"calendar": "productivity", "commerce": "commerce", "commerce/ads": "commerce",
	"digital content/commerce": "content", "food ordering/commerce": "delivery",
	"gift/commerce": "commerce", "group tools": "productivity", "identity": "identity",
	"identity/auth": "identity", "messaging": "messaging", "music": "content",
	"news/content curation": "news", "notifications": "notifications", "payments": "payments",
	"payments/gift": "payments", "search": "search", "social": "community",
	"storage/backup": "productivity", "voice/video calls": "messaging",
	"audiobooks": "content", "commerce/merchant tools": "commerce", "community chat": "community",
	"enterprise collaboration": "productivity", "finance": "finance",
	"food ordering/payments": "delivery", "game/live streaming": "games",
	"group community/SNS": "community", "live commerce": "commerce", "local reviews": "maps",
	"maps/local": "maps", "merchant tools/local": "commerce", "news": "news",
	"payments (third-party merchants)": "payments", "portal/search": "search",
	"sports content": "content", "translation (AI)": "productivity", "video (VOD)": "content",
	"web-novel/webtoon": "content", "metaverse/social": "community", "resale commerce": "commerce",
	"Q&A community": "community", "booking": "delivery", "contacts/PIM": "productivity",
	"identity/auth (third-party)": "identity", "identity/e-signature": "identity",
	"membership/loyalty": "commerce", "notes/PIM": "productivity", "public service (health)": "public",
}

// gateways maps the seed's gateway labels to the gateway (company-level
// entry point) and to the node that services reached through it depend on.
var gateways = map[string]struct {
	gateway, node, kind string
	thirdParty          bool
}{
	"KakaoTalk":                {"kakao", "kakaotalk", "gateway", false},
	"Kakao Account":            {"kakao", "kakao_account", "account", false},
	"Kakao APIs (third-party)": {"kakao", "", "", true},
	"Naver":                    {"naver", "naver", "gateway", false},
	"Naver (affiliate)":        {"naver", "naver", "gateway", false},
	"Naver ID":                 {"naver", "naver_id", "account", false},
}

// canonicalIDs renames derived slugs to the ids the web collectors and the
// outage timeline use, so services, dependencies and incidents join.
var canonicalIDs = map[string]string{
	"kakao/gift": "kakaotalk_gift", "kakao/kakaotalk_channel": "talk_channel", "kakao/kakao_map": "kakaomap",
	"kakao/taxi": "kakao_t", "kakao/kakaotv": "kakao_tv", "kakao/kakao_style": "zigzag",
	"kakao/wallet_digital_id": "kakaotalk_wallet", "kakao/portal": "daum", "kakao/보이스톡_페이스톡": "kakaotalk_voice_call",
	"kakao/이미지_동영상_파일_전송": "kakaotalk_media", "kakao/푸시메시지": "kakaotalk_push", "kakao/프로필_편집": "kakaotalk_profile",
	"kakao/이모티콘_스토어_이모티콘_플러스": "kakao_emoticon_store", "kakao/이모티콘_검색": "kakao_emoticon_search",
	"kakao/주문하기_order": "kakaotalk_order", "kakao/챗봇_서비스": "kakao_chatbot", "kakao/비즈플러그인": "kakao_bizplugin",
	"kakao/카카오_뮤직": "kakao_music", "kakao/kakao_t_driver_apps_택시기사": "kakao_t_driver",
	"kakao/alimtalk_notifications_from_businesses_g": "alimtalk", "kakao/notice": "kakaotalk_notice",
	"kakao/in_chat_remittance": "kakaopay_remittance", "kakao/pay_menu_in_더보기": "kakaopay_menu",
	"naver/search": "naver_search", "naver/news": "naver_news", "naver/knowledgein": "naver_kin",
	"naver/contacts": "naver_contacts", "naver/memo": "naver_memo", "naver/personal_cloud": "naver_mybox",
	"naver/chzzk_game_streaming": "chzzk", "naver/vibe_music_streaming": "vibe", "naver/band_group_community": "band",
	"naver/series_on": "naver_series_on", "naver/my_place_receipt_reviews": "naver_myplace",
	"naver/shopping_live": "naver_shopping_live", "naver/naver_works_collaboration": "naver_works",
	"naver/line_messenger": "line", "naver/zepeto_avatar_metaverse_sns": "zepeto",
	"naver/네이버_아이디로_로그인_네아로_naver_login_for_third_p": "naver_login",
	"naver/e_g_baemin": "naver_pay_merchants", "naver/covid_19_leftover_vaccine_booking_via_na": "naver_vaccine_booking",
	"naver/qr_table_ordering_payment": "naver_qr_order", "naver/limited_edition_resale_platform": "kream",
	"naver/account_aggregation_via_naver_pay": "naver_mydata", "naver/naver_plus_paid_membership": "naver_plus",
}

var parenEnglish = regexp.MustCompile(`\(([A-Za-z][^()]*)\)\s*$`)

// serviceID derives a stable slug: the English name in trailing
// parentheses when there is one, else the whole name.
func serviceID(name string) string {
	base := name
	if m := parenEnglish.FindStringSubmatch(name); m != nil {
		base = m[1]
	}
	if i := strings.IndexAny(base, ":;,"); i > 0 {
		base = base[:i]
	}
	var b strings.Builder
	lastUnderscore := true
	for _, r := range strings.ToLower(base) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	id := strings.Trim(b.String(), "_")
	if r := []rune(id); len(r) > 40 {
		id = strings.Trim(string(r[:40]), "_")
	}
	return id
}

func splitName(name string) (ko, en string) {
	if m := parenEnglish.FindStringSubmatchIndex(name); m != nil {
		return strings.TrimSpace(name[:m[0]]), name[m[2]:m[3]]
	}
	for _, r := range name {
		if unicode.Is(unicode.Hangul, r) {
			return name, ""
		}
	}
	return "", name
}

func accountLinked(raw string) bool {
	l := strings.ToLower(raw)
	if strings.HasPrefix(l, "none") || strings.Contains(l, "not verified") {
		return false
	}
	return strings.HasPrefix(l, "yes") || strings.Contains(l, "login") || strings.Contains(l, "log in") ||
		strings.Contains(l, "auth") || strings.Contains(l, "naver id")
}

// thirdPartyEdges reads which Kakao/Naver building blocks a third party
// used, from the evidence text the seed gives for it.
func thirdPartyEdges(raw, gateway string) []struct{ to, kind string } {
	l := strings.ToLower(raw)
	if strings.HasPrefix(l, "none") {
		return nil
	}
	var out []struct{ to, kind string }
	add := func(to, kind string) { out = append(out, struct{ to, kind string }{to, kind}) }
	if gateway == "naver" {
		add("naver_login", "login")
		return out
	}
	if strings.Contains(l, "login") || strings.Contains(l, "auth") || strings.Contains(l, "signup") || strings.Contains(l, "integration") {
		add("kakao_login", "login")
	}
	if strings.Contains(l, "pay") || strings.Contains(l, "gift voucher") {
		add("kakaopay", "payment")
	}
	if strings.Contains(l, "map") {
		add("kakaomap", "maps")
	}
	if strings.Contains(l, "alimtalk") {
		add("talk_channel", "notification")
	}
	return out
}

func (c *Collector) services(s *ingest.Session, _ platformIndex) error {
	observed := time.Date(2022, 10, 15, 0, 0, 0, 0, time.UTC) // the seed describes the gateways as of the fire
	seen := map[string]bool{}
	edge := func(from, to, kind, note string, prov schema.Provenance) {
		k := from + "|" + to + "|" + kind
		if seen[k] || from == to {
			return
		}
		seen[k] = true
		s.Emit(&schema.Dependency{FromID: from, ToID: to, Kind: kind, Note: note, ObservedAt: &observed, Provenance: prov})
	}
	for _, name := range []string{"gateway_services.csv", "gateway_services_naver.csv"} {
		t, err := c.read(name)
		if err != nil {
			return err
		}
		for i, r := range t.rows {
			where := fmt.Sprintf("data/seed/%s row %d", name, i+2)
			g, ok := gateways[t.get(r, "gateway")]
			if !ok {
				s.ParseFailure(where, fmt.Errorf("unknown gateway %q", t.get(r, "gateway")))
				continue
			}
			rawCat := t.get(r, "category")
			cat, ok := seedCategories[rawCat]
			if !ok {
				s.ParseFailure(where, fmt.Errorf("category %q is not mapped onto the taxonomy", rawCat))
				continue
			}
			svcName := t.get(r, "service")
			id := serviceID(svcName)
			if c, ok := canonicalIDs[g.gateway+"/"+id]; ok {
				id = c
			}
			ko, en := splitName(svcName)
			raw := t.get(r, "account_linked")
			url := t.get(r, "source_url")
			prov := t.prov(url, "")
			s.Emit(&schema.Service{
				GatewayID: g.gateway, ServiceID: id, ObservedAt: observed, NameKo: ko, NameEn: en,
				Category: cat, CategoryRaw: rawCat, Provider: t.get(r, "provider"), ThirdParty: g.thirdParty,
				EntryPoint: t.get(r, "gateway"), AccountLinked: accountLinked(raw), AccountRaw: raw,
				Provenance: prov,
			})
			switch {
			case g.thirdParty:
				for _, e := range thirdPartyEdges(raw, g.gateway) {
					edge(id, e.to, e.kind, raw, prov)
				}
			case g.node != "":
				edge(id, g.node, g.kind, "reached through "+t.get(r, "gateway"), prov)
				if inc := seedIncident(); g.gateway == "naver" && strings.Contains(strings.ToLower(raw), "impaired") {
					edge(id, inc.Root, "hosting", "partly impaired by the "+inc.Title+": "+raw, prov)
				}
			}
		}
	}
	return c.platformEdges(s, edge)
}

// platformEdges adds the edges the incident itself evidences: Kakao's
// account system and KakaoTalk ran from the failed data center (the
// study's root node), and the Kakao login and KakaoTalk both need the
// Kakao account.
func (c *Collector) platformEdges(s *ingest.Session, edge func(from, to, kind, note string, prov schema.Provenance)) error {
	t, err := c.read("outage_timeline.csv")
	if err != nil {
		return err
	}
	for _, r := range t.rows {
		if t.get(r, "service") == "Kakao (all services)" && t.get(r, "event") == "outage_start" {
			prov := t.prov(t.get(r, "source_url"), "")
			inc := seedIncident()
			note := "all Kakao services went down with the " + inc.Title + ": " + t.get(r, "note")
			edge("kakao_account", inc.Root, "hosting", note, prov)
			edge("kakaotalk", inc.Root, "hosting", note, prov)
			edge("kakaotalk", "kakao_account", "account", "KakaoTalk signs in with the Kakao account", prov)
			edge("kakao_login", "kakao_account", "account", "Kakao Login authenticates Kakao accounts", prov)
			return nil
		}
	}
	s.ParseFailure("data/seed/outage_timeline.csv", fmt.Errorf("no Kakao outage_start row to evidence hosting edges"))
	return nil
}

func (c *Collector) incidents(s *ingest.Session, _ platformIndex) error {
	t, err := c.read("outage_timeline.csv")
	if err != nil {
		return err
	}
	m, err := c.read("outage_timeline_map.csv")
	if err != nil {
		return err
	}
	type key struct{ service, event, ts string }
	mapping := map[key][]string{}
	for _, r := range m.rows {
		mapping[key{m.get(r, "service"), m.get(r, "event"), m.get(r, "timestamp_kst")}] = r
	}
	for i, r := range t.rows {
		where := fmt.Sprintf("data/seed/%s row %d", t.name, i+2)
		k := key{t.get(r, "service"), t.get(r, "event"), t.get(r, "timestamp_kst")}
		mr, ok := mapping[k]
		if !ok {
			s.ParseFailure(where, fmt.Errorf("no entry in outage_timeline_map.csv for %q %s", k.service, k.event))
			continue
		}
		raw := t.get(r, "timestamp_kst")
		at, err := parseKST(raw)
		if err != nil {
			s.ParseFailure(where, err)
			continue
		}
		note := t.get(r, "note")
		precision := "minute"
		if len(raw) == len("2006-01-02") {
			precision = "day"
			note = "date only in source (at_precision day: the event fell within that KST day). " + note
		}
		inc := seedIncident()
		for _, id := range strings.Split(m.get(mr, "service_ids"), "|") {
			s.Emit(&schema.Incident{
				IncidentID: inc.ID, ServiceID: id, Service: t.get(r, "service"),
				Company: t.get(r, "company"), Event: m.get(mr, "event_norm"), EventRaw: t.get(r, "event"),
				At: at.UTC(), AtLocal: raw, UTCOffset: "+09:00", AtPrecision: precision, Scope: m.get(mr, "scope"),
				Cause: inc.Cause, Note: note,
				Provenance: t.prov(t.get(r, "source_url"), ""),
			})
		}
	}
	return nil
}

// seedIncident is the incident the seed's timeline records: the default
// study's (data/studies), so its id and cause are written once, as data.
func seedIncident() *study.Incident { return study.Default().Incident }

func parseKST(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, KST); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: want 2006-01-02T15:04 (KST)", s)
}
