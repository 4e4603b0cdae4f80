#!/usr/bin/env bash
# Host side of pack-gpu.sh, from the repository root on the GPU host:
#   bash examples/spark/gpu-spark.sh stage                 keep the .gpu/spark-NN parts sent with this call
#   bash .gpu/bin/gpu.sh exec bash "$PWD/examples/spark/gpu-spark.sh" run ARGS
#                                                          SparkInference ARGS on the project's class path
#                                                          plus Spark (gpu.sh exec sets JAVA, CP, ...)
set -euo pipefail
KEEP="${GPU_KEEP:-/root/gpu-keep}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
case "${1:-}" in
  stage)
    mkdir -p "$KEEP/parts"
    for p in "$ROOT"/.gpu/spark-*; do [ -f "$p" ] && cp "$p" "$KEEP/parts/"; done
    echo "spark: $(ls "$KEEP/parts" | grep -c '^spark-') of $(wc -l < "$ROOT/.gpu/bin/spark.sha256") part(s) staged";;
  run)
    shift
    : "${JAVA:?run this under gpu.sh exec}"
    id="$(cat "$ROOT/.gpu/bin/spark.sha256" | sha256sum | cut -c1-16)"
    if [ "$(cat "$KEEP/spark/.id" 2>/dev/null)" != "$id" ]; then
      (cd "$KEEP/parts" && sha256sum -c --quiet "$ROOT/.gpu/bin/spark.sha256") || { echo "spark parts missing" >&2; exit 3; }
      rm -rf "$KEEP/spark" && mkdir -p "$KEEP/spark"
      cat $(awk -v d="$KEEP/parts/" '{print d $2}' "$ROOT/.gpu/bin/spark.sha256") \
        | LD_LIBRARY_PATH="$ROOT/.gpu/bin" "$ROOT/.gpu/bin/zstd" -dq | tar -C "$KEEP" -xf -
      echo "$id" > "$KEEP/spark/.id"
    fi
    # Spark's own launcher adds these on Java 17+ (see the example's pom, spark.jvm.options).
    OPENS="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true --sun-misc-unsafe-memory-access=allow"
    # slf4j-simple (on the project's class path) would print Spark's INFO lines.
    OPENS="$OPENS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
    for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
             java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.util.calendar; do
      OPENS="$OPENS --add-opens=java.base/$p=ALL-UNNAMED"
    done
    # The parts' own JRE: gpu.sh's lacks jdk.security.auth, which Hadoop's login needs.
    exec "$KEEP/spark/jre/bin/java" $JAVA_OPTS $OPENS -Xmx8g -cp "$KEEP/spark/classes:$CP:$KEEP/spark/lib/*" \
      io.github.trt4j.examples.spark.SparkInference "$@";;
  *) echo "usage: gpu-spark.sh stage | run ARGS" >&2; exit 2;;
esac
