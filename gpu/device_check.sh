#!/usr/bin/env bash
# The GPU path's checks on a machine with a CUDA device, from the bundle that
# scripts/gpu_bundle packed (no Bazel needed there):
#   bash gpu_bundle/device_check.sh
# Writes five files under $OUT (else /tmp/gpu_check), each as it goes, so a
# run cut short still leaves what it did: nvidia_smi.csv, tests.log (every
# test's full output), gpu_platforms.txt and gpu_platforms.db (the timer's
# report and store), memcheck.log (or why memcheck did not run).
# Exits 1 if a test or the timer fails, if memcheck finds an error, or if a
# test skips on a machine with a GPU; every step runs regardless. Each step
# has its own time limit; all of them together fit in about 7 minutes.
set -uo pipefail
bundle=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/gpu_check}
mkdir -p "$out"
export TEST_SRCDIR="$bundle/runfiles" TEST_WORKSPACE=rcdnn
cd "$bundle/runfiles/rcdnn"
tests=(gpu_forward_test host_steps_test gpu_network_test nvml_test gpu_platforms_main_test)
chmod +x "${tests[@]/#/gpu/}" gpu/gpu_platforms  # in case the transfer dropped the bits

# The project's binaries (and the sanitizer, which hands its environment to
# the test it runs) get the bundled Debian libraries; nvidia-smi keeps its own.
project_libs="$bundle/syslib"
project() { LD_LIBRARY_PATH="$project_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"; }
for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13; do
  if ! project ldd ./gpu/gpu_forward_test | grep -q "$lib => not found"; then continue; fi
  # Not under /usr/local/cuda/lib64 (the rpath): take the toolkit's other
  # folders, or the pip wheels PyTorch brings.
  found=$(ls /usr/local/cuda*/lib64/$lib /usr/local/cuda*/targets/*/lib/$lib \
            /opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib/$lib 2>/dev/null | head -1)
  if [ -n "$found" ]; then
    echo "device_check: $lib from $(dirname "$found")"
    project_libs="$project_libs:$(dirname "$found")"
  else
    echo "device_check: $lib is neither under /usr/local/cuda nor in a pip wheel; the tests will not load"
  fi
done

echo "== device"
nvidia-smi --query-gpu=name,driver_version,pci.bus_id,clocks.sm,clocks.max.sm,power.draw,temperature.gpu \
  --format=csv > "$out/nvidia_smi.csv" 2>&1
cat "$out/nvidia_smi.csv"
have_gpu=0
if [ -e /dev/nvidia0 ] || nvidia-smi -L > /dev/null 2>&1; then have_gpu=1; fi
echo "GPU device node or nvidia-smi: $([ "$have_gpu" = 1 ] && echo yes || echo no)"
echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
project ldd ./gpu/gpu_forward_test | grep -E 'not found|cuda|cublas'

failed=0
: > "$out/tests.log"
for t in "${tests[@]}"; do
  echo "== $t" | tee -a "$out/tests.log"
  limit=60
  [ "$t" = gpu_forward_test ] && limit=120
  log=$(mktemp)
  # Straight into $OUT as it runs: a test killed by the call's limit still leaves its output.
  TEST_TMPDIR=$(mktemp -d) project timeout "$limit" "./gpu/$t" 2>&1 | tee -a "$out/tests.log" > "$log"
  status=${PIPESTATUS[0]}
  grep -E '^\[ +(OK|FAILED) +\]|^\[ +(PASSED|SKIPPED) +\] [0-9]|Failure|no usable CUDA device' "$log" |
    awk '!seen[$0]++' | head -40
  echo "$t: exit $status$([ "$status" = 124 ] && echo " (killed after ${limit}s)")" | tee -a "$out/tests.log"
  [ "$status" -eq 0 ] || failed=1
  if [ "$have_gpu" = 1 ] && grep -q '^\[  SKIPPED \]' "$log"; then
    echo "$t: SKIPPED tests on a machine with a GPU: the device path did not run"
    failed=1
  fi
  rm -f "$log"
done

echo "== gpu_platforms (Table 5 on this GPU)"
# SQLite's journal files stay in /tmp; only the finished store is copied out.
db_dir=$(mktemp -d)
project timeout 150 ./gpu/gpu_platforms --db "$db_dir/gpu_platforms.db" 2>&1 | tee "$out/gpu_platforms.txt"
status=${PIPESTATUS[0]}
echo "gpu_platforms: exit $status"
[ "$status" -eq 0 ] || failed=1
[ -f "$db_dir/gpu_platforms.db" ] && cp "$db_dir/gpu_platforms.db" "$out/gpu_platforms.db"

echo "== compute-sanitizer memcheck, LeNet forward test"
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
if [ "$have_gpu" != 1 ]; then
  echo "memcheck not run: no GPU on this machine" | tee "$out/memcheck.log"
elif [ -z "$sanitizer" ]; then
  echo "memcheck not run: compute-sanitizer is neither on PATH nor in /usr/local/cuda/bin" | tee "$out/memcheck.log"
else
  TEST_TMPDIR=$(mktemp -d) project timeout 150 "$sanitizer" --tool memcheck --error-exitcode 3 \
    ./gpu/gpu_forward_test --gtest_filter='Networks/GpuForwardTest.MatchesTheCpuEngine/0' > "$out/memcheck.log" 2>&1
  status=$?
  summary=$(grep -m1 -E 'ERROR SUMMARY' "$out/memcheck.log" || tail -1 "$out/memcheck.log")
  if grep -q 'Device not supported' "$out/memcheck.log"; then
    # gVisor machines: the sanitizer cannot attach there (.library/device/KINDS.md).
    echo "memcheck: could not run on this machine's runtime ($summary)"
  else
    echo "memcheck: exit $status ($summary)"
    [ "$status" -eq 0 ] || failed=1
  fi
fi
echo "device_check: $([ "$failed" = 0 ] && echo "all checks passed" || echo "FAILED (see above and $out/tests.log)")"
exit "$failed"
