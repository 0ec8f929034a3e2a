package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gwanmun/gwanmun/data/study"
)

// StudyKeys are the values a study gives the analyses' parameters, by the
// name a Param's Study field uses. A parameter defaults from the study the
// user names, so `--study` changes every default at once and no country,
// company or source is written into an analysis.
var StudyKeys = []string{
	"incident", "root", "failed", "as_of", "tz",
	"country", "users_source", "company", "value_grain", "gateway",
	"market", "market_country", "markets", "login_nodes",
}

// StudyDefaults are the study's values for StudyKeys; a key the study
// leaves empty is "" (the parameter's own default then holds).
func StudyDefaults(s *study.Study) map[string]string {
	d := make(map[string]string, len(StudyKeys))
	if s == nil {
		return d
	}
	if inc := s.Incident; inc != nil {
		d["incident"], d["root"], d["as_of"] = inc.ID, inc.Root, inc.AsOf()
		d["failed"] = strings.Join(inc.FailedNodes, ",")
	}
	d["tz"], d["country"] = s.Analysis.TimeZone, s.Analysis.Country
	d["users_source"], d["company"], d["value_grain"] = s.Analysis.UsersSource, s.Analysis.Company, s.Analysis.ValueGrain
	d["login_nodes"] = s.Analysis.LoginNodesParam()
	if g, ok := s.Gateway(); ok {
		d["gateway"] = g.Gateway
	}
	var defs []string
	for i, m := range s.Markets {
		def := strings.Join(m.Categories, ",")
		if i == 0 {
			d["market"], d["market_country"] = def, m.Country
		}
		if !slices.Contains(defs, def) {
			defs = append(defs, def)
		}
	}
	d["markets"] = strings.Join(defs, ";")
	return d
}

// ForStudy is the catalog with the study's defaults filled in.
func ForStudy(s *study.Study) []Analysis {
	d := StudyDefaults(s)
	out := make([]Analysis, len(catalog))
	for i, a := range catalog {
		a.Params = slices.Clone(a.Params)
		for j, p := range a.Params {
			if p.Study == "" {
				continue
			}
			if !slices.Contains(StudyKeys, p.Study) {
				panic(fmt.Sprintf("analysis %s: parameter %s defaults from unknown study key %q", a.Name, p.Name, p.Study))
			}
			if v := d[p.Study]; v != "" {
				a.Params[j].Default = v
			}
		}
		out[i] = a
	}
	return out
}

// Find looks an analysis up by name in list (Catalog, or ForStudy's).
func Find(list []Analysis, name string) (Analysis, error) {
	for _, a := range list {
		if a.Name == name {
			return a, nil
		}
	}
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = a.Name
	}
	slices.Sort(names)
	return Analysis{}, fmt.Errorf("unknown analysis %q (known: %s)", name, strings.Join(names, ", "))
}

// SetStudyVariables makes the study's defaults DuckDB variables, so ad hoc
// SQL reads the same market the analyses do:
// WHERE country = getvariable('country').
func (d *DB) SetStudyVariables(ctx context.Context, s *study.Study) error {
	vals := StudyDefaults(s)
	for _, k := range StudyKeys {
		// SET VARIABLE takes no bound parameter for its name; k is ours.
		if _, err := d.ExecContext(ctx, "SET VARIABLE "+k+" = ?", vals[k]); err != nil {
			return fmt.Errorf("set variable %s: %w", k, err)
		}
	}
	return nil
}
