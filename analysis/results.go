package analysis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/study"
)

// A saved result (data/results/<name>.parquet) says how it was made, in
// the Parquet file's key-value metadata, so a figure quoted from it can be
// recomputed: read it with
//
//	SELECT decode(key), decode(value) FROM parquet_kv_metadata('data/results/lockin.parquet')
const (
	MetaAnalysis    = "gwanmun.analysis"     // the analysis's name
	MetaParams      = "gwanmun.params"       // every parameter, defaults filled in, as a JSON object
	MetaAsOf        = "gwanmun.as_of"        // the as_of parameter, or why there is none
	MetaStudy       = "gwanmun.study"        // the study whose incident gave the defaults
	MetaLakeVintage = "gwanmun.lake_vintage" // LakeVintage of the lake read
	MetaVersion     = "gwanmun.version"      // the binary's module version and VCS revision
)

// resultMeta is the metadata a saved result carries.
func (d *DB) resultMeta(a Analysis, params map[string]string) (map[string]string, error) {
	p, err := json.Marshal(params) // map keys sorted: the same parameters, the same bytes
	if err != nil {
		return nil, err
	}
	asOf := "none: " + a.Name + " takes no as_of parameter"
	if declaresParam(a, "as_of") {
		asOf = params["as_of"]
		if asOf == "" {
			asOf = "empty: every observation"
		}
	}
	vintage, err := LakeVintage(d.LakeDir)
	if err != nil {
		return nil, err
	}
	st := d.Study
	if st == "" {
		st = study.Default().Name
	}
	return map[string]string{MetaAnalysis: a.Name, MetaParams: string(p), MetaAsOf: asOf, MetaStudy: st,
		MetaLakeVintage: vintage, MetaVersion: buildVersion()}, nil
}

// kvMetadata is COPY's KV_METADATA option for meta, keys sorted.
func kvMetadata(meta map[string]string) string {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = sqlString(k) + ": " + sqlString(meta[k])
	}
	return "KV_METADATA {" + strings.Join(parts, ", ") + "}"
}

func declaresParam(a Analysis, name string) bool {
	for _, p := range a.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// LakeVintage hashes the committed manifests' file hashes: two results
// with the same vintage were drawn from the same data.
func LakeVintage(lakeDir string) (string, error) {
	ms, err := lakestore.ReadManifests(lakeDir)
	if err != nil {
		return "", err
	}
	var sums []string
	for _, m := range ms {
		for _, f := range m.Files {
			if f.Dataset != "runs" {
				sums = append(sums, f.RowsSHA256)
			}
		}
	}
	sort.Strings(sums)
	h := sha256.New()
	for _, s := range sums {
		h.Write([]byte(s))
	}
	return fmt.Sprintf("%s (%d files)", hex.EncodeToString(h.Sum(nil))[:16], len(sums)), nil
}

// buildVersion is the module version and VCS revision of this binary.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v += " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				v += "+dirty"
			}
		}
	}
	return v
}
