# gwanmun — `make demo` sets up a fresh machine and runs the whole pipeline
# offline; `make test` runs every test. Both install what the machine lacks.

export GOFLAGS := -mod=mod
ECHARTS_VERSION   := 5.6.0
ECHARTS_INTEGRITY := sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==
ECHARTS_JS        := analysis/report/assets/echarts.min.js
BIN               := bin/gwanmun

.PHONY: demo test assets deps build fuzz bench lint clean

demo: deps build
	$(BIN) run --figures svg,png
	@echo "open out/report/index.html (notebooks in out/notebooks/, figures in out/report/figures/)"

build: assets
	go build -o $(BIN) ./cmd/gwanmun

# The report inlines ECharts; fetch the pinned npm tarball once and check
# its sha512 against the registry's integrity string before embedding it.
assets: $(ECHARTS_JS)
$(ECHARTS_JS):
	@mkdir -p .cache/npm
	cd .cache/npm && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null
	@got="sha512-$$(openssl dgst -sha512 -binary .cache/npm/echarts-$(ECHARTS_VERSION).tgz | base64 -w0)"; \
	  if [ "$$got" != "$(ECHARTS_INTEGRITY)" ]; then echo "echarts tarball checksum mismatch: $$got" >&2; exit 1; fi
	tar -xzf .cache/npm/echarts-$(ECHARTS_VERSION).tgz -C .cache/npm package/dist/echarts.min.js
	cp .cache/npm/package/dist/echarts.min.js $@

# Debian packages the browser tests and Hangul rendering need.
deps:
	@missing=""; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing="$$missing fonts-noto-cjk"; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	  command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi

test: deps assets
	go vet ./...
	go test -count=1 -timeout 20m ./...
	scripts/fuzz-smoke.sh

# Longer fuzzing than `make test` does; FUZZTIME per target.
FUZZTIME ?= 1m
fuzz: assets
	FUZZTIME=$(FUZZTIME) scripts/fuzz-smoke.sh

# Side-by-side benchmarks (Scrapy, pandas, bare colly, DuckDB's writer) and the scale
# curve; prints the table of ratios (bench/out/table.md). Not part of `make test`.
# Sizes: BENCH_SCALE, BENCH_PAGES, BENCH_WRITE_ROWS, BENCH_REPEAT (see BENCHMARKS.md).
bench: assets
	bash bench/run.sh
	go test -run '^$$' -bench . -benchmem ./...

lint:
	gofmt -l . | tee /dev/stderr | (! read)
	go vet ./...

clean:
	rm -rf bin out data/lake data/results .cache

# Crash, concurrency and hostile-input trials against the built binary; prints
# its counts and fails on any lost row, failed read, panic or hang. Minutes,
# not part of `make test` (docs/reliability.md has the last run).
.PHONY: torture
torture: assets
	go run ./bench/torture $(TORTURE_FLAGS)
