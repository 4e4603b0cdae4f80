#!/usr/bin/env bash
# Issue 9's GPU measurements in one command, on a GPU host after every part (base, build and the
# Spark example's, see scripts/gpu/xfer.sh) is staged:
#   bash scripts/gpu/scaleout.sh [ROWS=200000] [REQUESTS=2000]
# 1. writes scale.onnx and mlp.onnx (scripts/make_bench_models.py, the host's torch) and builds
#    their engines with the CLI;
# 2. KServeBenchmark --engine scale.engine: the local binding path, run(Map), and the same engine
#    behind KServe v2 gRPC on loopback, next to the echo servers, for 1 KiB, 300 KiB and 3 MiB;
# 3. SparkInference on mlp.engine (local mode) with 1 and 4 tasks, each against the bare pool.
# Output goes to $OUT/scaleout.txt as well.
set -uo pipefail
ROWS="${1:-200000}"
REQUESTS="${2:-2000}"
G=.gpu/bin/gpu.sh
D=/root/gpu-keep/bench; mkdir -p "$D"
OUTF="${OUT:-/tmp}/scaleout.txt"
say() { echo "$@" | tee -a "$OUTF"; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee -a "$OUTF"
python3 scripts/make_bench_models.py "$D" 2>&1 | tail -1 | tee -a "$OUTF"
[ -f "$D/scale.engine" ] || bash $G run io.github.trt4j.cli.Main build "$D/scale.onnx" -o "$D/scale.engine" \
  --shapes x:1x256/1x76800/1x786432 2>&1 | tail -2 | tee -a "$OUTF"
[ -f "$D/mlp.engine" ] || bash $G run io.github.trt4j.cli.Main build "$D/mlp.onnx" -o "$D/mlp.engine" \
  --shapes x:1x256/64x256/256x256 2>&1 | tail -2 | tee -a "$OUTF"
say "# KServeBenchmark --engine scale.engine"
bash $G run io.github.trt4j.kserve.KServeBenchmark --engine "$D/scale.engine" --requests "$REQUESTS" --warmup 300 2>&1 \
  | grep -v '^\[' | tee -a "$OUTF"
for tasks in 1 4; do
  say "# SparkInference mlp.engine, $tasks task(s)"
  bash $G exec bash "$PWD/examples/spark/gpu-spark.sh" run --runner "engine:$D/mlp.engine" --master "local[$tasks]" \
    --tasks "$tasks" --rows "$ROWS" --features 256 --batch 64 --inferers 4 --baseline-threads "$tasks" --repeat 3 2>&1 \
    | grep -v '^\[\|WARN\|^\s*at ' | tail -12 | tee -a "$OUTF"
done
