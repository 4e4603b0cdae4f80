package io.github.trt4j.examples.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark plumbing's cost on the CPU: {@link SparkInference#measure} with the fake runner (a row
 * sum and max, next to no work), so the Spark job's rows/s against the bare pool's is the price of
 * Spark's rows, batching and aggregation. Args: TASKS ROWS FEATURES BATCH (default 4 200000 16 64).
 */
public final class SparkPlumbingBenchmark {

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    int features = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + tasks + "]")
            .appName("plumbing")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      BatchInference job =
          new BatchInference(
              new FakeRunner.Factory("bench", features, tasks),
              "features",
              "prediction",
              "x",
              "y",
              batch,
              0);
      System.out.printf(
          "# fake runner, local[%d], %d tasks, %d rows x %d features, batch %d, pool of %d%n",
          tasks, tasks, rows, features, batch, tasks);
      SparkInference.measure(spark, job, rows, features, tasks, 3, tasks, System.out::println);
    } finally {
      spark.stop();
      ExecutorPools.closeAll();
    }
  }
}
