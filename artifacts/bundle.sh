#!/usr/bin/env bash
# bazel run //artifacts:bundle — packs what //artifacts:all produced into one
# archive an artifact evaluator can unpack: the report, tables, figures,
# results.db, the environment as measured, and the checklist of claims.
set -euo pipefail
workspace="${BUILD_WORKSPACE_DIRECTORY:?run this with bazel run //artifacts:bundle}"
out="$workspace/artifacts/out"
if [ ! -f "$out/report.html" ] || [ ! -f "$out/results.db" ]; then
  echo "bundle: $out/report.html or results.db is missing: run 'bazel run //artifacts:all' (or scripts/run) first" >&2
  exit 1
fi
checklist="$(readlink -f "$1")"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
bundle="$stage/rcdnn-artifact-bundle"
mkdir -p "$bundle"
cp "$out"/report.html "$out"/results.db "$bundle/"
for f in "$out"/*.csv "$out"/*.md "$out"/*.png "$out"/*.svg; do
  [ -e "$f" ] && cp "$f" "$bundle/"
done
cp "$checklist" "$bundle/CHECKLIST.md"
{
  echo "# Environment as measured ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- compiler: $(g++ --version | head -n1)"
  echo "- bazel: $(cd "$workspace" && bazel --version 2>/dev/null || echo unknown)"
  echo "- code version: $(cd "$workspace" && git describe --always --dirty 2>/dev/null || echo unknown)"
  echo "- build flags: $(grep -E '^build ' "$workspace/.bazelrc" | tr '\n' ' ')"
  echo "- libraries:"
  dpkg-query -W -f='  - ${Package} ${Version}\n' libeigen3-dev libsqlite3-dev libgtest-dev libbenchmark-dev \
    libboost-program-options-dev libgnuplot-iostream-dev gnuplot-nox libmatio-dev dataset-fashion-mnist 2>/dev/null || true
} > "$bundle/ENVIRONMENT.md"
cat > "$bundle/README.md" <<README
# rcdnn artifact bundle

The reproduction of Tann et al., "Runtime Configurable Deep Neural Networks for
Energy-Accuracy Trade-off" (CODES+ISSS 2016), as produced on the machine
described in ENVIRONMENT.md.

- report.html: open in any browser; the paper's claims with our values, then every table and figure.
- results.db: every number with its provenance (SQLite; see the project's results/README.md).
- table*.csv / table*.md, fig*.png / fig*.svg: the tables and figures.
- CHECKLIST.md: each claim, the command that checks it, its time and data.
README
archive="$out/rcdnn-artifact-bundle.tar.gz"
tar -C "$stage" -czf "$archive.tmp" rcdnn-artifact-bundle
mv "$archive.tmp" "$archive"
echo "bundle: wrote $archive ($(du -h "$archive" | cut -f1))"
