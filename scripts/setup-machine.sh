#!/bin/sh
# Installs the Debian packages that gwanmun's demo and tests use and this
# machine lacks; `make demo` and `make test` call it only when
# `scripts/setup-machine.sh --check` finds something missing, so a machine
# that has them needs neither root nor network.
#
#   chromium        headless browser tests of reports; SVG/PNG figures (--figures)
#   fonts-noto-cjk  Hangul in reports and figures (tested: glyphs, not boxes)
#   nodejs, npm     the Node Parquet portability test (bench/) and
#                   scripts/update-echarts.sh; without them that test skips
#   poppler-utils   pdftotext/pdfimages/pdfinfo: the report --pdf test checks
#                   each chart prints on the page of its caption
#   postgresql      initdb/pg_ctl: the Iceberg PostgreSQL-catalog tests start
#                   their own throw-away cluster (data/iceberg)
#
# Go modules come from the module proxy as `go` needs them, golangci-lint
# from `make lint`, and ECharts is committed (analysis/report/assets/).
#
# Usage: scripts/setup-machine.sh [--check]
#   --check  list what is missing and exit 1 if anything is; install nothing
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing="$missing fonts-noto-cjk"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$missing postgresql"

if [ -z "$missing" ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "missing Debian packages:$missing (scripts/setup-machine.sh installs them)"
	exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "setup-machine: missing$missing; run this script as root to apt-get install them" >&2
		exit 1
	}
	sudo=sudo
fi
echo "setup-machine: installing$missing"
$sudo apt-get update -qq
# shellcheck disable=SC2086 # $missing is a list of package names
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
