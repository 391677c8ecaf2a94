#!/usr/bin/env bash
# The GPU path's checks on a machine with a CUDA device, from the bundle that
# scripts/gpu_bundle packed (no Bazel needed there):
#   bash gpu_bundle/device_check.sh
# Writes five files under $OUT (else /tmp/gpu_check): nvidia_smi.csv,
# tests.log (every test's full output), gpu_platforms.txt and
# gpu_platforms.db (the timer's report and store), memcheck.log.
# Exits 1 if a test fails, or skips although nvidia-smi sees a GPU; the timer
# runs anyway.
set -uo pipefail
bundle=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/gpu_check}
mkdir -p "$out"
export LD_LIBRARY_PATH="$bundle/syslib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TEST_SRCDIR="$bundle/runfiles" TEST_WORKSPACE=rcdnn
cd "$bundle/runfiles/rcdnn"

echo "== device"
have_gpu=0
if nvidia-smi --query-gpu=name,driver_version,pci.bus_id,clocks.sm,clocks.max.sm,power.draw,temperature.gpu \
     --format=csv > "$out/nvidia_smi.csv" 2>&1; then
  have_gpu=1
fi
cat "$out/nvidia_smi.csv"
echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
if ldd ./gpu/gpu_forward_test | grep 'not found'; then
  echo "device_check: the libraries above are missing (CUDA's are expected under /usr/local/cuda/lib64)"
fi

failed=0
: > "$out/tests.log"
for t in gpu_forward_test host_steps_test gpu_network_test nvml_test gpu_platforms_main_test; do
  echo "== $t" | tee -a "$out/tests.log"
  log=$(mktemp)
  TEST_TMPDIR=$(mktemp -d) timeout 300 "./gpu/$t" > "$log" 2>&1
  status=$?
  cat "$log" >> "$out/tests.log"
  grep -E '^\[ +(OK|FAILED) +\]|^\[ +(PASSED|SKIPPED) +\] [0-9]|Failure|no usable CUDA device' "$log" |
    awk '!seen[$0]++' | head -40
  echo "$t: exit $status"
  [ "$status" -eq 0 ] || failed=1
  if [ "$have_gpu" = 1 ] && grep -q '^\[  SKIPPED \]' "$log"; then
    echo "$t: SKIPPED tests on a machine where nvidia-smi sees a GPU: the device path did not run"
    failed=1
  fi
done

echo "== gpu_platforms (Table 5 on this GPU)"
timeout 400 ./gpu/gpu_platforms --db "$out/gpu_platforms.db" 2>&1 | tee "$out/gpu_platforms.txt"
echo "gpu_platforms: exit ${PIPESTATUS[0]}"

if [ "$have_gpu" = 1 ] && command -v compute-sanitizer > /dev/null; then
  echo "== compute-sanitizer memcheck, LeNet forward test"
  TEST_TMPDIR=$(mktemp -d) timeout 240 compute-sanitizer --tool memcheck --error-exitcode 3 \
    ./gpu/gpu_forward_test --gtest_filter='Networks/GpuForwardTest.MatchesTheCpuEngine/0' > "$out/memcheck.log" 2>&1
  echo "memcheck: exit $? ($(grep -m1 -E 'ERROR SUMMARY' "$out/memcheck.log" || tail -1 "$out/memcheck.log"))"
fi
exit "$failed"
