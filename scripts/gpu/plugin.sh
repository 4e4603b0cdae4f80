#!/usr/bin/env bash
# On a GPU host after staging: builds the test plugin library (scripts/plugins/rotate_plugin.cpp,
# one IPluginV3 plugin, against the TensorRT headers the packer sends in .gpu/bin/bench/trt-include
# and CUDA's headers in /usr/local/cuda/include), then runs PluginGpuTest with TRT4J_TEST_PLUGIN
# naming it. Output: $OUT/plugin.log.          bash scripts/gpu/plugin.sh
set -uo pipefail
LIB=/root/gpu-keep/librotate_plugin.so
mkdir -p "$(dirname "$LIB")"
g++ -shared -fPIC -O2 -std=c++17 -Wno-deprecated-declarations -I .gpu/bin/bench/trt-include \
  -I /usr/local/cuda/include scripts/plugins/rotate_plugin.cpp -ldl -o "$LIB" || { echo "plugin build failed"; exit 1; }
O="${OUT:-/tmp}"
OUT= TRT4J_TEST_PLUGIN="$LIB" bash .gpu/bin/gpu.sh test --include-classname '.*PluginGpuTest' > "$O/plugin.log" 2>&1
rc=$?
sed 's/\x1b\[[0-9;]*m//g' "$O/plugin.log" | grep -a -E '✔|✘|■|tests (successful|failed|aborted)' | head -20
exit $rc
