# Sourced by the artifact test scripts: writable_shards SCRATCH FILE... sets
# the array `shards` to writable copies of the .db files among FILE... (other
# files, such as an evaluation's predictions, are skipped). The merge tools
# write their own store and read these; copies keep every run independent of
# what Bazel's read-only input folders allow.
writable_shards() {
  local scratch=$1 shard copy
  shift
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
}
