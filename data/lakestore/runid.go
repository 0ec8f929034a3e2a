package lakestore

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrRunIDUsed marks a run id that already names a committed manifest:
// reusing it would replace that manifest and orphan its files.
var ErrRunIDUsed = errors.New("run id already committed")

// reRunID is what a run id may look like. It becomes a file name (the
// manifest) and a directory (staging), so it is one path segment of safe
// characters that cannot be hidden (".x"), climb ("..") or nest ("a/b").
var reRunID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidRunID reports whether id may name a run. The CLI checks --run-id
// with it and the writer checks every run it opens, so both use one rule.
func ValidRunID(id string) error {
	if !reRunID.MatchString(id) || strings.Contains(id, "..") {
		return fmt.Errorf("bad run id %q: want 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit, without '..'", id)
	}
	return nil
}

// CheckNewRunID validates id and refuses one a committed manifest of the
// lake at dir already carries (ErrRunIDUsed).
func CheckNewRunID(dir, id string) error {
	if err := ValidRunID(id); err != nil {
		return err
	}
	ms, err := ReadManifests(dir)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.RunID == id {
			return fmt.Errorf("run id %q: %w at %s; choose another (or leave --run-id out)", id, ErrRunIDUsed, m.CommittedAt.UTC().Format("2006-01-02T15:04:05Z"))
		}
	}
	return nil
}
