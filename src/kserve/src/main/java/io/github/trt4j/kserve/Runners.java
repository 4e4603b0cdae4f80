package io.github.trt4j.kserve;

import io.github.trt4j.Inferer;
import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import io.github.trt4j.Tensor;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens a {@link Runner} from one configuration string, so application code moves between a local
 * engine and a server without changing:
 *
 * <pre>
 * engine:/models/resnet.engine            a local engine on GPU 0 (engine:PATH?device=1&amp;profile=0)
 * grpc://triton:8001/resnet               KServe v2 gRPC (grpcs:// for TLS)
 * http://triton:8000/resnet               KServe v2 REST (https:// for TLS)
 * </pre>
 *
 * A version may follow the model name ({@code grpc://host:8001/resnet/3}). The gRPC runner needs
 * grpc-java and protobuf on the class path (optional dependencies of trt4j); the other two do not,
 * and opening them never loads a gRPC class.
 */
public final class Runners {

  private Runners() {}

  /** Opens with {@link KServeOptions#defaults()} for remote runners. */
  public static Runner open(String uri) throws IOException {
    return open(uri, KServeOptions.defaults());
  }

  /**
   * Opens the runner {@code uri} names.
   *
   * @throws IllegalArgumentException naming the string when it is not one of the forms above
   * @throws IOException when an engine file cannot be read
   * @throws KServeException when a server or its model is not ready
   */
  public static Runner open(String uri, KServeOptions options) throws IOException {
    int colon = uri.indexOf(':');
    String scheme = colon < 0 ? "" : uri.substring(0, colon);
    switch (scheme) {
      case "engine" -> {
        return engine(uri.substring(colon + 1));
      }
      case "grpc", "grpcs", "http", "https" -> {
        URI u = URI.create(uri);
        if (u.getHost() == null || u.getPort() < 0) {
          throw bad(uri, "a remote runner needs host and port");
        }
        String[] path =
            u.getPath() == null ? new String[0] : u.getPath().replaceAll("^/+|/+$", "").split("/");
        if (path.length < 1 || path.length > 2 || path[0].isEmpty()) {
          throw bad(uri, "the path must be /MODEL or /MODEL/VERSION");
        }
        KServeOptions o = path.length == 2 ? options.withModelVersion(path[1]) : options;
        if (scheme.equals("grpcs") || scheme.equals("https")) {
          o = o.tls() ? o : o.withTls(null);
        }
        String hostPort = u.getHost() + ":" + u.getPort();
        if (scheme.startsWith("grpc")) {
          return GrpcRunners.connect(hostPort, path[0], o);
        }
        return HttpRunner.connect(URI.create(scheme + "://" + hostPort), path[0], o);
      }
      default -> throw bad(uri, "unknown scheme '" + scheme + "'");
    }
  }

  private static IllegalArgumentException bad(String uri, String why) {
    return new IllegalArgumentException(
        "Not a runner URI: '"
            + uri
            + "': "
            + why
            + " (expected engine:PATH, grpc://HOST:PORT/MODEL or http://HOST:PORT/MODEL)");
  }

  private static Runner engine(String spec) throws IOException {
    int q = spec.indexOf('?');
    Path file = Path.of(q < 0 ? spec : spec.substring(0, q));
    Map<String, String> params = new LinkedHashMap<>();
    if (q >= 0) {
      for (String kv : spec.substring(q + 1).split("&")) {
        String[] p = kv.split("=", 2);
        if (p.length != 2 || !(p[0].equals("device") || p[0].equals("profile"))) {
          throw bad(
              "engine:" + spec, "engine parameters are device=N and profile=N; got '" + kv + "'");
        }
        params.put(p[0], p[1]);
      }
    }
    int device = Integer.parseInt(params.getOrDefault("device", "0"));
    int profile = Integer.parseInt(params.getOrDefault("profile", "0"));
    TrtEngine e = TrtEngine.load(file, device);
    try {
      return new EngineRunner(e, e.createInferer(profile));
    } catch (RuntimeException ex) {
      e.close();
      throw ex;
    }
  }

  /** A local engine and one inferer, closed together. Not thread-safe (the inferer is not). */
  private record EngineRunner(TrtEngine engine, Inferer inferer) implements Runner {

    @Override
    public Model model() {
      return engine;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
      return inferer.run(inputs);
    }

    @Override
    public void close() {
      try {
        inferer.close();
      } finally {
        engine.close();
      }
    }
  }

  /**
   * The one door to gRPC: returns the interface type, so verifying {@link Runners} never loads a
   * gRPC class and engine:/http: work without grpc-java on the class path.
   */
  private static final class GrpcRunners {
    static Runner connect(String hostPort, String model, KServeOptions o) throws IOException {
      return GrpcRunner.connect(hostPort, model, o);
    }
  }
}
