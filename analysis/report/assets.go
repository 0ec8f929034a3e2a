package report

import (
	"embed"
	"errors"
)

//go:embed assets
var assets embed.FS

// ErrNoECharts is returned when the binary was built without the ECharts
// asset; reports inline it rather than load it from a CDN.
var ErrNoECharts = errors.New("the ECharts library is not embedded in this build: run `make assets` (fetches the pinned npm package echarts@5) and rebuild")

// EChartsJS returns the embedded echarts.min.js.
func EChartsJS() (string, error) {
	b, err := assets.ReadFile("assets/echarts.min.js")
	if err != nil || len(b) == 0 {
		return "", ErrNoECharts
	}
	return string(b), nil
}
