package io.github.trt4j.kserve;

import io.github.trt4j.Inferer;
import io.github.trt4j.IoBinding;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TrtEngine;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Client overhead per request of the remote runners against in-process servers: one FP32 tensor of
 * 1 KiB, 300 KiB and 3 MiB goes out and the same size comes back (the server echoes the bytes), so
 * the time is the protocol and transport cost of the round trip, client and server together, with
 * no model work. Sequential requests from one thread; p50/p99 over {@code --requests}.
 *
 * <pre>
 * java ... io.github.trt4j.kserve.KServeBenchmark [--requests 3000] [--warmup 300]
 *     [--sizes 1024,307200,3145728] [--engine PATH] [--runner URI ...] [--json]
 * </pre>
 *
 * {@code --engine} adds the local paths for the same payloads: an IoBinding (floats into its pinned
 * input, run, floats out) and {@code engine:PATH} (one Inferer behind run(Map)): the engine needs
 * input x and output y, FP32 [1, -1], with a profile covering every size / 4. It also serves that
 * engine over gRPC on loopback ({@link RunnerGrpcService}) for a Triton-shaped remote path with
 * real inference. {@code --json} adds the REST runner with JSON data lists instead of binary
 * tensors. {@code --runner} (repeatable) adds any {@link Runners#open} URI with that model, e.g. a
 * real Triton serving the same engine ({@code grpc://localhost:8001/scale}).
 */
public final class KServeBenchmark {

  public static void main(String[] args) throws Exception {
    int requests = 3000;
    int warmup = 300;
    int[] sizes = {1024, 300 * 1024, 3 * 1024 * 1024};
    String engine = null;
    List<String> extra = new ArrayList<>();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--requests" -> requests = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--sizes" ->
            sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--engine" -> engine = args[++i];
        case "--runner" -> extra.add(args[++i]);
        case "--json" -> json = true;
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
      }
    }
    FakeBackend backend = new FakeBackend();
    FakeGrpcServer service = new FakeGrpcServer(backend);
    String name = InProcessServerBuilder.generateName();
    Server inproc =
        InProcessServerBuilder.forName(name).addService(service).directExecutor().build().start();
    ManagedChannel inprocChannel = InProcessChannelBuilder.forName(name).directExecutor().build();
    Server tcp =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(service)
            .build()
            .start();
    KServeOptions o = KServeOptions.defaults();
    Map<String, Runner> runners = new LinkedHashMap<>();
    Server servedEngine = null;
    Runner served = null;
    // The REST runner's fake server needs jdk.httpserver, which a trimmed runtime may lack.
    boolean rest = HttpServerModule.present();
    if (!rest) {
      System.out.println("# REST runners left out: " + HttpServerModule.ABSENT);
    }
    try (FakeHttpServer http = rest ? new FakeHttpServer(backend) : null) {
      runners.put("grpc in-process", GrpcRunner.over(inprocChannel, "bench", o));
      runners.put(
          "grpc tcp (netty)", Runners.open("grpc://127.0.0.1:" + tcp.getPort() + "/bench", o));
      if (rest) {
        runners.put("rest tcp (binary)", HttpRunner.connect(URI.create(http.base()), "bench", o));
      }
      if (rest && json) {
        runners.put(
            "rest tcp (json data)",
            HttpRunner.connect(URI.create(http.base()), "bench", o.withBinaryTensors(false)));
      }
      if (engine != null) {
        runners.put("local engine", Runners.open("engine:" + engine));
        // The same engine behind KServe v2 gRPC over loopback: a Triton-shaped remote path.
        served = Runners.open("engine:" + engine);
        servedEngine =
            Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new RunnerGrpcService("bench", served))
                .build()
                .start();
        runners.put(
            "grpc tcp -> engine",
            Runners.open("grpc://127.0.0.1:" + servedEngine.getPort() + "/bench", o));
      }
      for (String uri : extra) {
        runners.put(uri, Runners.open(uri, o));
      }
      System.out.printf(
          Locale.ROOT,
          "# %d requests after %d warm-up, sequential, one thread; %s; %d CPUs%n",
          requests,
          warmup,
          System.getProperty("java.vm.version"),
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          Locale.ROOT,
          "%-24s %10s %10s %10s %10s %10s%n",
          "runner",
          "bytes",
          "p50 us",
          "p99 us",
          "mean us",
          "MB/s");
      for (int bytes : sizes) {
        float[] x = new float[bytes / 4];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextFloat();
        }
        Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(Shape.of(1, x.length), x));
        if (engine != null) {
          long[] t = measureBinding(engine, x, warmup, requests);
          double mean = Arrays.stream(t).average().orElse(0) / 1e3;
          System.out.printf(
              Locale.ROOT,
              "%-24s %10d %10.1f %10.1f %10.1f %10.1f%n",
              "local binding (pinned)",
              bytes,
              pct(t, 50),
              pct(t, 99),
              mean,
              2.0 * bytes / mean);
        }
        for (var e : runners.entrySet()) {
          long[] t = measure(e.getValue(), in, x, warmup, requests);
          double mean = Arrays.stream(t).average().orElse(0) / 1e3;
          System.out.printf(
              Locale.ROOT,
              "%-24s %10d %10.1f %10.1f %10.1f %10.1f%n",
              e.getKey(),
              bytes,
              pct(t, 50),
              pct(t, 99),
              mean,
              2.0 * bytes / mean);
        }
      }
    } finally {
      for (Runner r : runners.values()) {
        r.close();
      }
      if (servedEngine != null) {
        servedEngine.shutdownNow();
      }
      if (served != null) {
        served.close();
      }
      inprocChannel.shutdownNow();
      inproc.shutdownNow();
      tcp.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static long[] measure(Runner r, Map<String, Tensor> in, float[] x, int warmup, int n) {
    List<Long> t = new ArrayList<>(n);
    for (int i = 0; i < warmup + n; i++) {
      long t0 = System.nanoTime();
      Map<String, Tensor> out = r.run(in);
      long dt = System.nanoTime() - t0;
      if (i >= warmup) {
        t.add(dt);
      }
      float[] y = out.get("y").floats();
      // The server echoes (a local identity/scale engine need not): check the size only.
      if (y.length != x.length) {
        throw new IllegalStateException("y has " + y.length + " values; sent " + x.length);
      }
    }
    return t.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /**
   * The binding path for the same payload: the floats written into the binding's pinned input, one
   * run, the output read back into a float[] (what the caller of a remote runner gets).
   */
  private static long[] measureBinding(String engine, float[] x, int warmup, int n)
      throws java.io.IOException {
    float[] y = new float[x.length];
    long[] t = new long[n];
    try (TrtEngine e = TrtEngine.load(java.nio.file.Path.of(engine));
        Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      b.shape("x", Shape.of(1, x.length));
      for (int i = 0; i < warmup + n; i++) {
        long t0 = System.nanoTime();
        b.input("x").floats().put(0, x);
        inf.run(b);
        b.output("y").floats().get(0, y);
        long dt = System.nanoTime() - t0;
        if (i >= warmup) {
          t[i - warmup] = dt;
        }
      }
    }
    Arrays.sort(t);
    return t;
  }

  private static double pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
  }
}
