// Package data embeds the cited seed snapshot so the default run works on a
// machine with no network and no checkout of shared data.
package data

import "embed"

// Seed holds data/seed/*.csv and the keys (keys.toml) the seed loader reads them by.
//
//go:embed seed/*.csv seed/*.toml
var Seed embed.FS
