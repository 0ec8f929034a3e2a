package ingest

import "fmt"

// Mode is how web collectors reach their sources.
type Mode string

// Modes: live fetches politely; record also archives every exchange to a
// WARC file; replay serves exchanges from an archive and never touches the
// network.
const (
	Live   Mode = "live"
	Record Mode = "record"
	Replay Mode = "replay"
)

// ParseMode checks a mode name.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case Live, Record, Replay:
		return Mode(s), nil
	}
	return "", fmt.Errorf("mode %q: want live, record or replay", s)
}
