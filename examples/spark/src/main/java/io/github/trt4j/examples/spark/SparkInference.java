package io.github.trt4j.examples.spark;

import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Throughput of batch inference in Spark against the same pool without Spark. Synthetic features
 * ({@code sin(id + i)}, F per row), one FP32 input {@code [-1, F]} and one output.
 *
 * <pre>
 * SparkInference --runner engine:/m/x.engine|grpc://h:8001/m|http://h:8000/m
 *     [--master local[4]] [--tasks 4] [--rows 200000] [--features F] [--batch 64] [--inferers 4]
 *     [--input x] [--output y] [--repeat 3] [--baseline-threads 4]
 * </pre>
 *
 * Prints one line per timed pass: rows/s of the Spark job (rows generated and inferred, checksum
 * collected) and of the bare pool fed from {@code --baseline-threads} threads with the same
 * batches.
 */
public final class SparkInference {

  public static void main(String[] args) throws Exception {
    Map<String, String> a =
        new java.util.HashMap<>(
            Map.of(
                "--master",
                "local[4]",
                "--tasks",
                "4",
                "--rows",
                "200000",
                "--features",
                "16",
                "--batch",
                "64",
                "--inferers",
                "4",
                "--input",
                "x",
                "--output",
                "y",
                "--repeat",
                "3",
                "--baseline-threads",
                "4"));
    for (int i = 0; i < args.length; i += 2) {
      if (!a.containsKey(args[i]) && !args[i].equals("--runner") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Unknown or incomplete argument "
                + args[i]
                + "; arguments are "
                + a.keySet()
                + " and --runner");
      }
      a.put(args[i], args[i + 1]);
    }
    String runner = a.get("--runner");
    if (runner == null) {
      throw new IllegalArgumentException(
          "--runner engine:PATH | grpc://HOST:PORT/MODEL | http://HOST:PORT/MODEL is required");
    }
    int tasks = Integer.parseInt(a.get("--tasks"));
    long rows = Long.parseLong(a.get("--rows"));
    int features = Integer.parseInt(a.get("--features"));
    int batch = Integer.parseInt(a.get("--batch"));
    int inferers = Integer.parseInt(a.get("--inferers"));
    int repeat = Integer.parseInt(a.get("--repeat"));
    PoolFactory factory =
        runner.startsWith("engine:")
            ? PoolFactory.engine(runner.substring("engine:".length()), inferers)
            : PoolFactory.remote(runner, inferers);
    BatchInference job =
        new BatchInference(
            factory, "features", "prediction", a.get("--input"), a.get("--output"), batch, 0);

    SparkSession spark =
        SparkSession.builder()
            .master(a.get("--master"))
            .appName("trt4j-batch-inference")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      System.out.printf(
          Locale.ROOT,
          "# %s, master %s, %d tasks, %d rows x %d features, batch %d, %d inferers, Spark %s, Java %s%n",
          runner,
          a.get("--master"),
          tasks,
          rows,
          features,
          batch,
          inferers,
          spark.version(),
          System.getProperty("java.version"));
      measure(
          spark,
          job,
          rows,
          features,
          tasks,
          repeat,
          Integer.parseInt(a.get("--baseline-threads")),
          System.out::println);
    } finally {
      spark.stop();
      ExecutorPools.closeAll();
    }
  }

  /**
   * Times {@code repeat} passes (after one warm-up) of the Spark job and of the bare pool, and
   * reports one line per pass.
   *
   * @return the checksum of the last Spark pass (sum of every output value)
   */
  static double measure(
      SparkSession spark,
      BatchInference job,
      long rows,
      int features,
      int tasks,
      int repeat,
      int threads,
      java.util.function.Consumer<String> report)
      throws Exception {
    double checksum = Double.NaN;
    // The rows are made and cached first, so the passes time inference, not the sin() generator.
    Dataset<Row> df = synthetic(spark, rows, features, tasks).cache();
    df.count();
    for (int pass = 0; pass <= repeat; pass++) {
      long t0 = System.nanoTime();
      Row r =
          job.transform(df)
              .agg(
                  functions.count("*"),
                  functions.sum(
                      functions.aggregate(
                          functions.col(job.outputColumn()),
                          functions.lit(0.0),
                          (acc, v) -> acc.plus(v))))
              .first();
      double s = (System.nanoTime() - t0) / 1e9;
      checksum = r.getDouble(1);
      report.accept(
          String.format(
              Locale.ROOT,
              "%s spark    rows %d  %.2f s  %.0f rows/s  checksum %.6g",
              pass == 0 ? "warmup" : "pass " + pass,
              r.getLong(0),
              s,
              r.getLong(0) / s,
              checksum));
    }
    df.unpersist();
    RunnerPool pool = ExecutorPools.get(job.factory(), job.fallbackGpu());
    List<List<Tensor>> batches = batches(rows, features, job.batchRows(), threads);
    for (int pass = 0; pass <= repeat; pass++) {
      long t0 = System.nanoTime();
      long done = baseline(pool, batches, job.inputTensor());
      double s = (System.nanoTime() - t0) / 1e9;
      report.accept(
          String.format(
              Locale.ROOT,
              "%s pool     rows %d  %.2f s  %.0f rows/s  (%d threads, no Spark)",
              pass == 0 ? "warmup" : "pass " + pass,
              done,
              s,
              done / s,
              threads));
    }
    return checksum;
  }

  /**
   * {@code rows} rows of {@code features} floats, sin(id + i), in {@code partitions} partitions.
   */
  static Dataset<Row> synthetic(SparkSession spark, long rows, int features, int partitions) {
    return spark
        .range(0, rows, 1, partitions)
        .selectExpr(
            "id",
            "transform(sequence(0, "
                + (features - 1)
                + "), i -> cast(sin(id + i) as float)) as features");
  }

  /** The same rows as {@link #synthetic}, as batch tensors, split over {@code threads} threads. */
  static List<List<Tensor>> batches(long rows, int features, int batch, int threads) {
    List<List<Tensor>> all = new ArrayList<>();
    long per = (rows + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      List<Tensor> mine = new ArrayList<>();
      long to = Math.min(rows, (t + 1) * per);
      for (long id = t * per; id < to; id += batch) {
        int b = (int) Math.min(batch, to - id);
        float[] x = new float[b * features];
        for (int r = 0; r < b; r++) {
          for (int i = 0; i < features; i++) {
            x[r * features + i] = (float) Math.sin(id + r + i);
          }
        }
        mine.add(Tensor.ofFloats(Shape.of(b, features), x));
      }
      all.add(mine);
    }
    return all;
  }

  /** Runs every thread's batches through the pool, one thread per list; the rows done. */
  static long baseline(RunnerPool pool, List<List<Tensor>> batches, String input) throws Exception {
    try (ExecutorService ex = Executors.newFixedThreadPool(batches.size())) {
      List<Future<Long>> fs = new ArrayList<>();
      for (List<Tensor> mine : batches) {
        fs.add(
            ex.submit(
                () -> {
                  long n = 0;
                  for (Tensor x : mine) {
                    Runner runner = pool.borrow();
                    try {
                      runner.run(Map.of(input, x));
                    } finally {
                      pool.release(runner);
                    }
                    n += x.shape().dim(0);
                  }
                  return n;
                }));
      }
      long n = 0;
      for (Future<Long> f : fs) {
        n += f.get();
      }
      return n;
    }
  }
}
