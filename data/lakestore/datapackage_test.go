package lakestore

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gwanmun/gwanmun/data/schema"
)

// The exported datapackage.json validates against the published Data
// Package profile (v1.0, testdata/datapackage-profile-1.0.json, from
// frictionlessdata/datapackage, public domain).
func TestDataPackageValidates(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDataPackage(dir, schema.Datasets()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	sch := compileProfile(t)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("datapackage.json does not validate: %v", err)
	}
	var p DataPackage
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	mau, ok := p.Resource("mau")
	if !ok || len(mau.Schema.PrimaryKey) != 7 || mau.Path != "mau.csv" {
		t.Fatalf("mau resource %+v", mau)
	}
	if f, _ := mau.Field("value"); f.Type != "number" || f.Unit != "column:unit" {
		t.Fatalf("mau.value %+v", f)
	}
	if f, _ := mau.Field("period_start"); f.Type != "date" || f.Constraints == nil || !f.Constraints.Required {
		t.Fatalf("mau.period_start %+v", f)
	}
	if len(p.Resources) != len(schema.Datasets()) {
		t.Fatalf("%d resources", len(p.Resources))
	}
}

// The validator is not a rubber stamp: a resource without a name or path
// fails the same profile.
func TestDataPackageProfileRejects(t *testing.T) {
	sch := compileProfile(t)
	for _, bad := range []string{
		`{"resources": []}`,
		`{"resources": [{"path": "x.csv"}]}`,
		`{"name": "Upper Case", "resources": [{"name": "x", "path": "x.csv"}]}`,
		`{"resources": [{"name": "x", "path": "../x.csv"}]}`,
	} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(bad)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err == nil {
			t.Errorf("%s validated", bad)
		}
	}
}

func compileProfile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "datapackage-profile-1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prof, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	// The profile's patterns are ECMA-262 (lookaheads), as JSON Schema
	// says; Go's regexp cannot run them, regexp2 in ECMAScript mode can.
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecmaRegexp{re}, nil
	})
	if err := c.AddResource("datapackage.json", prof); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("datapackage.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return ok && err == nil
}

func (r ecmaRegexp) String() string { return r.re.String() }
