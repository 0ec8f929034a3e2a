#!/bin/sh
# Replace the committed ECharts build with another npm release:
#   scripts/update-echarts.sh 5.6.0 sha512-…   (npm view echarts@5.6.0 dist.integrity)
# Fetches the tarball with npm, refuses it unless its sha512 matches the
# integrity given, copies dist/echarts.min.js, LICENSE and NOTICE into
# analysis/report/assets/ and prints what to pin in assets.go and assets_test.go.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 VERSION SHA512-INTEGRITY" >&2; exit 2; }
version=$1 integrity=$2
cd "$(dirname "$0")/.."
dest=analysis/report/assets
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@$version" >/dev/null)
got="sha512-$(openssl dgst -sha512 -binary "$tmp/echarts-$version.tgz" | base64 -w0)"
[ "$got" = "$integrity" ] || { echo "echarts@$version tarball integrity $got, want $integrity" >&2; exit 1; }
tar -xzf "$tmp/echarts-$version.tgz" -C "$tmp" package/dist/echarts.min.js package/LICENSE package/NOTICE
cp "$tmp/package/dist/echarts.min.js" "$tmp/package/LICENSE" "$tmp/package/NOTICE" "$dest/"
echo "EChartsVersion = \"$version\"   (analysis/report/assets.go)"
echo "echartsSHA256  = \"$(sha256sum "$dest/echarts.min.js" | cut -d' ' -f1)\"   (analysis/report/assets_test.go)"
