#!/usr/bin/env bash
# The device tool carries at most 64 MiB per call, working tree included, so pack.sh's 60 MiB parts
# travel re-cut into smaller pieces (.gpu/xfer/base.NN, .gpu/xfer/build.NN and, for the Spark
# example, .gpu/xfer/spark.NN, cut from the parts concatenated in order). On the GPU host:
#   bash scripts/gpu/xfer.sh keep      keep the pieces sent with this call
#   bash scripts/gpu/xfer.sh join      re-cut the kept pieces into pack.sh's parts, then gpu.sh stage
set -euo pipefail
KEEP="${GPU_KEEP:-/root/gpu-keep}"
mkdir -p "$KEEP/xfer" "$KEEP/parts"
case "${1:-}" in
  keep) cp .gpu/xfer/* "$KEEP/xfer/" && ls "$KEEP/xfer" | tr '\n' ' ' && echo;;
  join)
    for s in base build spark; do
      ls "$KEEP/xfer/$s."* >/dev/null 2>&1 || continue
      cat $(ls "$KEEP/xfer/$s."* | sort) | split -b 62914560 -d - "$KEEP/parts/$s-"
    done
    ls "$KEEP/parts" | tr '\n' ' '; echo;;
  *) echo "usage: xfer.sh keep|join" >&2; exit 2;;
esac
