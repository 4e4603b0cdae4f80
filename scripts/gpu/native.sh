#!/usr/bin/env bash
# On a GPU host, after `gpu.sh stage` of every part (pack.sh with GPU_PACK_CUDA_LIBS="": no CUDA
# library is packed, so the host's library path holds TensorRT and the driver only): builds the
# seed, ELG and conv benchmark engines with the CLI, then measures, alternating with the C++
# reference loop in the same command,
#   - load: a fresh process's natives + plan + context + binding (FastPathBenchmark's load mode
#     against cpp-ref's load_us), and each whole process's wall time for one call;
#   - per call: the binding path (pinned, device), CUDA graphs and run(Map) against cpp-ref.
# Results go to $OUT/native.txt.          bash scripts/gpu/native.sh [ITERS=5000]
# NATIVE_PERCALL=0: the loads only. NATIVE_AOT=1: each load also with a JDK 25 AOT cache.
set -uo pipefail
ITERS="${1:-5000}"
G=.gpu/bin/gpu.sh
OUTF="${OUT:-/tmp}/native.txt"
E=/root/gpu-keep/engines; mkdir -p "$E"
say() { echo "$@" | tee -a "$OUTF"; }
build() {  # NAME ONNX
  [ -f "$E/$1.engine" ] || bash $G run io.github.trt4j.cli.Main build "$2" -o "$E/$1.engine" >/dev/null 2>&1 || say "build $1 failed"
}
build seed models/test/seed.onnx
build elg models/gazeml/elg.onnx
build conv models/bench/conv_large_out.onnx
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee -a "$OUTF"
say "library path: ${LD_LIBRARY_PATH:-}"
say "CUDA toolkit libraries on the host's loader cache: $(ldconfig -p | grep -cE 'libcudart|libcublas|libcudnn|libnvrtc')"
bash $G exec sh -c 'echo "packed native libraries: $(ls $(echo $LD_LIBRARY_PATH | tr : " ") | tr "\n" " ")"' | tee -a "$OUTF"
TIMEFORMAT="wall_s=%R"
# NATIVE_AOT=1 also times each load with a JDK 25 AOT cache (docs/design.md, Start-up): the cache
# needs jars, so the app's classes are zipped into one (the host's JRE has no jar tool), and one
# load of the seed plan records it.
AOTJAR=/root/gpu-keep/app.jar; AOT=/root/gpu-keep/app.aot
if [ "${NATIVE_AOT:-0}" = 1 ]; then
  bash $G exec python3 -c 'import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
for d in sys.argv[2:]:
    for r, _, fs in os.walk(d):
        for f in fs:
            z.write(os.path.join(r, f), os.path.relpath(os.path.join(r, f), d))' "$AOTJAR" target/classes target/test-classes
  rm -f "$AOT"
  bash $G exec sh -c '"$JAVA" $JAVA_OPTS -XX:AOTCacheOutput='"$AOT"' -cp "'"$AOTJAR"':$(echo "$CP" | tr : "\n" | grep "\.jar$" | tr "\n" :)" io.github.trt4j.FastPathBenchmark '"$E/seed.engine"' 1 load' > /dev/null 2>&1
  say "aot cache: $(ls -la "$AOT" 2>&1)"
fi
aotload() {  # ENGINE: FastPathBenchmark's load mode with the AOT cache
  bash $G exec sh -c '"$JAVA" $JAVA_OPTS -XX:AOTCache='"$AOT"' -Xlog:aot=off -Xlog:cds=off -cp "'"$AOTJAR"':$(echo "$CP" | tr : "\n" | grep "\.jar$" | tr "\n" :)" io.github.trt4j.FastPathBenchmark "$0" 1 load' "$1"
}
for eng in seed elg conv; do
  for round in 1 2 3; do
    say "# load $eng round $round"
    { time bash $G cpp-ref "$E/$eng.engine" 1 1 0 1 2>/dev/null; } 2>&1 | tr '\n' ' ' | tee -a "$OUTF"; say ""
    { time bash $G run io.github.trt4j.FastPathBenchmark "$E/$eng.engine" 1 load 2>&1 | grep -v '^\[' ; } 2>&1 | tr '\n' ' ' | tee -a "$OUTF"; say ""
    if [ "${NATIVE_AOT:-0}" = 1 ] && [ -f "$AOT" ]; then
      { time aotload "$E/$eng.engine" 2>&1 | grep -v '^\[' | sed 's/^java /java_aot /'; } 2>&1 | tr '\n' ' ' | tee -a "$OUTF"; say ""
    fi
    bash $G run io.github.trt4j.FastPathBenchmark "$E/$eng.engine" 1 load,steps 2>&1 | grep 'mode=steps' | tee -a "$OUTF"
  done
done
[ "${NATIVE_PERCALL:-1}" = 1 ] || exit 0
for eng in seed conv elg; do
  for round in 1 2; do
    say "# per call $eng round $round"
    bash $G cpp-ref "$E/$eng.engine" "$ITERS" 1 0 1 2>/dev/null | tee -a "$OUTF"
    bash $G run io.github.trt4j.FastPathBenchmark "$E/$eng.engine" "$ITERS" pinned,device,graph,map 2>&1 | grep -v "^\[" | tee -a "$OUTF"
    bash $G cpp-ref "$E/$eng.engine" "$ITERS" 1 1 1 2>/dev/null | tee -a "$OUTF"
  done
done
