// Package data embeds the cited seed snapshot so the default run works on a
// machine with no network and no checkout of shared data.
package data

import "embed"

// Seed holds data/seed/*.csv.
//
//go:embed seed/*.csv
var Seed embed.FS
