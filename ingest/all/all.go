// Package all is the one list of collectors gwanmun knows, one line each,
// and the files generated from their sample configs.
package all

//go:generate go run ./gen

import (
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/appranking"
	"github.com/gwanmun/gwanmun/ingest/collectors/appstore"
	"github.com/gwanmun/gwanmun/ingest/collectors/article"
	"github.com/gwanmun/gwanmun/ingest/collectors/file"
	"github.com/gwanmun/gwanmun/ingest/collectors/gdelt"
	"github.com/gwanmun/gwanmun/ingest/collectors/irrelease"
	"github.com/gwanmun/gwanmun/ingest/collectors/loginevidence"
	"github.com/gwanmun/gwanmun/ingest/collectors/navernews"
	"github.com/gwanmun/gwanmun/ingest/collectors/rss"
	"github.com/gwanmun/gwanmun/ingest/collectors/seed"
	"github.com/gwanmun/gwanmun/ingest/collectors/servicedir"
	"github.com/gwanmun/gwanmun/ingest/collectors/statuspage"
	"github.com/gwanmun/gwanmun/ingest/collectors/wikitable"
)

// Registry returns every collector; the CLI receives it as a value.
func Registry() *ingest.Registry {
	r := ingest.NewRegistry()
	r.Add(seed.Entry())
	r.Add(file.Entry()) // the user's own data files
	// MAU figures
	r.Add(wikitable.Entry())
	r.Add(irrelease.Entry())
	r.Add(appranking.Entry())
	// service listings and dependency evidence
	r.Add(servicedir.Entry())
	r.Add(appstore.Entry())
	r.Add(loginevidence.Entry())
	// outage news and incident records
	r.Add(rss.Entry())
	r.Add(gdelt.Entry())
	r.Add(navernews.Entry())
	r.Add(article.Entry())
	r.Add(statuspage.Entry())
	return r
}
