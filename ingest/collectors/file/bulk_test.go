package file

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// syntheticNews is a SYNTHETIC news file for these tests (no real
// article): n rows over five publication years, some without a date, some
// in local time with a utc_offset, some with their own matches, article
// id or citation, every 25th row given twice; bad maps a 1-based data row
// to a change that makes it bad.
func syntheticNews(n int, bad map[int]string) string {
	var b strings.Builder
	b.WriteString("article_id,url,title,lead,outlet,lang,published_at,utc_offset,matched_terms,source_url,accessed\n")
	titles := []string{"카카오톡 먹통 %d시간째", "Kakao outage day %d", "판교 데이터센터 화재 %d", "오늘의 날씨 %d", "LINE 장애 %d"}
	for i := 1; i <= n; i++ {
		id, pub, off, terms, src, acc := "", "", "", "", "", ""
		url := fmt.Sprintf("https://news.example/a/%d?utm_source=x", i)
		switch i % 7 {
		case 0:
			pub = "" // no date: a reason is filled in
		case 1:
			pub, off = fmt.Sprintf("2022-10-%02d 09:%02d", 1+i%28, i%60), "+09:00"
		default:
			pub = time.Date(2019+i%5, time.Month(1+i%12), 1+i%28, i%24, i%60, 0, 0, time.UTC).Format(time.RFC3339)
		}
		if i%11 == 0 {
			terms = "먹통|장애"
		}
		if i%13 == 0 {
			id = fmt.Sprintf("given%06d", i)
		}
		if i%17 == 0 {
			src, acc = "https://archive.example/list", "2026-11-30"
		}
		title := fmt.Sprintf(titles[i%len(titles)], i)
		lead := "SYNTHETIC test row"
		switch bad[i] {
		case "date":
			pub = "15/10/2022"
		case "future":
			pub = "2027-01-01T00:00:00Z"
		case "title":
			title = ""
		case "conflict":
			url = fmt.Sprintf("https://news.example/a/%d?utm_source=x", i-1)
			title += " (other)"
		case "url":
			url = "::not a url"
		}
		line := fmt.Sprintf("%s,%s,%q,%s,synthetic,ko,%s,%s,%s,%s,%s\n", id, url, title, lead, pub, off, terms, src, acc)
		b.WriteString(line)
		if i%25 == 0 {
			b.WriteString(line)
		}
	}
	return b.String()
}

const bulkConf = `[sources.file]
[[sources.file.files]]
path = "news.csv"
dataset = "news"
[sources.file.files.citation]
document = "SYNTHETIC test file, no real article"
title = "SYNTHETIC news"
publisher = "gwanmun tests"
accessed = "2026-12-01"
`

// importBoth lands a news file through the row path and the bulk path,
// each into a lake of its own, and returns what each landed.
func importBoth(t *testing.T, body string, skip bool) (rowPath, bulkPath landed) {
	t.Helper()
	run := func(row bool) landed {
		conf := bulkConf
		if skip {
			conf = strings.Replace(conf, "[sources.file]\n", "[sources.file]\nskip_bad_rows = true\n", 1)
		}
		c, err := newCollector(t, conf)
		if err != nil {
			t.Fatal(err)
		}
		c.sources[0].fsys = fstest.MapFS{"news.csv": {Data: []byte(body)}}
		c.rowPath = row
		dir := t.TempDir()
		r := &ingest.Runner{LakeDir: dir, Mode: ingest.Live, Now: func() time.Time { return testNow }, BufferRows: 1000}
		sum, err := r.Run(context.Background(), []ingest.Collector{c})
		if err != nil {
			t.Fatal(err)
		}
		return landed{res: sum.Collectors[0], rows: lakeRows(t, dir), sums: rowsSums(t, dir)}
	}
	return run(true), run(false)
}

type landed struct {
	res  ingest.Result
	rows []string
	sums []string
}

// lakeRows is every news row of a lake as JSON without its run id, sorted.
func lakeRows(t *testing.T, dir string) []string {
	t.Helper()
	files, err := lakestore.VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := schema.Lookup("news")
	var out []string
	for _, p := range files["news"] {
		rows, err := lakestore.ReadRows(p, ds)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			r.Prov().RunID = ""
			b, _ := json.Marshal(r)
			out = append(out, string(b))
		}
	}
	sort.Strings(out)
	return out
}

