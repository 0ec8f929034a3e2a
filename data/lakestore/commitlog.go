package lakestore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// CommitLog is where a lake's runs are committed: appending a run's
// manifest is the one commit point, and the log's manifests are the
// whole truth about which files exist for readers. A lake has exactly
// one log: the `_manifests/` folder (the default, serialised by the
// writer lock), or a log another package registers (data/iceberg's
// `_runs` table), named by the lake's CommitLogFile.
type CommitLog interface {
	// Manifests returns every committed manifest in commit order.
	Manifests() ([]Manifest, error)
	// Append commits m. rebase sees the manifests committed before m's
	// turn and returns what to commit (it may drop files another writer
	// committed meanwhile) or an error refusing the commit; an empty
	// result commits nothing. Append returns ErrRunExists when m's run id
	// is already committed, and what it committed.
	Append(m Manifest, rebase func(committed []Manifest) (Manifest, error)) (Manifest, error)
	// Locate finds a committed file that is not in this lake's folder (a
	// run another host committed to a shared log); ok is false when it
	// cannot be read from here.
	Locate(runID, rel string) (path string, ok bool)
	// String names the log in messages.
	String() string
}

// CommitLogFile names the lake's commit log when it is not the
// `_manifests/` folder: {"kind": "...", "spec": {...}}, read by every
// reader and writer of the lake.
const CommitLogFile = "_commitlog.json"

// LogSpec is the content of CommitLogFile.
type LogSpec struct {
	Kind string          `json:"kind"`
	Spec json.RawMessage `json:"spec"`
}

// LogOpener opens a registered kind of commit log for a lake.
type LogOpener func(lakeDir string, spec json.RawMessage) (CommitLog, error)

var (
	logMu      sync.Mutex
	logOpeners = map[string]LogOpener{}
	openLogs   = map[string]CommitLog{} // lake dir + spec -> open log
)

// RegisterLog makes a kind of commit log openable; packages providing
// one call it from init.
func RegisterLog(kind string, open LogOpener) {
	logMu.Lock()
	defer logMu.Unlock()
	logOpeners[kind] = open
}

// ReadLogSpec returns the lake's CommitLogFile; ok is false when the lake
// commits to its `_manifests/` folder.
func ReadLogSpec(lakeDir string) (LogSpec, bool, error) {
	b, err := os.ReadFile(filepath.Join(lakeDir, CommitLogFile))
	if errors.Is(err, fs.ErrNotExist) {
		return LogSpec{}, false, nil
	}
	if err != nil {
		return LogSpec{}, false, fmt.Errorf("lake %s: read %s: %w", lakeDir, CommitLogFile, err)
	}
	var s LogSpec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil || s.Kind == "" {
		if err == nil {
			err = errors.New(`no "kind"`)
		}
		return LogSpec{}, false, fmt.Errorf("lake %s: %s: %w", lakeDir, CommitLogFile, err)
	}
	return s, true, nil
}

// WriteLogSpec names the lake's commit log, atomically. Only a caller
// that has moved every committed run into that log may write it (see
// data/iceberg.Adopt); from then on every reader and writer uses it.
func WriteLogSpec(lakeDir string, s LogSpec) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	dst := filepath.Join(lakeDir, CommitLogFile)
	tmp, err := os.CreateTemp(lakeDir, "."+CommitLogFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", dst, explainFS(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", dst, explainFS(err))
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", dst, explainFS(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", dst, explainFS(err))
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("write %s: %w", dst, explainFS(err))
	}
	syncDir(lakeDir)
	return nil
}

// OpenLog returns the lake's commit log. A lake without CommitLogFile
// commits to `_manifests/`; one naming a kind this binary does not know
// is an error naming it, never a silent fall-back to the folder.
func OpenLog(lakeDir string) (CommitLog, error) {
	s, ok, err := ReadLogSpec(lakeDir)
	if err != nil {
		return nil, err
	}
	if !ok {
		return folderLog{dir: lakeDir}, nil
	}
	abs, err := filepath.Abs(lakeDir)
	if err != nil {
		abs = lakeDir
	}
	key := abs + "\x00" + s.Kind + "\x00" + string(s.Spec)
	logMu.Lock()
	defer logMu.Unlock()
	if l, ok := openLogs[key]; ok {
		return l, nil
	}
	open := logOpeners[s.Kind]
	if open == nil {
		return nil, fmt.Errorf("lake %s: %s names commit log kind %q, which this gwanmun does not know", lakeDir, CommitLogFile, s.Kind)
	}
	l, err := open(lakeDir, s.Spec)
	if err != nil {
		return nil, fmt.Errorf("lake %s: open its %s commit log: %w", lakeDir, s.Kind, err)
	}
	openLogs[key] = l
	return l, nil
}

// ReadManifests returns every committed manifest of the lake's commit
// log, in commit order.
func ReadManifests(lakeDir string) ([]Manifest, error) {
	l, err := OpenLog(lakeDir)
	if err != nil {
		return nil, err
	}
	return l.Manifests()
}

// Validate is what every log checks of a manifest it reads: a known
// lake format and paths confined to the lake.
func (m Manifest) Validate() error {
	if m.LakeFormat > LakeFormat {
		return fmt.Errorf("run %s has lake format %d; this gwanmun reads up to %d", m.RunID, m.LakeFormat, LakeFormat)
	}
	return m.check()
}

// folderLog is the default log: one JSON file per run in `_manifests/`,
// committed by an exclusive link. Writers are serialised by the lake's
// flock, so what rebase sees cannot change before the link.
type folderLog struct{ dir string }

func (f folderLog) String() string { return "folder " + filepath.Join(f.dir, ManifestDir) }

func (f folderLog) Locate(string, string) (string, bool) { return "", false }

func (f folderLog) Manifests() ([]Manifest, error) {
	dir := filepath.Join(f.dir, ManifestDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	var out []Manifest
	for _, e := range entries {
		name := e.Name()
		// Temporary names start with "."; only renamed manifests count.
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read manifest %s: %w", name, err)
		}
		var m Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parse manifest %s: %w", name, err)
		}
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("manifest %s: %w", name, err)
		}
		// One run id, one manifest: staging and file names assume it.
		if name != m.RunID+".json" {
			return nil, fmt.Errorf("manifest %s names run %q; a manifest must be named <run_id>.json", name, m.RunID)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CommittedAt.Equal(out[j].CommittedAt) {
			return out[i].CommittedAt.Before(out[j].CommittedAt)
		}
		return out[i].RunID < out[j].RunID
	})
	return out, nil
}

func (f folderLog) Append(m Manifest, rebase func([]Manifest) (Manifest, error)) (Manifest, error) {
	ms, err := f.Manifests()
	if err != nil {
		return m, err
	}
	for _, c := range ms {
		if c.RunID == m.RunID {
			return m, fmt.Errorf("run %s: %w in lake %s; choose another --run-id", m.RunID, ErrRunExists, f.dir)
		}
	}
	if m, err = rebase(ms); err != nil || len(m.Files) == 0 {
		return m, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := writeFileExclusive(filepath.Join(f.dir, ManifestDir, m.RunID+".json"), b); err != nil {
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("run %s: %w in lake %s; choose another --run-id", m.RunID, ErrRunExists, f.dir)
		}
		return m, fmt.Errorf("commit manifest: %w", err)
	}
	return m, nil
}
