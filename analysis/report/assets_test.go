package report

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// echartsSHA256 is the sha256 of dist/echarts.min.js in the npm tarball
// echarts@5.6.0, whose sha512 integrity the registry states as
// sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==
// (scripts/update-echarts.sh checks that and prints this value).
const echartsSHA256 = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"

func TestEmbeddedEChartsIsThePinnedRelease(t *testing.T) {
	js, err := EChartsJS()
	if err != nil {
		t.Fatal(err)
	}
	if len(js) < 500_000 {
		t.Fatalf("embedded echarts.min.js is %d bytes; the 5.x dist build is about 1 MB", len(js))
	}
	sum := sha256.Sum256([]byte(js))
	if got := hex.EncodeToString(sum[:]); got != echartsSHA256 {
		t.Errorf("embedded echarts.min.js sha256 = %s, want %s (the pinned echarts@%s)", got, echartsSHA256, EChartsVersion)
	}
	if want := `version="` + EChartsVersion + `"`; !strings.Contains(js, want) {
		t.Errorf("embedded echarts.min.js does not declare %s", want)
	}
}

// Apache-2.0 asks that the licence and the NOTICE travel with the file.
func TestEChartsLicenceAndNoticeAreBesideIt(t *testing.T) {
	for file, want := range map[string]string{
		"assets/LICENSE": "Apache License",
		"assets/NOTICE":  "Apache ECharts",
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not contain %q", file, want)
		}
	}
}
