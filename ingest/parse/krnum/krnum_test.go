package krnum

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     Number
	}{
		{"man with spaced ones", "4,763만 7,000명", Number{Value: 47637000, Unit: Persons, HasMagnitude: true}},
		{"place words", "4천7백만 명", Number{Value: 47000000, Unit: Persons, HasMagnitude: true}},
		{"jo and eok in won", "1조8587억 원", Number{Value: 1858700000000, Unit: KRW, HasMagnitude: true}},
		{"glued ones", "3572만9000명", Number{Value: 35729000, Unit: Persons, HasMagnitude: true}},
		{"commas and glued ones", "4,598만1000명", Number{Value: 45981000, Unit: Persons, HasMagnitude: true}},
		{"approximate", "약 777만", Number{Value: 7770000, HasMagnitude: true, Approx: true}},
		{"approximate glued", "약777만", Number{Value: 7770000, HasMagnitude: true, Approx: true}},
		{"English billion", "1.2 billion", Number{Value: 1.2e9, HasMagnitude: true}},
		{"English billion 2", "2.4 billion", Number{Value: 2.4e9, HasMagnitude: true}},
		{"English million", "850 million", Number{Value: 850e6, HasMagnitude: true}},
		{"English decimal million", "32.5 million", Number{Value: 32.5e6, HasMagnitude: true}},
		{"plain thousands", "1,234", Number{Value: 1234}},
		{"footnote digit", "2,958[1]", Number{Value: 2958}},
		{"footnote letter", "1.2 billion[a]", Number{Value: 1.2e9, HasMagnitude: true}},
		{"footnote note", "3,065[note 2][12]", Number{Value: 3065}},
		{"billion users", "3 billion users", Number{Value: 3e9, Unit: Persons, HasMagnitude: true}},
		{"millions column", "1,333.333333", Number{Value: 1333.333333}},
		{"full commas", "47,637,000", Number{Value: 47637000}},
		{"man only", "4893만", Number{Value: 48930000, HasMagnitude: true}},
		{"jo eok man", "8조1058억4800만", Number{Value: 8105848000000, HasMagnitude: true}},
		{"won glued", "6조1361억원", Number{Value: 6136100000000, Unit: KRW, HasMagnitude: true}},
		{"eok spaced won", "1503억 원", Number{Value: 150300000000, Unit: KRW, HasMagnitude: true}},
		{"spaced groups", "1조 8587억 원", Number{Value: 1858700000000, Unit: KRW, HasMagnitude: true}},
		{"bare cheon man", "천만 명", Number{Value: 10000000, Unit: Persons, HasMagnitude: true}},
		{"place word then digits", "3천500만", Number{Value: 35000000, HasMagnitude: true}},
		{"decimal man", "4,763.7만명", Number{Value: 47637000, Unit: Persons, HasMagnitude: true}},
		{"and some", "3만여 명", Number{Value: 30000, Unit: Persons, HasMagnitude: true, Approx: true}},
		{"lower bound", "4550만명 이상", Number{Value: 45500000, Unit: Persons, HasMagnitude: true, AtLeast: true}},
		{"currency prefix", "KRW 1.9 trillion", Number{Value: 1.9e12, Unit: KRW, HasMagnitude: true}},
		{"dollar prefix", "$2.5 billion", Number{Value: 2.5e9, Unit: USD, HasMagnitude: true}},
		{"percent", "13%", Number{Value: 13, Unit: Percent}},
		{"negative", "-1,234", Number{Value: -1234}},
		{"minus sign", "−3.5%", Number{Value: -3.5, Unit: Percent}},
		{"over", "over 100 million", Number{Value: 100e6, HasMagnitude: true, AtLeast: true}},
		{"about people", "about 1.5 billion people", Number{Value: 1.5e9, Unit: Persons, HasMagnitude: true, Approx: true}},
		{"nbsp", "4,763만\u00a07,000명", Number{Value: 47637000, Unit: Persons, HasMagnitude: true}},
		{"zero", "0", Number{Value: 0}},
		{"trailing full stop", "850 million.", Number{Value: 850e6, HasMagnitude: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseIn(t *testing.T) {
	tests := []struct {
		in   string
		exp  int
		want float64
	}{
		{"1,333.333333", 6, 1333333333},
		{"238.648", 6, 238648000},
		{"2,375[1]", 6, 2375000000},
		{"1.9 billion", 6, 1.9e9}, // the cell's own magnitude wins
		{"4,763만", 6, 47630000},
		{"3", 9, 3e9},
	}
	for _, tt := range tests {
		got, err := ParseIn(tt.in, tt.exp)
		if err != nil || got.Value != tt.want {
			t.Errorf("ParseIn(%q, %d) = %v, %v; want %v", tt.in, tt.exp, got.Value, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"", "   ", "abc", "만 명", "1억2조", "1만2만", "1,23", "1,2345", "12천", "..", "-", "[1]",
		"1조 12345억", "999999999999999999999999999999999999조", "4,763만 명 회원", "1.2 billions",
		"N/A", "—", "3 분기",
	} {
		t.Run(in, func(t *testing.T) {
			n, err := Parse(in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", in, n)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q) error %v does not wrap ErrSyntax", in, err)
			}
		})
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // "text=value unit [approx] [atleast]"
	}{
		{"IR sentence", "카카오톡 국내 MAU는 4,763만 7,000명으로 전년 동기 대비 83만명 증가했다.",
			[]string{"4,763만 7,000명=47637000 persons", "83만명=830000 persons"}},
		{"quarter and year stay apart", "2022년 3분기 매출은 1조8587억원, 영업이익은 1503억원이다.",
			[]string{"2022=2022", "3=3", "1조8587억원=1858700000000 KRW", "1503억원=150300000000 KRW"}},
		{"spaced ones need a unit", "4763만 3분기", []string{"4763만=47630000", "3=3"}},
		{"approx before", "네이버 카페 앱 이용자는 약 777만 명이다", []string{"777만 명=7770000 persons approx"}},
		{"lower bound after", "국내 이용자 4550만명을 돌파", []string{"4550만명=45500000 persons"}},
		{"at least after", "4550만명 이상", []string{"4550만명=45500000 persons atleast"}},
		{"no word starts", "계약 3건, 천안 100", []string{"3=3", "100=100"}},
		{"bare cheon man", "관객 천만 명", []string{"천만 명=10000000 persons"}},
		{"English", "Facebook has about 2.4 billion users[1] and 850 million more.",
			[]string{"2.4 billion users=2400000000 persons approx", "1=1", "850 million=850000000"}},
		{"dates", "2022-11-03 10:00", []string{"2022=2022", "11=11", "03=3", "10=10", "00=0"}},
		{"malformed grouping", "MAU는 4,76,3만명, 매출 1조원", []string{"4,76,3만=error", "1조원=1000000000000 KRW"}},
		{"magnitudes out of order", "1만2억 원", []string{"1만2억=error"}},
		{"currency then space", "US$ 5", []string{"5=5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range Find(tt.in) {
				if m.Err != nil {
					got = append(got, m.Text+"=error")
					continue
				}
				s := m.Text + "=" + strconv.FormatFloat(m.Value, 'f', -1, 64)
				if m.Unit != "" {
					s += " " + m.Unit
				}
				if m.Approx {
					s += " approx"
				}
				if m.AtLeast {
					s += " atleast"
				}
				if tt.in[m.Start:m.End] != m.Text {
					t.Errorf("match %q has offsets %d..%d", m.Text, m.Start, m.End)
				}
				got = append(got, s)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Find(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// korean writes n the way Korean press does: "4763만7000", "1조8587억".
func korean(n int64) string {
	if n == 0 {
		return "0"
	}
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		n = -n
	}
	for _, u := range []struct {
		div  int64
		name string
	}{{1e12, "조"}, {1e8, "억"}, {1e4, "만"}, {1, ""}} {
		if q := n / u.div; q > 0 {
			fmt.Fprintf(&b, "%d%s", q, u.name)
			n %= u.div
		}
	}
	return b.String()
}

// commas writes n with thousands separators: "47,637,000".
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func TestRoundTripForms(t *testing.T) {
	for _, n := range []int64{0, 7, 10000, 47637000, 1858700000000, 8105848000000, 1_333_333_333, 99_999_999_999_999} {
		for _, s := range []string{korean(n), commas(n), korean(n) + "명", commas(n) + " 원"} {
			got, err := Parse(s)
			if err != nil || got.Value != float64(n) {
				t.Errorf("Parse(%q) = %v, %v; want %d", s, got.Value, err, n)
			}
		}
	}
}

// FuzzParse checks that no input makes Parse or Find panic or report
// offsets outside the text, and that whatever integer Parse reads, its
// Korean and comma-grouped spellings read back as the same value.
func FuzzParse(f *testing.F) {
	file, err := os.Open("testdata/seeds.txt")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f.Add(line)
	}
	if err := sc.Err(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range Find(s) {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End || s[m.Start:m.End] != m.Text {
				t.Fatalf("Find(%q): bad match %+v", s, m)
			}
			if m.Err != nil && !errors.Is(m.Err, ErrSyntax) {
				t.Fatalf("Find(%q): error %v does not wrap ErrSyntax", s, m.Err)
			}
		}
		n, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrSyntax", s, err)
			}
			return
		}
		if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
			t.Fatalf("Parse(%q) = %v", s, n.Value)
		}
		if n.Value != math.Trunc(n.Value) || math.Abs(n.Value) >= 1<<53 {
			return
		}
		v := int64(n.Value)
		for _, form := range []string{korean(v), commas(v)} {
			back, err := Parse(form)
			if err != nil || back.Value != n.Value {
				t.Fatalf("Parse(%q) = %v; its form %q reads back as %v, %v", s, n.Value, form, back.Value, err)
			}
		}
	})
}
