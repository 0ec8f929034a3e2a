// Package synth generates SYNTHETIC rows for benchmarks: news articles,
// platforms and monthly users at any scale. Nothing here is evidence. Every
// row says so: the collector is "bench-synthetic", source titles start with
// "SYNTHETIC", URLs live under the reserved .invalid domain and platform ids
// start with "synthetic_". Row i is a pure function of (seed, i), so the
// same rows can be regenerated for another tool without storing them.
package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// Labels carried by every synthetic row.
const (
	CollectorName = "bench-synthetic"
	Version       = "1"
	SourceTitle   = "SYNTHETIC benchmark row (gwanmun bench/synth), not real evidence"
	Domain        = "synthetic.invalid"
	// Market is the (category, country) the synthetic platforms are dense
	// in, so the concentration analysis has real work to do there.
	MarketCategory = "messenger"
	MarketCountry  = "KR"
)

// Span of synthetic publication dates and MAU periods.
var (
	NewsStart = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	NewsDays  = 3653 // 2015-01-01 .. 2024-12-31
	// Spike is the synthetic "incident" a share of articles cluster on.
	Spike      = time.Date(2022, 10, 15, 6, 19, 0, 0, time.UTC)
	MAUStart   = time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	MAUMonths  = 240
	MAUSources = []string{"SYNTHETIC panel A", "SYNTHETIC panel B"}
)

// DupEvery makes every DupEvery-th news row a re-fetch of the row before
// it (same article_id, later fetched_at), so readers' dedup has work to do.
const DupEvery = 100

// mix is splitmix64: a fast, well-spread hash of a row index.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rng is a tiny deterministic stream seeded per row.
type rng uint64

func (r *rng) next() uint64   { *r += 0x9e3779b97f4a7c15; return mix(uint64(*r)) }
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

var words = strings.Fields(`카카오톡 먹통 장애 복구 서비스 데이터센터 화재 판교 이용자 메신저 플랫폼 정부 과기정통부
점검 피해 보상 대책 발표 사고 원인 배터리 서버 이중화 재난 관리 기업 네이버 라인 텔레그램 망명 가입자
급증 카카오페이 카카오T 택시 호출 결제 중단 지도 메일 로그인 인증 오류 접속 지연 시간 오후 오전 전면
부분 정상화 사과 대표 국회 국정감사 규제 법안 부가통신사업자 의무 강화 독과점 공정위 시장 점유율 조사`)

// Outlets is how many synthetic outlets there are; article counts follow
// a rough Zipf law over them, so outlet HHI is not trivial.
const Outlets = 40

func sentence(r *rng, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.intn(len(words))])
	}
	return b.String()
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// outlet picks an outlet index with a Zipf-like weight 1/(k+1).
func outlet(r *rng) int {
	// Inverse of the harmonic CDF by rejection: cheap and deterministic.
	for {
		k := r.intn(Outlets)
		if r.intn(k+1) == 0 {
			return k
		}
	}
}

// News returns synthetic article row i of a stream with the given seed.
func News(seed uint64, i int64) *schema.News {
	orig := i
	dup := i > 0 && i%DupEvery == DupEvery-1
	if dup {
		orig = i - 1
	}
	r := rng(mix(seed ^ uint64(orig)))
	o := outlet(&r)
	var pub time.Time
	if r.intn(50) == 0 { // 2% of coverage follows the synthetic incident
		pub = Spike.Add(time.Duration(r.intn(10*24*3600)) * time.Second)
	} else {
		pub = NewsStart.Add(time.Duration(r.intn(NewsDays*24*3600)) * time.Second)
	}
	host := fmt.Sprintf("news%02d.%s", o, Domain)
	u := "https://" + host + "/article/" + strconv.FormatInt(orig, 10)
	id := hexSum(u)[:32]
	n := &schema.News{
		ArticleID: id, URL: u, CanonicalURL: u,
		Outlet:        fmt.Sprintf("SYNTHETIC outlet %02d", o),
		Title:         "[SYNTHETIC] " + sentence(&r, 8),
		Lead:          sentence(&r, 30),
		Lang:          "ko",
		PublishedAt:   &pub,
		PublishedRaw:  pub.In(kst).Format("2006-01-02T15:04:05-07:00"),
		PublishedFrom: "meta:article:published_time",
		UTCOffset:     "+09:00",
		SourceType:    "article",
		Feed:          "https://" + host + "/rss.xml",
		ClusterID:     id[:12],
	}
	if r.intn(5) == 0 {
		n.MatchedTerms = []string{"카카오톡 먹통"}
		n.ServicesMentioned = []string{"kakaotalk"}
		if !pub.Before(Spike) && pub.Before(Spike.Add(90*24*time.Hour)) {
			n.IncidentID = "2022-10-15-pangyo-fire"
		}
	}
	fetched := pub.Add(time.Hour)
	if dup {
		fetched = fetched.Add(24 * time.Hour)
	}
	n.Provenance = schema.Provenance{
		SourceURL: u, SourceTitle: SourceTitle, FetchedAt: fetched,
		ContentSHA256: hexSum(n.Title + strconv.FormatBool(dup)),
	}
	return n
}

