#!/usr/bin/env bash
# `make bench`: installs what the side-by-side runs need (Debian's
# python3-scrapy and python3-pandas), builds bench/cmd/gwbench and runs
# every benchmark, printing the table of ratios (also saved with the raw
# results under bench/out/). Sizes come from the environment:
#   BENCH_PAGES=5000 BENCH_CONCURRENCY=16 BENCH_WRITE_ROWS=1000000
#   BENCH_SCALE=1000000,10000000 BENCH_REPEAT=1 BENCH_SECTIONS=write,scale,crawl,run
#   BENCH_FLAGS="-memory-limit 8GB -threads 2 -ingest-max 10000000"   (any other gwbench all flag)
#   BENCH_IMPORT_ROWS=10000000   (e) file import vs DuckDB COPY of the same CSV; 0 skips it
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-mod=mod

py=/usr/bin/python3
missing=""
"$py" -c 'import scrapy' 2>/dev/null || missing="$missing python3-scrapy"
"$py" -c 'import pandas' 2>/dev/null || missing="$missing python3-pandas"
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; }; then
    echo "could not install$missing: those contenders are skipped and say so in the table" >&2
  fi
fi

mkdir -p bench/out
go build -o bench/out/gwbench ./bench/cmd/gwbench
go build -o bench/out/gwingest ./bench/cmd/gwingest
# shellcheck disable=SC2086 # BENCH_FLAGS is a list of flags
bench/out/gwbench all -out bench/out -python "$py" \
  -sections "${BENCH_SECTIONS:-write,scale,crawl,run}" \
  -pages "${BENCH_PAGES:-5000}" -c "${BENCH_CONCURRENCY:-16}" \
  -write-rows "${BENCH_WRITE_ROWS:-1000000}" -scale "${BENCH_SCALE:-1000000,10000000}" \
  -repeat "${BENCH_REPEAT:-1}" ${BENCH_FLAGS:-} | tee bench/out/table.md

# (e) File import: one CSV of SYNTHETIC news through the file collector and
# the runner, and DuckDB's COPY (FROM read_csv(...)) TO parquet of the same
# file, each in its own process so CPU time and peak RSS are its own.
import_rows="${BENCH_IMPORT_ROWS:-10000000}"
if [ "$import_rows" != 0 ]; then
  go test -c -o bench/out/bench.test ./bench/
  for b in DuckDBCopyCSV FileImportCSV; do
    BENCH_IMPORT_ROWS="$import_rows" /usr/bin/time -f "$b rows=$import_rows cpu_user_s=%U cpu_sys_s=%S wall_s=%e peak_rss_kib=%M" \
      bench/out/bench.test -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchtime 1x -test.timeout 0 2>&1 |
      grep -E "^Benchmark|rows=" | tee -a bench/out/table.md
  done
fi
