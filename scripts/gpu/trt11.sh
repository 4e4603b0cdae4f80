#!/usr/bin/env bash
# The TensorRT 11 line on a GPU host, with bytedeco's 11.2 redist libnvinfer.so.11 (no TensorRT 11
# plan can be built from that redist: it has only the PTX builder resource). Needs the TensorRT
# 10 pack staged (its JRE, and seed.engine from scripts/gpu/native.sh) and, sent in .gpu/t11/:
#   nv11-NN + nv11.sha256   libnvinfer.so.11, zstd-compressed and split
#   app11.tar.zst           classes/: the core built with -Ptrt11 (target-trt11/classes) merged with
#                           trt4j-cli's and trt4j-kserve's target/classes (line-independent), and
#                           jars/ (TensorRT 11.2 glue, JavaCPP 1.5.14, slf4j, picocli, gRPC/protobuf)
#   bash scripts/gpu/trt11.sh keep      keep the nv11 parts sent with this call
#   bash scripts/gpu/trt11.sh probe     --version and inspect of a 10.6 plan: with TRT4J_TENSORRT_HOME
#                                       at TensorRT 11.2, and with only TensorRT 10 on the path
set -uo pipefail
KEEP="${GPU_KEEP:-/root/gpu-keep}"; T="$KEEP/t11"; mkdir -p "$T/parts"
Z() { LD_LIBRARY_PATH=".gpu/bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" .gpu/bin/zstd "$@"; }
case "${1:-}" in
  keep) cp .gpu/t11/nv11-* "$T/parts/" && ls "$T/parts" | tr '\n' ' '; echo;;
  probe)
    if [ ! -f "$T/lib/libnvinfer.so.11" ]; then
      (cd "$T/parts" && sha256sum -c --quiet "$OLDPWD/.gpu/t11/nv11.sha256") || { echo "nv11 parts missing"; exit 3; }
      mkdir -p "$T/lib" && cat "$T"/parts/nv11-* | Z -dq --long=27 > "$T/lib/libnvinfer.so.11"
    fi
    rm -rf "$T/app" && mkdir -p "$T/app" && Z -dq < .gpu/t11/app11.tar.zst | tar -C "$T/app" -xf -
    J="$KEEP/base/jre-current/bin/java"; CP="$T/app/classes:$T/app/jars/*"
    run() { "$J" --enable-native-access=ALL-UNNAMED -cp "$CP" io.github.trt4j.cli.Main "$@" 2>&1 | grep -v '^\[main\] INFO'; echo "exit=$?"; }
    echo "## TRT4J_TENSORRT_HOME=$T/lib (TensorRT 11.2), no LD_LIBRARY_PATH"
    export TRT4J_TENSORRT_HOME="$T/lib"
    (unset LD_LIBRARY_PATH; run --version)
    (unset LD_LIBRARY_PATH; run inspect "$KEEP/engines/seed.engine")
    echo "## only TensorRT 10 on the library path ($KEEP/base/trt), no home"
    unset TRT4J_TENSORRT_HOME
    (export LD_LIBRARY_PATH="$KEEP/base/trt"; run --version);;
  *) echo "usage: trt11.sh keep|probe" >&2; exit 2;;
esac
