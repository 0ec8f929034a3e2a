package schema_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering keeps ingest and analysis apart even where golangci-lint is
// not installed: both may import data/schema, neither the other.
func TestLayering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	rules := []struct{ pkgs, forbidden string }{
		{"github.com/gwanmun/gwanmun/ingest/...", "github.com/gwanmun/gwanmun/analysis"},
		{"github.com/gwanmun/gwanmun/analysis/...", "github.com/gwanmun/gwanmun/ingest"},
	}
	for _, r := range rules {
		out, err := exec.Command("go", "list", "-deps", "-test", r.pkgs).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", r.pkgs, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == r.forbidden || strings.HasPrefix(dep, r.forbidden+"/") {
				t.Errorf("%s depends on %s", r.pkgs, dep)
			}
		}
	}
}
