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
# SQLite needs a writable folder next to a database it opens (WAL files);
# the sandbox's inputs are read-only, so merge from copies.
shards=()
for shard in "$@"; do
  case "$shard" in
    *.db)
      copy="$scratch/shard_${#shards[@]}.db"
      cp "$shard" "$copy"
      chmod u+w "$copy"
      shards+=("$copy")
      ;;
  esac
done
exec "$checker" --expected "$expected" --merged "$merged" "${update[@]}" --shards "${shards[@]}"
