package lakestore

import (
	"fmt"
	"regexp"
	"strings"
)

// reRunID is the one rule for run ids: they name a manifest file, a staging
// directory and every Parquet file a run writes, so they must be one plain
// path segment that no engine hides (no leading "." or "_").
var reRunID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckRunID refuses a run id that could escape the lake, hide a run's
// files from readers or collide with the lake's bookkeeping.
func CheckRunID(id string) error {
	if !reRunID.MatchString(id) || strings.Contains(id, "..") {
		return fmt.Errorf("bad run id %q: want 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit, without \"..\"", id)
	}
	return nil
}
