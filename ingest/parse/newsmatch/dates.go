package newsmatch

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// KST is the zone of Korean outlets; a Korean page that prints
// "입력 2022.10.15 16:02" means 16:02 in Seoul.
var KST = time.FixedZone("KST", 9*3600)

// Where a publication date came from (the published_from column).
const (
	FromFeed     = "feed"      // RSS pubDate / Atom published / dc:date
	FromGDELT    = "gdelt"     // GDELT seendate (when GDELT saw it)
	FromNaverAPI = "naver_api" // Naver News Search pubDate
	FromMeta     = "meta"      // <meta property="article:published_time">
	FromJSONLD   = "jsonld"    // JSON-LD datePublished
	FromVisible  = "visible"   // a date printed on the page ("입력 2022.10.15 16:02")
	FromURL      = "url"       // a /YYYY/MM/DD/ path in the article URL (day only)
)

// TimeOfDayUnknown is the date_missing_reason of a row whose source gave
// only a day: published_at is then 00:00 local time of that day, and this
// reason says the time of day is not known. A seed row does the same.
const TimeOfDayUnknown = "time_of_day_unknown"

// Date is a publication time as one source stated it.
type Date struct {
	// At is UTC; zero when the source gave no usable date.
	At time.Time
	// Raw is the source's own text, kept even when it could not be parsed.
	Raw string
	// From is one of the From* constants.
	From string
	// Offset is the source's UTC offset, "+09:00".
	Offset string
	// DayOnly marks a date without a time of day (stored at local midnight).
	DayOnly bool
}

// IsZero reports a missing date.
func (d Date) IsZero() bool { return d.At.IsZero() }

// Before says which of two statements of one article's publication to
// keep: a known date before none, a full time before a bare day that it
// falls on (it says more), else the earlier.
func (d Date) Before(o Date) bool {
	switch {
	case d.IsZero() || o.IsZero():
		return !d.IsZero() && o.IsZero()
	case d.DayOnly != o.DayOnly && sameDay(d, o):
		return !d.DayOnly
	case !d.At.Equal(o.At):
		return d.At.Before(o.At)
	}
	return !d.DayOnly && o.DayOnly
}

