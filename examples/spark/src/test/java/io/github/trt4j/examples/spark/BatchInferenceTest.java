package io.github.trt4j.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plumbing in Spark local mode on the CPU, with a fake runner standing in for an engine. */
class BatchInferenceTest {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[4]")
            .appName("trt4j-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
    ExecutorPools.closeAll();
  }

  @BeforeEach
  void reset() {
    ExecutorPools.closeAll();
    FakeRunner.reset();
    FakeRunner.Factory.opens.set(0);
  }

  @Test
  void everyRowGetsItsPredictionFromOnePoolPerJvm() {
    int rows = 5000;
    int features = 8;
    BatchInference job =
        new BatchInference(
            new FakeRunner.Factory("a", features, 2), "features", "prediction", "x", "y", 64, 3);
    Dataset<Row> df = SparkInference.synthetic(spark, rows, features, 8);
    List<Row> out = job.transform(df).collectAsList();
    assertEquals(rows, out.size());
    Set<Long> ids = new HashSet<>();
    for (Row r : out) {
      long id = r.getLong(0);
      ids.add(id);
      List<Float> x = r.getList(1);
      List<Float> y = r.getList(2);
      assertEquals(features, x.size());
      // Independent reference: the features recomputed here (Spark's sin in double, cast to float),
      // summed in double; the fake sums in float, so allow float rounding.
      double sum = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < features; i++) {
        float xi = (float) Math.sin(id + i);
        assertEquals(xi, x.get(i), 0f, "feature " + i + " of row " + id);
        sum += xi;
        max = Math.max(max, xi);
      }
      assertEquals(sum, y.get(0), 1e-5, "sum of row " + id);
      assertEquals(max, y.get(1), 0, "max of row " + id);
    }
    assertEquals(rows, ids.size(), "every id once");
    assertEquals(1, FakeRunner.Factory.opens.get(), "one pool per JVM and GPU");
    assertEquals(3, FakeRunner.Factory.lastGpu, "local mode assigns no GPU: the fallback is used");
    assertEquals(1, ExecutorPools.count());
    RunnerPool pool = ExecutorPools.get(new FakeRunner.Factory("a", features, 2), 3);
    assertTrue(pool.created() <= 2, "created " + pool.created());
    assertTrue(
        FakeRunner.maxInFlight.get() <= 2,
        "at most pool-size runs at once; saw " + FakeRunner.maxInFlight.get());
    assertEquals(64, FakeRunner.maxBatch.get());
    // 8 partitions of 625 rows: 9 full-or-partial batches of 64 each.
    assertEquals(8 * 10, FakeRunner.calls.get());
  }

  @Test
  void aSecondJobReusesThePool() {
    BatchInference job =
        new BatchInference(
            new FakeRunner.Factory("b", 4, 1), "features", "prediction", "x", "y", 100, 0);
    assertEquals(1000, job.transform(SparkInference.synthetic(spark, 1000, 4, 4)).count());
    assertEquals(1000, job.transform(SparkInference.synthetic(spark, 1000, 4, 4)).count());
    assertEquals(1, FakeRunner.Factory.opens.get());
    assertEquals(1, FakeRunner.maxInFlight.get(), "pool of one: runs never overlap");
  }

  @Test
  void badRowsFailTheJobWithTheReason() {
    BatchInference job =
        new BatchInference(
            new FakeRunner.Factory("c", 4, 1), "features", "prediction", "x", "y", 10, 0);
    Dataset<Row> ragged =
        spark
            .range(0, 20, 1, 1)
            .selectExpr(
                "id",
                "case when id = 5 then array(cast(1 as float)) else array_repeat(cast(id as float), 4) end as features");
    Exception e = assertThrows(Exception.class, () -> job.transform(ragged).collectAsList());
    assertTrue(
        chain(e)
            .contains(
                "Column 'features' has 1 values in row 5 of the batch; the batch's first row has 4"),
        chain(e));
    BatchInference wrongInput =
        new BatchInference(
            new FakeRunner.Factory("d", 4, 1), "features", "prediction", "x", "nope", 10, 0);
    e =
        assertThrows(
            Exception.class,
            () -> wrongInput.transform(SparkInference.synthetic(spark, 10, 4, 1)).collectAsList());
    assertTrue(chain(e).contains("The model has no output 'nope'"), chain(e));
  }

  @Test
  void theMeasurementMainReportsSparkAndPoolPasses() throws Exception {
    BatchInference job =
        new BatchInference(
            new FakeRunner.Factory("m", 4, 2), "features", "prediction", "x", "y", 50, 0);
    List<String> lines = new java.util.ArrayList<>();
    double checksum = SparkInference.measure(spark, job, 2000, 4, 4, 1, 2, lines::add);
    double want = 0;
    for (long id = 0; id < 2000; id++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 4; i++) {
        float xi = (float) Math.sin(id + i);
        want += xi;
        max = Math.max(max, xi);
      }
      want += max;
    }
    assertEquals(want, checksum, 1e-3, "sum of every prediction value");
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("warmup spark    rows 2000"), lines.get(0));
    assertTrue(lines.get(1).startsWith("pass 1 spark    rows 2000"), lines.get(1));
    assertTrue(lines.get(3).startsWith("pass 1 pool     rows 2000"), lines.get(3));
  }

  @Test
  void gpuAddressesAreCudaOrdinals() {
    assertEquals(2, TaskGpu.parse(new String[] {"2", "3"}, 0));
    assertEquals(5, TaskGpu.parse(new String[0], 5));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> TaskGpu.parse(new String[] {"GPU-8f0c"}, 0));
    assertTrue(e.getMessage().contains("'GPU-8f0c' is not a CUDA device ordinal"), e.getMessage());
    assertEquals(4, TaskGpu.current(4), "outside a task: the fallback");
  }

  static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c).append(" | ");
    }
    return b.toString();
  }
}
