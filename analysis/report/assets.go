package report

import (
	_ "embed"
	"errors"
)

// EChartsVersion is the Apache ECharts release committed in assets/ (the
// npm package's dist/echarts.min.js, with its LICENSE and NOTICE).
const EChartsVersion = "5.6.0"

// echartsJS is committed, not fetched at build time, so `go build` and
// `go install …@version` give a binary that renders reports offline.
//
//go:embed assets/echarts.min.js
var echartsJS string

// ErrNoECharts is returned when the embedded ECharts file is empty, which
// only a damaged checkout can cause; reports never load it from a CDN.
var ErrNoECharts = errors.New("the embedded ECharts library is empty: restore analysis/report/assets/echarts.min.js (scripts/update-echarts.sh) and rebuild")

// EChartsJS returns the embedded echarts.min.js.
func EChartsJS() (string, error) {
	if echartsJS == "" {
		return "", ErrNoECharts
	}
	return echartsJS, nil
}
