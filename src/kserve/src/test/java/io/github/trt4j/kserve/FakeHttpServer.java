package io.github.trt4j.kserve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The KServe v2 REST protocol (with the binary tensor extension) over {@link FakeBackend}, on the
 * JDK's HttpServer.
 */
final class FakeHttpServer implements AutoCloseable {

  final FakeBackend backend;
  private final HttpServer server;
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  private final String scheme;

  FakeHttpServer(FakeBackend backend) throws IOException {
    this(backend, null);
  }

  /** With {@code tls} non-null, serves HTTPS with that context. */
  FakeHttpServer(FakeBackend backend, javax.net.ssl.SSLContext tls) throws IOException {
    this.backend = backend;
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", 0);
    if (tls == null) {
      server = HttpServer.create(at, 0);
      scheme = "http";
    } else {
      com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(at, 0);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      server = https;
      scheme = "https";
    }
    server.createContext("/v2/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  String base() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      try {
        if (backend.stallAndCheckUnavailable()) {
          send(
              ex,
              503,
              Map.of(),
              "{\"error\":\"fake: warming up\"}".getBytes(StandardCharsets.UTF_8));
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (backend.takeDisconnect()) {
        return; // closing the exchange without a response drops the connection
      }
      String[] p = ex.getRequestURI().getPath().replaceAll("^/v2/", "").split("/");
      if (p.length == 2 && p[0].equals("health")) {
        send(ex, 200, Map.of(), new byte[0]);
      } else if (p[0].equals("models") && p.length >= 2 && FakeBackend.inputs(p[1]) == null) {
        error(ex, 404, "Request for unknown model: '" + p[1] + "' is not found");
      } else if (p.length == 3 && p[2].equals("ready")) {
        send(ex, backend.ready ? 200 : 400, Map.of(), new byte[0]);
      } else if (p.length == 2 && ex.getRequestMethod().equals("GET")) {
        send(
            ex,
            200,
            Map.of(),
            Json.write(FakeBackend.metaJson(p[1])).getBytes(StandardCharsets.UTF_8));
      } else if (p.length == 3 && p[2].equals("infer") && ex.getRequestMethod().equals("POST")) {
        infer(ex, p[1], body);
      } else {
        error(ex, 404, "no route " + ex.getRequestURI());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void infer(HttpExchange ex, String model, byte[] body) throws IOException {
    String h = ex.getRequestHeaders().getFirst(HttpRunner.HEADER_LENGTH);
    int jsonLength = h == null ? body.length : Integer.parseInt(h);
    Map<String, Object> req =
        (Map<String, Object>) Json.parse(new String(body, 0, jsonLength, StandardCharsets.UTF_8));
    List<FakeBackend.T> in = new ArrayList<>();
    int off = jsonLength;
    for (Object o : (List<Object>) req.get("inputs")) {
      Map<String, Object> t = (Map<String, Object>) o;
      long[] shape = ((List<Object>) t.get("shape")).stream().mapToLong(x -> (Long) x).toArray();
      String type = (String) t.get("datatype");
      byte[] data;
      if (t.get("parameters") instanceof Map<?, ?> p
          && p.get("binary_data_size") instanceof Long size) {
        data = java.util.Arrays.copyOfRange(body, off, off + (int) (long) size);
        off += (int) (long) size;
      } else {
        data = bytes(type, (List<Object>) t.get("data"));
      }
      in.add(new FakeBackend.T((String) t.get("name"), type, shape, data));
    }
    // As Triton: binary outputs only when asked for; JSON data otherwise.
    boolean binary = false;
    if (req.get("outputs") instanceof List<?> wanted) {
      for (Object w : wanted) {
        if (((Map<String, Object>) w).get("parameters") instanceof Map<?, ?> p
            && Boolean.TRUE.equals(p.get("binary_data"))) {
          binary = true;
        }
      }
    }
    List<FakeBackend.T> out;
    try {
      out = backend.malformed(backend.infer(model, in));
    } catch (IllegalArgumentException e) {
      error(ex, 400, e.getMessage());
      return;
    }
    FakeBackend.Malform m = backend.malform;
    List<Object> outs = new ArrayList<>();
    ByteArrayOutputStream bin = new ByteArrayOutputStream();
    for (FakeBackend.T t : out) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", t.name());
      j.put("datatype", t.datatype());
      j.put("shape", t.shape());
      if (m == FakeBackend.Malform.JSON_DATA || !binary) {
        j.put("data", data(t));
      } else {
        j.put("parameters", Map.of("binary_data_size", t.data().length));
        bin.write(t.data());
      }
      outs.add(j);
    }
    if (m == FakeBackend.Malform.TRAILING_BYTES) {
      bin.write(new byte[3]);
    }
    String json = Json.write(Map.of("model_name", model, "outputs", outs));
    if (m == FakeBackend.Malform.BAD_JSON) {
      json = json.substring(0, json.length() / 2);
    }
    byte[] jb = json.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    if (m != FakeBackend.Malform.JSON_DATA && binary) {
      headers.put(
          HttpRunner.HEADER_LENGTH,
          Integer.toString(
              m == FakeBackend.Malform.HEADER_TOO_LONG ? jb.length + bin.size() + 10 : jb.length));
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(jb);
    all.write(bin.toByteArray());
    send(ex, 200, headers, all.toByteArray());
  }

  /** A JSON data list as little-endian bytes of {@code type}. */
  private static byte[] bytes(String type, List<Object> data) {
    ByteBuffer b =
        ByteBuffer.allocate(data.size() * FakeBackend.size(type)).order(ByteOrder.LITTLE_ENDIAN);
    for (Object v : data) {
      switch (type) {
        case "FP32" -> b.putFloat(((Number) v).floatValue());
        case "FP16" -> b.putShort(Float.floatToFloat16(((Number) v).floatValue()));
        case "BF16" ->
            b.putShort((short) (Float.floatToRawIntBits(((Number) v).floatValue()) >>> 16));
        case "INT64" -> b.putLong((Long) v);
        case "INT32" -> b.putInt((int) (long) (Long) v);
        case "INT8", "UINT8" -> b.put((byte) (long) (Long) v);
        case "BOOL" -> b.put((byte) ((Boolean) v ? 1 : 0));
        default -> throw new IllegalStateException(type);
      }
    }
    return b.array();
  }

  /** An output as a JSON data list (the answer of a server that ignores binary_data). */
  private static List<Object> data(FakeBackend.T t) {
    ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    int n = t.data().length / FakeBackend.size(t.datatype());
    List<Object> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(
          switch (t.datatype()) {
            case "FP32" -> (double) b.getFloat(i * 4);
            case "FP16" -> (double) Float.float16ToFloat(b.getShort(i * 2));
            case "BF16" -> (double) Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
            case "INT64" -> b.getLong(i * 8);
            case "INT32" -> (long) b.getInt(i * 4);
            case "INT8" -> (long) b.get(i);
            case "UINT8" -> (long) (b.get(i) & 0xFF);
            case "BOOL" -> b.get(i) != 0;
            default -> throw new IllegalStateException(t.datatype());
          });
    }
    return l;
  }

  private static void error(HttpExchange ex, int code, String msg) throws IOException {
    send(ex, code, Map.of(), Json.write(Map.of("error", msg)).getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int code, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
    ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    }
  }
}
