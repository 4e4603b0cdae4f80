#!/usr/bin/env bash
# Packs this example for the GPU host, next to the project's own parts (scripts/gpu/pack.sh, which
# runs the team's shared/gpu/pack.sh over every project, must have run first: this adds to its
# .gpu/ and reads its target/gpu-lib). Run from the repository root:
#
#   bash examples/spark/pack-gpu.sh
#
# Writes .gpu/spark-NN (at most 60 MiB each): Spark and its dependencies that the project's base
# parts do not already hold, and this example's classes. RocksDB's JNI jar (70 MB, only for the
# history server's disk store and streaming state) and other platforms' bytedeco jars are left out.
# It also carries its own jlink'd JRE: pack.sh's JRE lacks jdk.security.auth, without which Hadoop's
# login (UnixLoginModule), and so every SparkContext, fails ("No LoginModule found").
# On the host, with every part sent:   bash examples/spark/gpu-spark.sh stage
# and then:                            bash .gpu/bin/gpu.sh exec bash "$PWD/examples/spark/gpu-spark.sh" run ARGS
set -euo pipefail
ROOT="$(pwd)"
[ -f "$ROOT/examples/spark/pom.xml" ] && [ -d "$ROOT/.gpu/bin" ] || {
  echo "run from the repository root after the project's pack.sh (.gpu/bin is missing)" >&2; exit 2; }
MVN="mvn -B -q"
[ -d target/gpu-lib ] || { echo "target/gpu-lib is missing: run scripts/gpu/pack.sh first" >&2; exit 2; }
$MVN -f src/build/pom.xml -Djavacpp.platform=linux-x86_64 -DskipTests install
$MVN -f examples/spark/pom.xml -DskipTests package
STAGE="$(mktemp -d)"
mkdir -p "$STAGE/spark/lib"
$MVN -f examples/spark/pom.xml dependency:copy-dependencies -DincludeScope=provided -DoutputDirectory="$STAGE/all"
for j in "$STAGE"/all/*.jar; do
  b="$(basename "$j")"
  case "$b" in
    rocksdbjni-*|trt4j-*|*-linux-arm64.jar|*-windows-x86_64.jar|*-macosx-*.jar|*-linux-ppc64le.jar|*-android-*.jar|*-ios-*.jar) continue;;
  esac
  [ -f "target/gpu-lib/$b" ] && continue
  cp "$j" "$STAGE/spark/lib/"
done
cp -r examples/spark/target/classes "$STAGE/spark/classes"
"${JAVA_HOME:+$JAVA_HOME/bin/}jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.zipfs,jdk.security.auth \
  --strip-debug --no-header-files --no-man-pages --output "$STAGE/spark/jre"
rm -f .gpu/spark-*
tar -C "$STAGE" -cf - spark | zstd -q -T0 -3 | split -b $((60 * 1024 * 1024)) -d - .gpu/spark-
(cd .gpu && sha256sum spark-* > bin/spark.sha256)
rm -rf "$STAGE"
echo "spark: $(ls .gpu/spark-* | wc -l) part(s), $(du -ch .gpu/spark-* | tail -1 | cut -f1); $(wc -l < .gpu/bin/spark.sha256) listed in .gpu/bin/spark.sha256"
