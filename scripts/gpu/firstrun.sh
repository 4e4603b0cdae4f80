#!/usr/bin/env bash
# On a GPU host after staging (scripts/gpu/pack.sh, then gpu.sh stage of every part): the README's
# main job (trt4j gazeml models/face/samples/astronaut.png) run first with an empty engine cache and
# then again, for each way of building its three engines: TensorRT's default (one after another,
# optimization level 3: "sequential-l3"), in parallel at level 3, one after another at level 1,
# and in parallel at level 1 (the runner's default since these measurements: "parallel-l1").
# For each configuration also: the largest difference of its results.jsonl for the image from the
# first configuration's (every number in it: boxes, landmarks, gaze); the held-out accuracy of its
# ELG engine (--evaluate models/gazeml/heldout.npz); and the pipeline's own "frames/s" line on a
# 300-frame 640x480 clip panned across the bundled portrait, made here with the host's OpenCV, so
# that a faster build is never bought with slower inference or lower accuracy unseen.
# (For a longer video with per-stage timings: GazeMlBenchmark VIDEO REF.json LEVEL, trt4j-bench.)
# Results: $OUT/firstrun.txt.          bash scripts/gpu/firstrun.sh [CONFIGS]
# CONFIGS: comma list of sequential-l3,parallel-l3,sequential-l1,parallel-l1 (default: all four).
# gpu.sh runs Java in the unpacked app, where the test resources of every project are merged
# under src/test/resources: paths below are relative to it or absolute.
set -uo pipefail
G=.gpu/bin/gpu.sh
OUTF="${OUT:-/tmp}/firstrun.txt"
CLIP=/tmp/firstrun-pan.avi
say() { echo "$@" | tee -a "$OUTF"; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{printf "%.1f", $1 - $2}'; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sed 's/^/gpu=/' | tee -a "$OUTF"
python3 - models/face/samples/astronaut.png "$CLIP" <<'PY' || say "making $CLIP failed"
import cv2, sys
img = cv2.imread(sys.argv[1])
h, w = img.shape[:2]
big = cv2.resize(img, (w * 2, h * 2))
out = cv2.VideoWriter(sys.argv[2], cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 480))
for i in range(300):
    x = int((big.shape[1] - 640) * (0.5 + 0.5 * __import__("math").sin(i / 40)))
    y = max(0, min(big.shape[0] - 480, (big.shape[0] - 480) // 3))
    out.write(big[y:y + 480, x:x + 640])
out.release()
PY
for c in $(echo "${1:-sequential-l3,parallel-l3,sequential-l1,parallel-l1}" | tr , ' '); do
  case "$c" in
    sequential-l3) flags="--no-parallel-builds --builder-optimization-level 3" ;;
    parallel-l3) flags="--builder-optimization-level 3" ;;
    sequential-l1) flags="--no-parallel-builds" ;;
    parallel-l1) flags="" ;;
    *) say "unknown config $c"; continue ;;
  esac
  cache=$(mktemp -d /tmp/trt4j-cache-XXXX)
  for run in first second; do
    t=$(now)
    # shellcheck disable=SC2086
    TRT4J_CACHE="$cache" bash $G run io.github.trt4j.cli.Main gazeml models/face/samples/astronaut.png \
      -o "$cache/out-$run" $flags > "$cache/$run.log" 2>&1
    rc=$?
    say "config=$c run=$run rc=$rc wall_s=$(since "$t") $(grep -oE 'built [^ ]+ in [0-9.]+ s' "$cache/$run.log" | sed -E 's/built ([^-]+)-[^ ]+ in ([0-9.]+) s/\1_s=\2/' | tr '\n' ' ')"
    [ "$rc" = 0 ] || tail -5 "$cache/$run.log" | sed 's/^/  /' | tee -a "$OUTF"
  done
  grep -E 'astronaut.png:' "$cache/second.log" | head -1 | cut -c1-200 | sed "s/^/config=$c result: /" | tee -a "$OUTF"
  cp "$cache/out-second/results.jsonl" "/tmp/firstrun-$c.jsonl" 2>/dev/null
  [ -n "${first_cfg:-}" ] || first_cfg=$c
  say "config=$c vs $first_cfg: $(python3 - "/tmp/firstrun-$first_cfg.jsonl" "/tmp/firstrun-$c.jsonl" <<'PY'
import json, sys
def leaves(x, p=""):
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return
    if isinstance(x, (int, float)):
        yield p, float(x); return
    items = x.items() if isinstance(x, dict) else enumerate(x)
    for k, v in items:
        yield from leaves(v, f"{p}/{k}")
try:
    a = [dict(leaves(json.loads(l))) for l in open(sys.argv[1]) if l.strip()]
    b = [dict(leaves(json.loads(l))) for l in open(sys.argv[2]) if l.strip()]
except OSError as e:
    print("no results:", e); sys.exit()
worst, where, n = 0.0, "-", 0
for x, y in zip(a, b):
    if x.keys() != y.keys():
        print("different fields:", sorted(set(x) ^ set(y))[:5]); sys.exit()
    for k in x:
        n += 1
        d = abs(x[k] - y[k])
        if d > worst:
            worst, where = d, k
print(f"frames={len(a)}/{len(b)} numbers={n} max_abs_diff={worst:.4g} at {where}")
PY
)"
  # shellcheck disable=SC2086
  TRT4J_CACHE="$cache" bash $G run io.github.trt4j.cli.Main gazeml --evaluate models/gazeml/heldout.npz -o "$cache/out-eval" $flags > "$cache/eval.log" 2>&1
  say "config=$c heldout rc=$? $(grep -E '^held-out' "$cache/eval.log" | sed 's/^held-out [^:]*: //')"
  # shellcheck disable=SC2086
  TRT4J_CACHE="$cache" bash $G run io.github.trt4j.cli.Main gazeml --video "$CLIP" -o "$cache/out-video" $flags > "$cache/video.log" 2>&1
  rc=$?
  say "config=$c video rc=$rc $(grep -oE '[0-9.]+ ms/frame = [0-9.]+ frames/s' "$cache/video.log" | tail -1)"
  [ "$rc" = 0 ] || tail -3 "$cache/video.log" | sed 's/^/  /' | tee -a "$OUTF"
  rm -rf "$cache"
done
