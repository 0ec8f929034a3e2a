package iceberg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
)

// ErrOtherLog means the lake commits to a log other than the one the
// settings name.
var ErrOtherLog = errors.New("the lake commits to another log")

// AdoptedManifestDir is where a lake's `_manifests/` folder goes once its
// runs are in the _runs table: kept as history, read by nothing.
const AdoptedManifestDir = "_manifests-before-iceberg"

// Adopt makes the catalog's _runs table the lake's one commit log. Every
// run the lake's `_manifests/` folder holds is appended to the log first
// (oldest first, skipping run ids the log already has, so a killed
// adoption is finished by the next), then the lake's
// lakestore.CommitLogFile names the log, and from then on every reader
// and writer commits and reads there. The caller holds the lake's writer
// lock (an open lakestore.Lake), so no run commits to the folder
// meanwhile. A lake already adopted is checked against c: a different
// catalog or warehouse is an error naming both, never a second log.
func Adopt(ctx context.Context, lakeDir string, c Config, log *slog.Logger) (moved int, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := c.Validate(); err != nil {
		return 0, err
	}
	want := specOf(c)
	spec, ok, err := lakestore.ReadLogSpec(lakeDir)
	if err != nil {
		return 0, err
	}
	if ok {
		var have logSpec
		if spec.Kind == LogKind {
			err = json.Unmarshal(spec.Spec, &have)
		}
		if spec.Kind != LogKind || err != nil {
			return 0, fmt.Errorf("lake %s: %w: %s names a %q log, not an Iceberg catalog", lakeDir, ErrOtherLog, lakestore.CommitLogFile, spec.Kind)
		}
		if have != want {
			return 0, fmt.Errorf("lake %s: %w: it was adopted into catalog %q warehouse %q (%s), the [iceberg] settings name catalog %q warehouse %q; use the settings the lake was adopted with",
				lakeDir, ErrOtherLog, have.Catalog, orDefault(have.Warehouse), lakestore.CommitLogFile, want.Catalog, orDefault(want.Warehouse))
		}
		return 0, nil
	}
	ms, err := lakestore.ReadManifests(lakeDir) // the folder, before the switch
	if err != nil {
		return 0, err
	}
	m, err := Open(ctx, lakeDir, c, log)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	rl := &runsLog{m: m}
	have, err := rl.Manifests()
	if err != nil {
		return 0, err
	}
	in := map[string]bool{}
	for _, h := range have {
		in[h.RunID] = true
	}
	gone := lakestore.Superseded(ms)
	for _, man := range ms {
		if in[man.RunID] {
			continue
		}
		keep := func([]lakestore.Manifest) (lakestore.Manifest, error) { return man, nil }
		if _, err := rl.commit(ctx, man, keep, gone); err != nil {
			return moved, fmt.Errorf("adopt lake %s into %s: %w", lakeDir, rl, err)
		}
		moved++
	}
	raw, err := json.Marshal(want)
	if err != nil {
		return moved, err
	}
	if err := lakestore.WriteLogSpec(lakeDir, lakestore.LogSpec{Kind: LogKind, Spec: raw}); err != nil {
		return moved, err
	}
	old := filepath.Join(lakeDir, lakestore.ManifestDir)
	if err := os.Rename(old, filepath.Join(lakeDir, AdoptedManifestDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Warn("the lake commits to Iceberg now, but its old manifests folder stays in place (nothing reads it)", "dir", old, "err", err)
	}
	log.Info("the lake's commit log is now its Iceberg catalog's _runs table", "lake", lakeDir, "runs_moved", moved, "log", rl.String())
	return moved, nil
}

// orDefault names the default warehouse in messages.
func orDefault(warehouse string) string {
	if warehouse == "" {
		return "<lake>/" + Dir + "/warehouse"
	}
	return warehouse
}

// AdoptLake is Adopt under the lake's writer lock (waiting up to wait for
// another writer). A lake already adopted is only checked against c.
func AdoptLake(ctx context.Context, lakeDir string, c Config, wait time.Duration, log *slog.Logger) (int, error) {
	if _, ok, err := lakestore.ReadLogSpec(lakeDir); err != nil || ok {
		if err != nil {
			return 0, err
		}
		return Adopt(ctx, lakeDir, c, log)
	}
	l, err := lakestore.OpenContext(ctx, lakeDir, "iceberg-adopt", lakestore.Options{Log: log, Wait: wait})
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return Adopt(ctx, lakeDir, c, log)
}

// AdoptedConfig is the catalog and warehouse an adopted lake commits to,
// as its lakestore.CommitLogFile names them; ok is false for a lake that
// is not adopted.
func AdoptedConfig(lakeDir string) (c Config, ok bool, err error) {
	spec, ok, err := lakestore.ReadLogSpec(lakeDir)
	if err != nil || !ok {
		return Config{}, false, err
	}
	if spec.Kind != LogKind {
		return Config{}, false, fmt.Errorf("lake %s: %s names commit log kind %q, not %q", lakeDir, lakestore.CommitLogFile, spec.Kind, LogKind)
	}
	var s logSpec
	if err := json.Unmarshal(spec.Spec, &s); err != nil {
		return Config{}, false, fmt.Errorf("lake %s: %s: %w", lakeDir, lakestore.CommitLogFile, err)
	}
	return s.config(), true, nil
}

// OpenAdopted opens the catalog an adopted lake commits to, as its
// lakestore.CommitLogFile names it: what a reader needs without the
// writer's sources file.
func OpenAdopted(ctx context.Context, lakeDir string, log *slog.Logger) (*Mirror, error) {
	c, ok, err := AdoptedConfig(lakeDir)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("lake %s does not commit to an Iceberg catalog (no %s naming one)", lakeDir, lakestore.CommitLogFile)
	}
	return Open(ctx, lakeDir, c, log)
}
