#!/usr/bin/env bash
# On a GPU host after staging (scripts/gpu/pack.sh, then gpu.sh stage of every part): the README's
# main job (trt4j gazeml models/face/samples/astronaut.png) run first with an empty engine cache and
# then again, for each way of building its three engines: TensorRT's default (one after another,
# optimization level 3), --parallel-builds, --builder-optimization-level 1, and both. Then the
# frames per second of each configuration's engines on the bundled clip (the pipeline's own
# "frames/s" line), so that a faster build is never bought with slower inference unseen.
# Results: $OUT/firstrun.txt.          bash scripts/gpu/firstrun.sh [CONFIGS]
# CONFIGS: comma list of default,parallel,level1,both (default: all four).
set -uo pipefail
G=.gpu/bin/gpu.sh
OUTF="${OUT:-/tmp}/firstrun.txt"
CLIP=examples/gazeml/src/test/resources/face/astronaut_pan.mp4
say() { echo "$@" | tee -a "$OUTF"; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{printf "%.1f", $1 - $2}'; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sed 's/^/gpu=/' | tee -a "$OUTF"
for c in $(echo "${1:-default,parallel,level1,both}" | tr , ' '); do
  case "$c" in
    default) flags="" ;;
    parallel) flags="--parallel-builds" ;;
    level1) flags="--builder-optimization-level 1" ;;
    both) flags="--parallel-builds --builder-optimization-level 1" ;;
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
  # shellcheck disable=SC2086
  TRT4J_CACHE="$cache" bash $G run io.github.trt4j.cli.Main gazeml --video "$CLIP" -o "$cache/out-video" $flags > "$cache/video.log" 2>&1
  say "config=$c video rc=$? $(grep -E 'frames/s' "$cache/video.log" | tail -1 | cut -c1-200)"
  rm -rf "$cache"
done
