package io.github.trt4j.examples.spark;

import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Batch inference over a DataFrame: each partition runs on its executor's runner pool for the GPU
 * the task was given, in batches of up to {@code batchRows} rows. The model takes one FP32 input
 * {@code [-1, F]} and gives one FP32 output {@code [-1, G]} (batch first); the input column is
 * {@code array<float>} of length F, the new output column {@code array<float>} of length G.
 *
 * @param factory makes the executor's pool (serialized with the task)
 * @param inputColumn the features column
 * @param outputColumn the column to add
 * @param inputTensor the model's input name
 * @param outputTensor the model's output name
 * @param batchRows rows per model call
 * @param fallbackGpu the GPU when Spark assigns none (local mode)
 */
public record BatchInference(
    PoolFactory factory,
    String inputColumn,
    String outputColumn,
    String inputTensor,
    String outputTensor,
    int batchRows,
    int fallbackGpu)
    implements Serializable {

  public BatchInference {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be >= 1; got " + batchRows);
    }
  }

  /** {@code df} with the output column added; lazy, like any transformation. */
  public Dataset<Row> transform(Dataset<Row> df) {
    StructType in = df.schema();
    int col = in.fieldIndex(inputColumn);
    StructType out =
        in.add(outputColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    BatchInference self = this;
    MapPartitionsFunction<Row, Row> f = rows -> self.partition(rows, col);
    return df.mapPartitions(f, Encoders.row(out));
  }

  /** One partition: rows in, rows with the output appended out, one batch at a time. */
  Iterator<Row> partition(Iterator<Row> rows, int col) {
    RunnerPool pool = ExecutorPools.get(factory, TaskGpu.current(fallbackGpu));
    return new Iterator<>() {
      private final List<Row> out = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        if (next < out.size()) {
          return true;
        }
        out.clear();
        next = 0;
        List<Row> batch = new ArrayList<>(batchRows);
        while (batch.size() < batchRows && rows.hasNext()) {
          batch.add(rows.next());
        }
        if (!batch.isEmpty()) {
          out.addAll(run(pool, batch, col));
        }
        return !out.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }

  private List<Row> run(RunnerPool pool, List<Row> batch, int col) {
    int b = batch.size();
    float[] first = features(batch.get(0), col, -1, 0);
    int f = first.length;
    float[] x = new float[b * f];
    System.arraycopy(first, 0, x, 0, f);
    for (int i = 1; i < b; i++) {
      System.arraycopy(features(batch.get(i), col, f, i), 0, x, i * f, f);
    }
    Map<String, Tensor> result;
    Runner r;
    try {
      r = pool.borrow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for a runner", e);
    }
    try {
      result = r.run(Map.of(inputTensor, Tensor.ofFloats(Shape.of(b, f), x)));
    } finally {
      pool.release(r);
    }
    Tensor y = result.get(outputTensor);
    if (y == null) {
      throw new IllegalArgumentException(
          "The model has no output '" + outputTensor + "'; it has " + result.keySet());
    }
    float[] v = y.toFloats();
    if (y.shape().rank() < 1 || y.shape().dim(0) != b) {
      throw new IllegalStateException(
          "Output '" + outputTensor + "' has shape " + y.shape() + " for a batch of " + b);
    }
    int g = v.length / b;
    List<Row> out = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      Row row = batch.get(i);
      Object[] vals = new Object[row.size() + 1];
      for (int c = 0; c < row.size(); c++) {
        vals[c] = row.get(c);
      }
      Float[] o = new Float[g];
      for (int k = 0; k < g; k++) {
        o[k] = v[i * g + k];
      }
      vals[row.size()] = o;
      out.add(RowFactory.create(vals));
    }
    return out;
  }

  private float[] features(Row row, int col, int expected, int i) {
    if (row.isNullAt(col)) {
      throw new IllegalArgumentException(
          "Row " + i + " of the batch has a null '" + inputColumn + "'");
    }
    List<Object> l = row.getList(col);
    if (expected >= 0 && l.size() != expected) {
      throw new IllegalArgumentException(
          "Column '"
              + inputColumn
              + "' has "
              + l.size()
              + " values in row "
              + i
              + " of the batch; the batch's first row has "
              + expected);
    }
    float[] f = new float[l.size()];
    for (int k = 0; k < f.length; k++) {
      f[k] = ((Number) l.get(k)).floatValue();
    }
    return f;
  }
}
