#!/usr/bin/env bash
# Runs the regression check of the smoke profile's numbers.
# Usage: smoke_regression.sh CHECKER EXPECTED_CSV [--update] SHARD...
set -euo pipefail
checker=$1 expected=$2
shift 2
update=()
if [ "${1:-}" = "--update" ]; then
  update=(--update)
  shift
  expected=artifacts/expected/smoke.csv  # resolved against the workspace
fi
scratch="${TEST_TMPDIR:-$(mktemp -d)}"
merged="$scratch/smoke_merged.db"
source artifacts/writable_shards.sh  # runfiles root: the working directory of tests and bazel run
writable_shards "$scratch" "$@"
exec "$checker" --expected "$expected" --merged "$merged" "${update[@]}" --shards "${shards[@]}"