// rowsSums are the manifests' rows_sha256 of the news files, sorted.
func rowsSums(t *testing.T, dir string) []string {
	t.Helper()
	ms, err := lakestore.ReadManifests(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		for _, f := range m.Files {
			if f.Dataset == "news" {
				out = append(out, f.Path[strings.Index(f.Path, "year="):strings.LastIndex(f.Path, "/")]+" "+f.RowsSHA256)
			}
		}
	}
	sort.Strings(out)
	return out
}

func sameLanded(t *testing.T, rowPath, bulkPath landed) {
	t.Helper()
	a, b := rowPath.res, bulkPath.res
	if a.Status != b.Status || a.RowsEmitted != b.RowsEmitted || a.RowsWritten != b.RowsWritten ||
		a.RowsRejected != b.RowsRejected || a.RowsDuplicate != b.RowsDuplicate || a.ParseFailures != b.ParseFailures {
		t.Errorf("row path %+v\nbulk path %+v", a, b)
	}
	if strings.Join(a.Errors, "\n") != strings.Join(b.Errors, "\n") {
		t.Errorf("errors differ:\nrow path:\n%s\nbulk path:\n%s", strings.Join(a.Errors, "\n"), strings.Join(b.Errors, "\n"))
	}
	if len(rowPath.rows) != len(bulkPath.rows) {
		t.Fatalf("row path landed %d rows, bulk path %d", len(rowPath.rows), len(bulkPath.rows))
	}
	for i := range rowPath.rows {
		if rowPath.rows[i] != bulkPath.rows[i] {
			t.Fatalf("row %d differs:\nrow path  %s\nbulk path %s", i, rowPath.rows[i], bulkPath.rows[i])
		}
	}
	if strings.Join(rowPath.sums, ",") != strings.Join(bulkPath.sums, ",") {
		t.Errorf("rows_sha256: row path %v, bulk path %v", rowPath.sums, bulkPath.sums)
	}
}

// TestBulkNewsEqualsRowPath: a good news file lands the same rows, the
// same provenance, matches and partitions, and the same rows_sha256
// through the bulk path as through the row path.
func TestBulkNewsEqualsRowPath(t *testing.T) {
	rowPath, bulkPath := importBoth(t, syntheticNews(3000, nil), false)
	if rowPath.res.Status != ingest.StatusOK || rowPath.res.RowsWritten != 3000 || rowPath.res.RowsDuplicate != 120 {
		t.Fatalf("row path: %+v", rowPath.res)
	}
	sameLanded(t, rowPath, bulkPath)
	// The matcher ran: some rows name the incident, some a service.
	var incident, service, noDate int
	for _, r := range bulkPath.rows {
		incident += strings.Count(r, `"IncidentID":"2022-10-15-pangyo-fire"`)
		service += strings.Count(r, `"ServicesMentioned":["`)
		noDate += strings.Count(r, `"DateMissingReason":"no publication date in the file"`)
	}
	if incident == 0 || service == 0 || noDate == 0 {
		t.Errorf("incident %d, service %d, no-date %d rows: want some of each", incident, service, noDate)
	}
	if len(bulkPath.sums) != 6 {
		t.Errorf("%d news files, want 6 (five years and unknown): %v", len(bulkPath.sums), bulkPath.sums)
	}
}

// TestBulkNewsBadRows: bad rows (a date without a zone, a future date, no
// title, a bad URL, a key given twice with other values) make the same
// errors on both paths: the whole file refused, or with skip_bad_rows the
// same good rows landed and the same failures listed.
func TestBulkNewsBadRows(t *testing.T) {
	bad := map[int]string{17: "date", 40: "future", 80: "title", 99: "url", 123: "conflict"}
	body := syntheticNews(500, bad)
	rowPath, bulkPath := importBoth(t, body, false)
	if rowPath.res.Status != ingest.StatusFailed || len(rowPath.rows) != 0 {
		t.Fatalf("row path landed a bad file: %+v", rowPath.res)
	}
	if e := strings.Join(rowPath.res.Errors, "\n"); !strings.Contains(e, "5 bad row(s)") || !strings.Contains(e, "news.csv:128: same news key as line 127") {
		t.Errorf("row path errors: %s", e)
	}
	sameLanded(t, rowPath, bulkPath)

	rowPath, bulkPath = importBoth(t, body, true)
	if rowPath.res.Status != ingest.StatusPartial || rowPath.res.ParseFailures != 5 || rowPath.res.RowsRejected != 1 {
		t.Fatalf("row path with skip_bad_rows: %+v", rowPath.res)
	}
	sameLanded(t, rowPath, bulkPath)
}