var kst = time.FixedZone("KST", 9*3600)

// MAUPlatforms is how many synthetic platforms monthly-user rows need.
func MAUPlatforms(rows int64) int64 {
	per := int64(MAUMonths * len(MAUSources))
	return max(2, (rows+per-1)/per)
}

// Platform returns synthetic platform p. One in five is a Korean messenger,
// the market the concentration benchmark asks about.
func Platform(p int64) *schema.Platform {
	cat, country := schema.PlatformCategories[int(p)%len(schema.PlatformCategories)], "JP"
	if p%5 == 0 {
		cat, country = MarketCategory, MarketCountry
	}
	id := fmt.Sprintf("synthetic_p%06d", p)
	return &schema.Platform{
		PlatformID: id, Name: "SYNTHETIC platform " + strconv.FormatInt(p, 10),
		Company: "SYNTHETIC company", Country: country, Category: cat,
		Provenance: schema.Provenance{
			SourceURL: "https://" + Domain + "/platforms/" + id, SourceTitle: SourceTitle,
			FetchedAt: NewsStart, ContentSHA256: hexSum(id),
		},
	}
}

// MAU returns synthetic monthly-user row i: platform i/(months·sources),
// month i/sources, source i%sources. Values follow a heavy-tailed law per
// platform with monthly noise.
func MAU(seed uint64, i int64) *schema.MAU {
	ns := int64(len(MAUSources))
	p := i / (int64(MAUMonths) * ns)
	month := int((i / ns) % int64(MAUMonths))
	src := MAUSources[i%ns]
	pl := Platform(p)
	base := rng(mix(seed ^ 0x5eed ^ uint64(p)))
	scale := 1e9 / float64(1+base.intn(200)) / float64(1+p%97)
	noise := rng(mix(seed ^ uint64(i)))
	value := float64(int64(scale * (0.8 + 0.4*float64(noise.intn(1000))/1000)))
	start := MAUStart.AddDate(0, month, 0)
	return &schema.MAU{
		PlatformID: pl.PlatformID, Country: pl.Country, Metric: "mau",
		PeriodStart: start, PeriodGrain: "month", PeriodLabel: start.Format("2006-01"),
		Value: value, Unit: "persons", Estimator: "panel", Source: src,
		Provenance: schema.Provenance{
			SourceURL: "https://" + Domain + "/mau/" + pl.PlatformID, SourceTitle: SourceTitle,
			FetchedAt: start.AddDate(0, 1, 0), ContentSHA256: hexSum(pl.PlatformID + src),
		},
	}
}

// Collector emits synthetic rows through the ordinary ingest path
// (validation, provenance, batching, Arrow, Parquet, atomic commit).
type Collector struct {
	Seed     uint64
	NewsRows int64
	MAURows  int64
}

// Info implements ingest.Collector. Kind "seed" means it needs no transport.
func (c *Collector) Info() ingest.Info {
	return ingest.Info{
		Name: CollectorName, Version: Version, Kind: "seed",
		URL:         "synthetic:" + Domain,
		Datasets:    []string{"news", "platforms", "mau"},
		Description: SourceTitle,
	}
}

// Collect implements ingest.Collector.
func (c *Collector) Collect(ctx context.Context, s *ingest.Session) error {
	if c.MAURows > 0 {
		for p := int64(0); p < MAUPlatforms(c.MAURows); p++ {
			s.Emit(Platform(p))
		}
		for i := int64(0); i < c.MAURows; i++ {
			s.Emit(MAU(c.Seed, i))
		}
	}
	for i := int64(0); i < c.NewsRows; i++ {
		if i%65536 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		s.Emit(News(c.Seed, i))
	}
	return nil
}
