package study

import (
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/gwanmun/gwanmun/data/studies"
)

// Open loads a study by name: from dir (a folder of study folders) when
// given, else from the studies shipped in the binary.
func Open(name, dir string, now time.Time) (*Study, error) {
	var fsys fs.FS = studies.FS
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	return Load(fsys, name, now)
}

// Default is the shipped default study, loaded once and shared: callers
// must not modify it. It is checked by this package's tests, so failing
// to load it is a build defect.
var Default = sync.OnceValue(func() *Study {
	s, err := Load(studies.FS, DefaultName, time.Now())
	if err != nil {
		panic("study: the shipped default study does not load: " + err.Error())
	}
	return s
})
