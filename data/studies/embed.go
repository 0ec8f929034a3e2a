// Package studies embeds the studies shipped with gwanmun: one folder per
// study with its study.toml and data files (see data/study).
package studies

import "embed"

// FS holds every shipped study folder.
//
//go:embed */*
var FS embed.FS
