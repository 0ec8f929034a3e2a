package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/seed"
	"github.com/gwanmun/gwanmun/ingest/transport"
)

// probe is the small web collector the fault and bad-input tests drive
// through the real transport and runner. It reads MAU figures from an
// HTML table (table.mau), JSON ({"rows": [...]}) or XML (<mau><row/>),
// and reports what it cannot read the way collectors should: per page or
// per row, carrying on with the rest.
type probe struct{ urls []string }

func (p *probe) Info() ingest.Info {
	return ingest.Info{Name: "probe", Version: "1", Kind: "web", URL: p.urls[0], Datasets: []string{"mau"}}
}

func (p *probe) Collect(ctx context.Context, s *ingest.Session) error {
	c := s.Colly(colly.StdlibContext(ctx))
	c.OnResponse(func(r *colly.Response) { p.parse(s, r) })
	for _, u := range p.urls {
		// Fetch failures reach the ledger through the session's OnError.
		_ = c.Visit(u)
	}
	c.Wait()
	return nil
}

type probeRow struct {
	Platform string          `json:"platform" xml:"platform,attr"`
	Period   string          `json:"period" xml:"period,attr"`
	Users    json.RawMessage `json:"users" xml:"-"`
	UsersXML string          `json:"-" xml:"users,attr"`
}

func (p *probe) parse(s *ingest.Session, r *colly.Response) {
	u := r.Request.URL.String()
	if r.StatusCode >= 300 {
		msg := fmt.Sprintf("HTTP %d %s", r.StatusCode, http.StatusText(r.StatusCode))
		if r.StatusCode < 400 {
			msg += ": too many redirects"
		}
		s.Error(fmt.Errorf("fetch %s: %s", u, msg))
		return
	}
	if len(bytes.TrimSpace(r.Body)) == 0 {
		s.ParseFailure(u, errors.New("empty body"))
		return
	}
	header := r.Headers.Get("Content-Type")
	if header == "" {
		header = http.DetectContentType(r.Body) // as browsers do
	}
	ct, _, _ := mime.ParseMediaType(header)
	var rows [][3]string
	var err error
	switch ct {
	case "text/html":
		rows, err = htmlRows(r.Body)
	case "application/json":
		rows, err = jsonRows(r.Body)
	case "application/xml", "text/xml":
		rows, err = xmlRows(r.Body)
	default:
		err = fmt.Errorf("unsupported content type %q", ct)
	}
	if err != nil {
		s.ParseFailure(u, err)
	}
	prov := s.Prov(r, "probe")
	for i, cells := range rows {
		row, err := probeMAU(cells, prov)
		if err != nil {
			s.ParseFailure(u, fmt.Errorf("row %d: %w", i+1, err))
			continue
		}
		s.Emit(row)
	}
}

func htmlRows(body []byte) ([][3]string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	table := doc.Find("table.mau")
	if table.Length() == 0 {
		return nil, errors.New("no table.mau in the page")
	}
	var out [][3]string
	var bad error
	table.Find("tr").Each(func(i int, tr *goquery.Selection) {
		tds := tr.Find("td")
		if tds.Length() == 0 {
			return // header
		}
		if tds.Length() != 3 {
			bad = errors.Join(bad, fmt.Errorf("row %d: %d cells, want 3", len(out)+1, tds.Length()))
			return
		}
		var cells [3]string
		tds.Each(func(j int, td *goquery.Selection) { cells[j] = strings.TrimSpace(td.Text()) })
		out = append(out, cells)
	})
	return out, bad
}

