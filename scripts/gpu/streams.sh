#!/usr/bin/env bash
# Throughput with 1, 2, 4, 8, 16 streams: the C++ reference loop and trt4j's pool, one engine.
#   bash scripts/gpu/streams.sh ENGINE_NAME [ITERS=2000]
set -uo pipefail
E=/root/gpu-keep/engines/$1.engine; ITERS="${2:-2000}"; G=.gpu/bin/gpu.sh
OUTF="${OUT:-/tmp}/streams.txt"
for n in 1 2 4 8 16; do
  bash $G cpp-ref "$E" "$ITERS" 1 0 "$n" 2>/dev/null | tee -a "$OUTF"
done
bash $G run io.github.trt4j.FastPathBenchmark "$E" "$ITERS" streams 2>&1 | grep "^java" | tee -a "$OUTF"
