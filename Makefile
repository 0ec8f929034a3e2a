# gwanmun — `make demo` runs the whole pipeline offline; `make test` runs every
# test. Both first install what the machine lacks (scripts/setup-machine.sh),
# and only then need root or network. A plain `go build ./cmd/gwanmun` is complete.

export GOFLAGS := -mod=mod
BIN := bin/gwanmun
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(shell go env GOPATH)/tools/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint

.PHONY: demo build deps test lint fuzz bench clean iceberg-check

# The Pangyo fire (the default study), then the second shipped study in a lake
# of its own, from its config and data files only (data/studies/).
demo: deps build
	$(BIN) run --figures svg,png
	$(BIN) --lake out/facebook_outage_2021/lake --study facebook_outage_2021 run \
	  -o out/facebook_outage_2021/report --results out/facebook_outage_2021/results --notebooks ""
	@# The independent Iceberg reader comes from npm; offline (exit 3) the
	@# demo still stands, and says the check did not run.
	go build -o bin/icebergcheck ./bench/cmd/icebergcheck
	@for lake in data/lake out/facebook_outage_2021/lake; do \
	  bin/icebergcheck -lake $$lake; rc=$$?; \
	  if [ $$rc -eq 3 ]; then echo "the Iceberg check did not run (icebird could not be installed); run make iceberg-check when npm is reachable"; break; fi; \
	  [ $$rc -eq 0 ] || exit $$rc; \
	done
	@echo "open out/report/index.html (notebooks in out/notebooks/, figures in out/report/figures/)"
	@echo "and out/facebook_outage_2021/report/index.html (the second study)"

# icebird (an Iceberg reader in JavaScript, no code shared with gwanmun)
# reads the demo lake's Iceberg tables; every table must hold what
# `gwanmun sql` reads (docs/iceberg.md).
iceberg-check:
	go build -o bin/icebergcheck ./bench/cmd/icebergcheck
	bin/icebergcheck -lake data/lake
	bin/icebergcheck -lake out/facebook_outage_2021/lake

build:
	go build -o $(BIN) ./cmd/gwanmun

# Debian packages for the browser tests and Hangul, installed only when missing.
deps:
	@scripts/setup-machine.sh --check >/dev/null || scripts/setup-machine.sh

# Unit, integration, CLI-scenario (cmd/gwanmun/testdata/script) and browser tests,
# then a few seconds of every fuzz target.
test: deps
	go vet ./...
	go test -count=1 -timeout 30m ./...
	scripts/fuzz-smoke.sh

# golangci-lint at a pinned version (.golangci.yml), built once per version.
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...
$(GOLANGCI_LINT):
	GOBIN=$(@D) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

# Longer fuzzing than `make test` does; FUZZTIME per target.
FUZZTIME ?= 1m
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz-smoke.sh

# Side-by-side benchmarks and the scale curve (BENCHMARKS.md); not part of `make test`.
bench:
	bash bench/run.sh
	go test -run '^$$' -bench . -benchmem -timeout 0 ./...

clean:
	rm -rf bin out data/lake data/results .cache

# Crash, concurrency and hostile-input trials against the built binary; prints
# its counts and fails on any lost row, failed read, panic or hang. Minutes,
# not part of `make test` (docs/reliability.md has the last run).
.PHONY: torture
torture:
	go run ./bench/torture $(TORTURE_FLAGS)