func jsonRows(body []byte) ([][3]string, error) {
	var doc struct {
		Rows []probeRow `json:"rows"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	var out [][3]string
	var bad error
	for i, r := range doc.Rows {
		var users string
		if err := json.Unmarshal(r.Users, &users); err != nil {
			var n json.Number
			if err := json.Unmarshal(r.Users, &n); err != nil {
				bad = errors.Join(bad, fmt.Errorf("row %d: users: want a string or a number, got %s", i+1, r.Users))
				continue
			}
			users = n.String()
		}
		out = append(out, [3]string{r.Platform, r.Period, users})
	}
	return out, bad
}

func xmlRows(body []byte) ([][3]string, error) {
	var doc struct {
		XMLName xml.Name   `xml:"mau"`
		Rows    []probeRow `xml:"row"`
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	out := make([][3]string, len(doc.Rows))
	for i, r := range doc.Rows {
		out[i] = [3]string{r.Platform, r.Period, r.UsersXML}
	}
	return out, nil
}

var probePlatforms = map[string]string{"kakaotalk": "kakaotalk", "카카오톡": "kakaotalk", "line": "line", "네이버": "naver"}

// reDMY matches 03/04/2023 and 3.4.2023, where day and month can swap.
var reDMY = regexp.MustCompile(`^\d{1,2}[/.]\d{1,2}[/.]\d{4}$`)

func probeMAU(c [3]string, prov schema.Provenance) (*schema.MAU, error) {
	if c[0] == "" {
		return nil, errors.New("platform is empty")
	}
	if strings.ContainsRune(c[0], '\uFFFD') {
		return nil, fmt.Errorf("undecodable text %q (wrong charset?)", c[0])
	}
	id, ok := probePlatforms[strings.ToLower(c[0])]
	if !ok {
		return nil, fmt.Errorf("unknown platform %q", c[0])
	}
	if reDMY.MatchString(c[1]) {
		return nil, fmt.Errorf("ambiguous date %q: day and month order unknown", c[1])
	}
	start, grain, err := seed.ParsePeriod(c[1])
	if err != nil {
		return nil, err
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(c[2], ",", ""), 64)
	if err != nil {
		return nil, fmt.Errorf("users %q: %w", c[2], err)
	}
	return &schema.MAU{
		PlatformID: id, Country: "KR", Metric: "mau", PeriodStart: start, PeriodGrain: grain,
		PeriodLabel: c[1], Value: v, Unit: "persons", Estimator: "panel", Source: "probe",
		Provenance: prov,
	}, nil
}

// goodPage is served by its own server in every test: its two rows must
// land whatever the other server does.
const goodPage = `<html><body><table class="mau">
<tr><th>platform</th><th>period</th><th>users</th></tr>
<tr><td>kakaotalk</td><td>2023Q1</td><td>47,000,000</td></tr>
<tr><td>네이버</td><td>2023Q1</td><td>41,000,000</td></tr>
</table></body></html>`

func goodServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/good" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, goodPage)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// probeRun is what one run of the probe left in the lake.
type probeRun struct {
	sum    ingest.Summary
	ledger *schema.Run
	mau    []*schema.MAU
}

// runProbe ingests the good page and bad's /case through the real
// transport (live mode, loopback, fast retries) into a fresh lake.
func runProbe(t *testing.T, bad http.Handler, tc transport.Config) probeRun {
	t.Helper()
	good := goodServer(t)
	badSrv := httptest.NewServer(bad)
	t.Cleanup(badSrv.Close)
	dir := t.TempDir()
	tc.Mode, tc.RespectRobots, tc.AllowZeroDelay = transport.ModeLive, true, true
	// No AllowedDomains: the session must keep redirects on the source's
	// sites by itself, as it does for the CLI.
	if tc.MaxRetries == 0 {
		tc.MaxRetries = 2
	}
	tc.BackoffBase, tc.BackoffMax = time.Millisecond, 5*time.Millisecond
	if tc.Timeout == 0 {
		tc.Timeout = 5 * time.Second
	}
	r := &ingest.Runner{
		LakeDir: dir, Mode: ingest.Live,
		Transport: func(ingest.Collector) (http.RoundTripper, io.Closer, error) {
			tr, err := transport.New(tc)
			return tr, tr, err
		},
	}
	sum, err := r.Run(context.Background(), []ingest.Collector{&probe{urls: []string{good.URL + "/good", badSrv.URL + "/case"}}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	out := probeRun{sum: sum}
	files, err := lakestore.VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"runs", "mau"} {
		ds, _ := schema.Lookup(name)
		for _, f := range files[name] {
			rows, err := lakestore.ReadRows(f, ds)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				switch x := row.(type) {
				case *schema.Run:
					out.ledger = x
				case *schema.MAU:
					out.mau = append(out.mau, x)
				}
			}
		}
	}
	if out.ledger == nil {
		t.Fatal("no ledger row")
	}
	for _, e := range out.ledger.Errors {
		if strings.Contains(e, "panicked") {
			t.Fatalf("the collector panicked: %s", e)
		}
	}
	good2 := 0
	for _, m := range out.mau {
		if m.SourceURL == good.URL+"/good" {
			good2++
		}
	}
	if good2 != 2 {
		t.Fatalf("%d of the good page's 2 rows landed; ledger errors %q", good2, out.ledger.Errors)
	}
	return out
}