// sameDay reports whether the full time of one falls on the bare day of
// the other, in that day's own zone.
func sameDay(a, b Date) bool {
	day, full := a, b
	if !a.DayOnly {
		day, full = b, a
	}
	loc := time.UTC
	if t, err := time.Parse("-07:00", day.Offset); err == nil {
		_, off := t.Zone()
		loc = time.FixedZone("", off)
	}
	y1, m1, d1 := day.At.In(loc).Date()
	y2, m2, d2 := full.At.In(loc).Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

var (
	errNoDate = errors.New("no date")
	// Prefixes Korean and English pages print before a date.
	datePrefix = regexp.MustCompile(`(?i)^(?:기사\s*입력|최초\s*입력|입력|등록|게재|승인|발행|작성|published(?:\s+on)?|posted(?:\s+on)?|date)\s*[:：]?\s*`)
	// 2022.10.15 16:02 / 2022-10-15 16:02:00 / 2022.10.15. 오후 4:02 /
	// 2022년 10월 15일 16시 02분 / 2022/10/15; day first, time optional.
	numericDate = regexp.MustCompile(`^(\d{4})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*[.일]?` +
		`(?:\s*\([^)]{1,3}\))?` + // weekday: (토)
		`(?:\s*(오전|오후|am|pm|a\.m\.|p\.m\.)?\s*(\d{1,2})\s*[:시]\s*(\d{2})\s*분?(?:\s*:\s*(\d{2})\s*초?)?\s*(오전|오후|am|pm)?)?` +
		`\s*(kst|z|utc|gmt|[+-]\d{2}:?\d{2})?$`)
	gdeltDate = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})Z?$`)
	// Zone names that Go's time.Parse would silently read as UTC+0.
	zoneAbbrev = map[string]string{
		"KST": "+0900", "JST": "+0900", "UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
		"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
		"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	}
	trailingZone = regexp.MustCompile(`\s([A-Za-z]{1,4})$`)
	layouts      = []string{
		"Mon, 2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04 -0700",
		"2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04 -0700",
		"Monday, 2 Jan 2006 15:04:05 -0700",
		"Mon, 2 January 2006 15:04:05 -0700",
		"Mon Jan 2 15:04:05 -0700 2006",
		time.RFC3339Nano,
		"2006-01-02T15:04:05-0700",
		"2006-01-02T15:04:05.999999999-0700",
		"2006-01-02T15:04-07:00",
		"2006-01-02 15:04:05-07:00",
		"2006-01-02 15:04:05 -0700",
	}
	// Layouts without a zone: read in the caller's default location.
	localLayouts = []string{
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
	}
)

// ParseDate reads a publication date in any of the forms feeds, APIs and
// Korean news pages use. A date without a zone is read in def (nil: such a
// date is an error, never silently UTC); a day without a time is returned
// at local midnight with DayOnly set. Raw is always kept.
func ParseDate(raw, from string, def *time.Location) (Date, error) {
	d := Date{Raw: strings.TrimSpace(raw), From: from}
	s := strings.Join(strings.Fields(d.Raw), " ")
	s = datePrefix.ReplaceAllString(s, "")
	if s == "" {
		return d, errNoDate
	}
	t, dayOnly, err := parseTime(s, def)
	if err != nil {
		return d, fmt.Errorf("date %q: %w", d.Raw, err)
	}
	if t.Year() < 1990 || t.Year() >= 2100 {
		return d, fmt.Errorf("date %q: year %d is out of range", d.Raw, t.Year())
	}
	d.At, d.Offset, d.DayOnly = t.UTC(), t.Format("-07:00"), dayOnly
	return d, nil
}

func parseTime(s string, def *time.Location) (time.Time, bool, error) {
	if m := gdeltDate.FindStringSubmatch(s); m != nil && strings.HasSuffix(s, "Z") {
		t, err := time.Parse("20060102150405", m[1]+m[2]+m[3]+m[4]+m[5]+m[6])
		return t, false, err
	}
	// Only known names are rewritten; any other trailing word fails below
	// rather than being read as UTC.
	if m := trailingZone.FindStringSubmatch(s); m != nil {
		if off, ok := zoneAbbrev[strings.ToUpper(m[1])]; ok {
			s = s[:len(s)-len(m[1])] + off
		}
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, false, nil
		}
	}
	if m := numericDate.FindStringSubmatch(strings.ToLower(s)); m != nil {
		return numeric(m, def)
	}
	for _, l := range localLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if def == nil {
				return time.Time{}, false, errors.New("no time zone given")
			}
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), def), false, nil
		}
	}
	return time.Time{}, false, errors.New("unrecognised format")
}

// numeric builds a time from numericDate's groups: year, month, day,
// meridiem, hour, minute, second, meridiem, zone.
func numeric(m []string, def *time.Location) (time.Time, bool, error) {
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	loc := def
	switch z := m[9]; {
	case z == "kst":
		loc = KST
	case z == "z" || z == "utc" || z == "gmt":
		loc = time.UTC
	case z != "":
		z = strings.Replace(z, ":", "", 1)
		h, mm := atoi(z[1:3]), atoi(z[3:5])
		off := (h*60 + mm) * 60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	if loc == nil {
		return time.Time{}, false, errors.New("no time zone given")
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false, fmt.Errorf("no such day %d-%d-%d", y, mo, d)
	}
	if m[5] == "" {
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
		if t.Day() != d {
			return time.Time{}, false, fmt.Errorf("no such day %d-%d-%d", y, mo, d)
		}
		return t, true, nil
	}
	h, mi, sec := atoi(m[5]), atoi(m[6]), atoi(m[7])
	meridiem := m[4] + m[8]
	switch {
	case strings.HasPrefix(meridiem, "오후") || strings.HasPrefix(meridiem, "p"):
		if h < 1 || h > 12 {
			return time.Time{}, false, fmt.Errorf("hour %d with %s", h, meridiem)
		}
		if h < 12 {
			h += 12
		}
	case strings.HasPrefix(meridiem, "오전") || strings.HasPrefix(meridiem, "a"):
		if h < 1 || h > 12 {
			return time.Time{}, false, fmt.Errorf("hour %d with %s", h, meridiem)
		}
		if h == 12 {
			h = 0
		}
	}
	if h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, false, fmt.Errorf("no such time %02d:%02d:%02d", h, mi, sec)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	if t.Day() != d {
		return time.Time{}, false, fmt.Errorf("no such day %d-%d-%d", y, mo, d)
	}
	return t, false, nil
}

var urlDay = regexp.MustCompile(`/((?:19|20)\d{2})/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])(?:/|$)`)

// DateFromURL reads a /YYYY/MM/DD/ path segment, the one date pattern in an
// article URL that means the same on every site. Article ids that look like
// timestamps (2022101623402869383) are not read: their meaning is per site.
func DateFromURL(raw string, loc *time.Location) (Date, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return Date{}, false
	}
	m := urlDay.FindStringSubmatch(u.Path)
	if m == nil {
		return Date{}, false
	}
	d, err := ParseDate(m[1]+"-"+m[2]+"-"+m[3], FromURL, loc)
	if err != nil {
		return Date{}, false
	}
	d.Raw = m[0]
	return d, true
}
