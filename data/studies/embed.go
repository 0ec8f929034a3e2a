// Package studies embeds the studies shipped with gwanmun: one folder per
// study with its study.toml and data files (see data/study).
package studies

import (
	"embed"
	"strings"
)

// FS holds every shipped study folder.
//
//go:embed */*
var FS embed.FS

//go:embed default
var defaultName string

// DefaultName is the study used when none is named: the one line of the
// file "default" beside the study folders.
var DefaultName = strings.TrimSpace(defaultName)
