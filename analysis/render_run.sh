#!/usr/bin/env bash
# The runner behind render_target (defs.bzl): render_run.sh <artifact> <file>...
# Every *.db among the files is a result shard; they are passed to render as
# absolute paths (render takes relative paths as relative to where bazel ran,
# while $(locations) gives them relative to the runfiles tree we run in).
set -euo pipefail
artifact="$1"
shift
out="${RCDNN_ARTIFACTS_OUT:-}"
if [[ -z "$out" ]]; then
  [[ -n "${BUILD_WORKSPACE_DIRECTORY:-}" ]] || { echo "render_run: run me with bazel run (or set RCDNN_ARTIFACTS_OUT)" >&2; exit 1; }
  out="$BUILD_WORKSPACE_DIRECTORY/artifacts/out"
fi
shards=()
for file in "$@"; do
  case "$file" in
    /*.db) shards+=("$file") ;;
    *.db) shards+=("$PWD/$file") ;;
  esac
done
# The source tree's commit, for the report's header (runs carry their tools'
# own digests: common/code_version.h). Nothing when it is not a git checkout.
version_flag=()
if [[ -n "${BUILD_WORKSPACE_DIRECTORY:-}" ]] &&
  version="$(git -C "$BUILD_WORKSPACE_DIRECTORY" describe --always --dirty --abbrev=12 2>/dev/null)"; then
  version_flag=(--workspace-version "$version")
fi
exec analysis/render --artifact "$artifact" --out-dir "$out" ${version_flag[@]+"${version_flag[@]}"} \
  ${shards[@]+--shards "${shards[@]}"}
