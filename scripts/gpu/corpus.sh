#!/usr/bin/env bash
# On a GPU host, from the repository root after `gpu.sh stage` of every part (like native.sh): the
# real-model corpus of issue 14 (scripts/corpus/make_corpus.py: ResNet-50 FP32/FP16, a detector
# with ONNX NonMaxSuppression, with EfficientNMS_TRT and without NMS, a BERT encoder in FP16).
#   1. make   make_corpus.py into $CORPUS_DIR (default /root/gpu-keep/corpus), unless corpus.json
#             is there (CPU: ONNX Runtime references; ~1 min)
#   2. test   CorpusGpuTest through `gpu.sh test` with TRT4J_CORPUS set (gpu.sh sets JAVA_OPTS
#             itself, so the directory goes by environment): EngineBuilder builds every entry
#             (cold, timed: api_build_s; kept in engines-api/) and checks every case through
#             run(Map) and an IoBinding, plus the NonMaxSuppression plan under an 8-thread pool
#   3. cli    `trt4j build` of every entry (engines-cli/, the same timing cache, so warm: cli_build_s)
#             and `trt4j run` of its first case, compared by scripts/corpus/compare.py
#   4. latency  per-call p50/p99: `gpu.sh cpp-ref PLAN ITERS 1 0 1` alternating with the Java binding
#             path (CorpusBenchmark) on the same plan, two rounds. cpp-ref runs dynamic inputs at
#             profile 0's opt shape (ResNet batch 8, BERT 4x128), and so does CorpusBenchmark without
#             a case; it registers no plugins and cannot size data-dependent outputs, so for the
#             detectors only the Java side runs, on case "a" (det_raw vs det_nms: what
#             data-dependent outputs cost per call)
#   5. bench  `trt4j bench PLAN --infStreams 1` and `--infStreams 4` (throughput, latency)
# Every result is a key=value line in $OUT/corpus.txt (logs stay in $CORPUS_DIR/logs).
#   bash scripts/gpu/corpus.sh
# Everything takes ~9-10 min on an H200 when nothing is there yet (builds ~200 s cold); run it as
# two device calls back to back (the host keeps /root/gpu-keep between them only while held):
#   CORPUS_PARTS=make,test bash scripts/gpu/corpus.sh ; CORPUS_PARTS=cli,latency,bench bash ...
# Environment: CORPUS_PARTS (default make,test,cli,latency,bench), CORPUS_MODELS (comma list of
# entry names; default all), CORPUS_ITERS (default 1000), CORPUS_ROUNDS (latency rounds, default
# 2), CORPUS_BENCH_S (default 2),
# CORPUS_REBUILD=1 (build the CLI plans again), PYTHON (default python3).
set -uo pipefail
G=.gpu/bin/gpu.sh
C="${CORPUS_DIR:-/root/gpu-keep/corpus}"
PY="${PYTHON:-python3}"
PARTS=",${CORPUS_PARTS:-make,test,cli,latency,bench},"
ITERS="${CORPUS_ITERS:-1000}"
BENCH_S="${CORPUS_BENCH_S:-2}"
ROUNDS="${CORPUS_ROUNDS:-2}"
OUTF="${OUT:-/tmp}/corpus.txt"
L="$C/logs"
mkdir -p "$C" "$L" "$C/engines-cli" "$C/run"
say() { echo "$@" | tee -a "$OUTF"; }
part() { [[ "$PARTS" == *",$1,"* ]]; }
want() { [ -z "${CORPUS_MODELS:-}" ] || [[ ",$CORPUS_MODELS," == *",$1,"* ]]; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{printf "%.1f", $1 - $2}'; }
T0=$(now)
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sed 's/^/gpu=/' | tee -a "$OUTF"

if part make && [ ! -f "$C/corpus.json" ]; then
  t=$(now)
  if "$PY" scripts/corpus/make_corpus.py "$C" > "$L/make.log" 2>&1; then
    say "make_corpus_s=$(since "$t")"
  else
    say "make_corpus=FAILED (tail of $L/make.log follows)"; tail -20 "$L/make.log" | tee -a "$OUTF"
  fi
  grep -E 'detector case|logits range|hidden range' "$L/make.log" | sed 's/^/make: /' >> "$OUTF"
fi
[ -f "$C/corpus.json" ] || { say "no $C/corpus.json: nothing to run"; exit 1; }

if part test; then
  t=$(now)
  TRT4J_CORPUS="$C" bash $G test --include-classname '.*CorpusGpuTest' > "$L/test.log" 2>&1
  rc=$?
  say "test_rc=$rc test_s=$(since "$t")"
  grep -E '^corpus ' "$L/test.log" | sed 's/^corpus /api /' >> "$OUTF"
  grep -E 'tests (successful|failed|aborted|skipped)|containers failed' "$L/test.log" | sed 's/^ *//; s/^\[ */test: /; s/ *\]$//' | tee -a "$OUTF"
  grep -E '✘|Exception|AssertionFailed|expected:' "$L/test.log" | head -20 | sed 's/^/test: /' | tee -a "$OUTF"
fi

# NAME|BUILD_FLAGS|LOAD_FLAGS|BENCH_SHAPES|CPP_REF|FIRST_CASE, one line per entry
mapfile -t ENTRIES < <("$PY" scripts/corpus/compare.py entries "$C")

if part cli; then
  for e in "${ENTRIES[@]}"; do
    IFS='|' read -r name build load shapes cppref case1 <<< "$e"
    want "$name" || continue
    onnx=$("$PY" -c "import json,sys; print([m['onnx'] for m in json.load(open(sys.argv[1]))['models'] if m['name']==sys.argv[2]][0])" "$C/corpus.json" "$name")
    plan="$C/engines-cli/$name.engine"
    if [ ! -f "$plan" ] || [ "${CORPUS_REBUILD:-0}" = 1 ]; then
      t=$(now)
      # shellcheck disable=SC2086
      if bash $G run io.github.trt4j.cli.Main build "$C/$onnx" -o "$plan" $build --timing-cache "$C/corpus.timing" > "$L/build.$name.log" 2>&1; then
        say "cli model=$name cli_build_s=$(since "$t") timing_cache=$([ -f "$C/engines-api/$name.engine" ] && echo warm || echo cold) plan_bytes=$(stat -c %s "$plan")"
      else
        say "cli model=$name build=FAILED"; tail -5 "$L/build.$name.log" | sed 's/^/  /' | tee -a "$OUTF"; continue
      fi
    fi
    rd="$C/run/$name"; rm -rf "$rd"; mkdir -p "$rd/in"
    args=$("$PY" scripts/corpus/compare.py split "$C" "$name" "$case1" "$rd/in")
    t=$(now)
    # shellcheck disable=SC2086
    if bash $G run io.github.trt4j.cli.Main run "$plan" $args -o "$rd/out" $load > "$L/run.$name.log" 2>&1; then
      say "cli model=$name case=$case1 cli_run_s=$(since "$t")"
      "$PY" scripts/corpus/compare.py check "$C" "$name" "$case1" "$rd/out" | tee -a "$OUTF"
    else
      say "cli model=$name case=$case1 run=FAILED"; tail -5 "$L/run.$name.log" | sed 's/^/  /' | tee -a "$OUTF"
    fi
  done
fi

plan_of() {  # the CLI's plan, else the API's
  if [ -f "$C/engines-cli/$1.engine" ]; then echo "$C/engines-cli/$1.engine"; else echo "$C/engines-api/$1.engine"; fi
}

if part latency; then
  for e in "${ENTRIES[@]}"; do
    IFS='|' read -r name build load shapes cppref case1 <<< "$e"
    want "$name" || continue
    plan=$(plan_of "$name"); [ -f "$plan" ] || { say "latency model=$name: no plan"; continue; }
    std=-; [ -n "$load" ] && std=std
    # Static inputs: the first case's data (cpp-ref runs the same shapes, on zeros); dynamic ones:
    # zeros at the opt shape, as cpp-ref.
    cin=-
    [ -z "$shapes" ] && cin="$C/$("$PY" -c "import json,sys; m=[m for m in json.load(open(sys.argv[1]))['models'] if m['name']==sys.argv[2]][0]; print(m['cases'][0]['in'])" "$C/corpus.json" "$name")"
    for round in $(seq 1 "$ROUNDS"); do
      if [ "$cppref" = 1 ]; then
        bash $G cpp-ref "$plan" "$ITERS" 1 0 1 2>>"$L/cppref.log" | sed "s/^/latency model=$name round=$round /" | tee -a "$OUTF"
        bash $G run io.github.trt4j.CorpusBenchmark "$plan" "$ITERS" "$std" "$cin" pinned 2>>"$L/bench-java.log" \
          | grep '^java ' | sed "s/^/latency model=$name round=$round /" | tee -a "$OUTF"
      else
        # Detectors: the Java side only (see the header), on a real case so that K is realistic.
        bash $G run io.github.trt4j.CorpusBenchmark "$plan" "$ITERS" "$std" "$cin" pinned,map 2>>"$L/bench-java.log" \
          | grep '^java ' | sed "s/^/latency model=$name round=$round case=$case1 /" | tee -a "$OUTF"
      fi
    done
  done
  # det_raw was measured at the same case: its pinned p50 next to det_nms's is the data-dependent cost.
fi

if part bench; then
  for e in "${ENTRIES[@]}"; do
    IFS='|' read -r name build load shapes cppref case1 <<< "$e"
    want "$name" || continue
    plan=$(plan_of "$name"); [ -f "$plan" ] || continue
    sh=(); [ -n "$shapes" ] && sh=(--shapes "$shapes")
    for n in 1 4; do
      # shellcheck disable=SC2086
      bash $G run io.github.trt4j.cli.Main bench "$plan" --infStreams "$n" --duration "$BENCH_S" --warmUp 500 "${sh[@]}" $load > "$L/bench.$name.$n.log" 2>&1
      rc=$?
      tp=$(grep -oE 'Throughput: [0-9.]+' "$L/bench.$name.$n.log" | awk '{print $2}')
      lat=$(grep -E '^Latency:' "$L/bench.$name.$n.log" | sed -E 's/.*median = ([0-9.]+) ms.*percentile\(99%\) = ([0-9.]+) ms.*/\1 \2/')
      say "bench model=$name infStreams=$n rc=$rc throughput_qps=${tp:-NA} latency_median_ms=${lat% *} latency_p99_ms=${lat#* }"
    done
  done
fi
say "corpus_total_s=$(since "$T0")"
