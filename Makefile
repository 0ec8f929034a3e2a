# gwanmun — `make demo` runs the whole pipeline offline; `make test` runs every
# test. Both first install what the machine lacks (scripts/setup-machine.sh),
# and only then need root or network. A plain `go build ./cmd/gwanmun` is complete.

export GOFLAGS := -mod=mod
BIN := bin/gwanmun
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(shell go env GOPATH)/tools/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint

.PHONY: demo build deps test lint fuzz bench clean

demo: deps build
	$(BIN) run --figures svg,png
	@echo "open out/report/index.html (notebooks in out/notebooks/, figures in out/report/figures/)"

build:
	go build -o $(BIN) ./cmd/gwanmun

# Debian packages for the browser tests and Hangul, installed only when missing.
deps:
	@scripts/setup-machine.sh --check >/dev/null || scripts/setup-machine.sh

# Unit, integration, CLI-scenario (cmd/gwanmun/testdata/script) and browser tests,
# then a few seconds of every fuzz target.
test: deps
	go vet ./...
	go test -count=1 -timeout 20m ./...
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
	go test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin out data/lake data/results .cache

# Crash, concurrency and hostile-input trials against the built binary; prints
# its counts and fails on any lost row, failed read, panic or hang. Minutes,
# not part of `make test` (docs/reliability.md has the last run).
.PHONY: torture
torture: assets
	go run ./bench/torture $(TORTURE_FLAGS)
