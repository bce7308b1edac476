#!/usr/bin/env bash
# Builds AsyncKafka's documentation with DocC and fails on any DocC warning.
#
#   ./scripts/docs.sh
#
# The catalogs live in DocsSource/ (outside the targets' source folders), so this
# script drives DocC directly instead of through swift-docc-plugin:
#
#   1. build AsyncKafka and AsyncKafkaTesting with symbol graphs (own scratch path);
#   2. `docc convert` DocsSource/AsyncKafkaTesting.docc, then DocsSource/AsyncKafka.docc
#      (which links into AsyncKafkaTesting), with --warnings-as-errors;
#   3. `docc merge` both into one archive: .build-docs/AsyncKafka.doccarchive.
#
# Read the result with any static file server, e.g.
#   python3 -m http.server -d .build-docs/AsyncKafka.doccarchive 8000
# then open http://localhost:8000/documentation/asynckafka.
#
# Environment:
#   DOCC                    the docc binary (default: next to swift, or `xcrun --find docc`)
#   DOCS_HOSTING_BASE_PATH  base path when hosting under a sub-path (e.g. "/AsyncKafka")
set -euo pipefail

cd "$(dirname "$0")/.."

scratch=.build-docs
symbol_graphs="$scratch/symbol-graphs"
work="$scratch/docc"
output="$scratch/AsyncKafka.doccarchive"

# Compiling the modules needs librdkafka (same check as scripts/test.sh and scripts/demo.sh).
# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh

ensure_librdkafka

# The docc that ships with the Swift toolchain.
docc="${DOCC:-}"
if [ -z "$docc" ]; then
    swift_bin="$(command -v swift || true)"
    if [ -n "$swift_bin" ] && [ -x "$(dirname "$(realpath "$swift_bin")")/docc" ]; then
        docc="$(dirname "$(realpath "$swift_bin")")/docc"
    elif command -v docc >/dev/null 2>&1; then
        docc="$(command -v docc)"
    elif command -v xcrun >/dev/null 2>&1; then
        docc="$(xcrun --find docc)"
    else
        echo "docs.sh: docc not found; set DOCC to its path" >&2
        exit 1
    fi
fi

# 1. Symbol graphs. The compiler writes them while emitting each module; an up-to-date
#    build emits nothing, so the graphs of the last build stay in place and are reused.
raw_graphs="$scratch/symbol-graphs-raw"
mkdir -p "$raw_graphs"
build() {
    for target in AsyncKafka AsyncKafkaTesting; do
        swift build --scratch-path "$scratch" --target "$target" \
            -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$PWD/$raw_graphs"
    done
}
build
if [ ! -f "$raw_graphs/AsyncKafka.symbols.json" ] || [ ! -f "$raw_graphs/AsyncKafkaTesting.symbols.json" ]; then
    # The graphs were deleted but the build was up to date: rebuild the two modules.
    rm -rf "$scratch"/*/debug/AsyncKafka.build "$scratch"/*/debug/AsyncKafkaTesting.build
    build
fi

rm -rf "$symbol_graphs" "$work" "$output"
for module in AsyncKafka AsyncKafkaTesting; do
    mkdir -p "$symbol_graphs/$module"
    cp "$raw_graphs/$module".symbols.json "$symbol_graphs/$module/"
    # Extensions of other modules' types, if any (AsyncKafka@Swift.symbols.json, ...).
    find "$raw_graphs" -maxdepth 1 -name "$module@*.symbols.json" -exec cp {} "$symbol_graphs/$module/" \;
done
mkdir -p "$work"

hosting=()
if [ -n "${DOCS_HOSTING_BASE_PATH:-}" ]; then
    hosting=(--hosting-base-path "$DOCS_HOSTING_BASE_PATH")
fi

# 2. One archive per module. AsyncKafka's articles link into AsyncKafkaTesting, so that
#    one is built first and passed as a dependency.
"$docc" convert DocsSource/AsyncKafkaTesting.docc \
    --additional-symbol-graph-dir "$symbol_graphs/AsyncKafkaTesting" \
    --output-path "$work/AsyncKafkaTesting.doccarchive" \
    --enable-experimental-external-link-support \
    --warnings-as-errors \
    ${hosting[@]+"${hosting[@]}"}
"$docc" convert DocsSource/AsyncKafka.docc \
    --additional-symbol-graph-dir "$symbol_graphs/AsyncKafka" \
    --output-path "$work/AsyncKafka.doccarchive" \
    --enable-experimental-external-link-support \
    --dependency "$work/AsyncKafkaTesting.doccarchive" \
    --warnings-as-errors \
    ${hosting[@]+"${hosting[@]}"}

# 3. One archive for both.
"$docc" merge "$work/AsyncKafka.doccarchive" "$work/AsyncKafkaTesting.doccarchive" \
    --output-path "$output" \
    --synthesized-landing-page-name AsyncKafka \
    --synthesized-landing-page-kind Package

echo "docs.sh: documentation built with no warnings: $output"
echo "docs.sh: python3 -m http.server -d $output 8000, then open http://localhost:8000/documentation/asynckafka"
