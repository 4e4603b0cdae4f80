#!/usr/bin/env bash
# On a GPU host, after `gpu.sh stage` of every part: builds the three benchmark engines with the
# CLI, then runs the C++ reference loops and trt4j's FastPathBenchmark alternately on each, in one
# command, so that the ratios compare like with like. Results go to $OUT/bench.txt.
#   bash scripts/gpu/bench.sh [ITERS=5000] [MODES]
set -uo pipefail
ITERS="${1:-5000}"
MODES="${2:-load,pinned,device,graph,map,activation}"
G=.gpu/bin/gpu.sh
OUTF="${OUT:-/tmp}/bench.txt"
E=/root/gpu-keep/engines; mkdir -p "$E"
say() { echo "$@" | tee -a "$OUTF"; }
build() {  # NAME ONNX
  [ -f "$E/$1.engine" ] || bash $G run io.github.trt4j.cli.Main build "$2" -o "$E/$1.engine" >/dev/null || say "build $1 failed"
}
build seed models/test/seed.onnx
build elg models/gazeml/elg.onnx
build conv models/bench/conv_large_out.onnx
KEEP=/root/gpu-keep
TRT="$KEEP/base/trt"
if [ ! -x "$KEEP/trt_nocopy" ]; then
  g++ -O2 -std=c++17 -w scripts/bench/trt_nocopy.cpp -I.gpu/bin/bench/trt-include -I/usr/local/cuda/include \
    -L"$TRT" -l:libnvinfer.so.10 -l:libcudart.so.12 -o "$KEEP/trt_nocopy" || say "building trt_nocopy failed"
fi
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee -a "$OUTF"
for eng in seed conv elg; do
  for round in 1 2; do
    say "# $eng round $round"
    bash $G cpp-ref "$E/$eng.engine" "$ITERS" 1 0 1 2>/dev/null | tee -a "$OUTF"
    LD_LIBRARY_PATH="$TRT" "$KEEP/trt_nocopy" "$E/$eng.engine" "$ITERS" | tee -a "$OUTF"
    bash $G cpp-ref "$E/$eng.engine" "$ITERS" 1 1 1 2>/dev/null | tee -a "$OUTF"
    bash $G run io.github.trt4j.FastPathBenchmark "$E/$eng.engine" "$ITERS" "$MODES" 2>&1 | grep -v "^\[" | tee -a "$OUTF"
  done
done
