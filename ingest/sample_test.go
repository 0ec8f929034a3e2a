package ingest

import (
	"slices"
	"testing"
	"testing/fstest"
)

func TestSampleURLs(t *testing.T) {
	good := fstest.MapFS{SampleFile: {Data: []byte("[sources.x]\nenabled = true\nurls = [\"https://a.example/1\", \"https://b.example/2\"]\n")}}
	if got := SampleURLs(good, "x"); !slices.Equal(got, []string{"https://a.example/1", "https://b.example/2"}) {
		t.Fatalf("urls %v", got)
	}
	for name, files := range map[string]fstest.MapFS{
		"no sample":      {},
		"other table":    {SampleFile: {Data: []byte("[sources.y]\nurls = [\"https://a.example/1\"]\n")}},
		"no urls":        {SampleFile: {Data: []byte("[sources.x]\nenabled = true\n")}},
		"malformed toml": {SampleFile: {Data: []byte("[sources.x\n")}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic for a sample without urls")
				}
			}()
			SampleURLs(files, "x")
		})
	}
}
