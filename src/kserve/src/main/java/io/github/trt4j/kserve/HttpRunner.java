package io.github.trt4j.kserve;

import io.github.trt4j.DataType;
import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Runner} for a model on a KServe v2 / Open Inference Protocol HTTP/REST server, on the
 * JDK's {@link HttpClient} (no other library). Requests use the binary tensor extension: a JSON
 * header of {@code Inference-Header-Content-Length} bytes, then each input's raw bytes; outputs are
 * asked for as binary too, and JSON {@code data} arrays are read when a server answers with them.
 * With {@link KServeOptions#binaryTensors()} off, tensors travel as JSON {@code data} lists both
 * ways, for servers without the extension.
 *
 * <p>Thread-safe. Owns its {@link HttpClient}; {@link #close()} closes it.
 */
public final class HttpRunner implements Runner {

  /** The binary extension's header: the JSON part's length in bytes. */
  public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  /** The longest JSON text of one number ("-1.2345678901234567E-308,"), bounding any encoding. */
  static final int JSON_BYTES_PER_ELEMENT = 32;

  /** How much of an error body is kept for the message (the rest is discarded as it arrives). */
  private static final int ERROR_BODY_KEPT = 64 * 1024;

  private final HttpClient http;
  private final URI modelUri;
  private final KServeOptions options;
  private final RemoteModel model;
  private final String outputsJson;
  private final String outputsJsonPlain;
  private volatile boolean closed;

  private HttpRunner(URI base, String modelName, KServeOptions options) {
    this.options = options;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(options.connectTimeout());
    if (options.trustedCertificates() != null) {
      b.sslContext(Tls.trusting(options.trustedCertificates()));
    }
    this.http = b.build();
    String path =
        "v2/models/"
            + URLEncoder.encode(modelName, StandardCharsets.UTF_8).replace("+", "%20")
            + (options.modelVersion().isEmpty()
                ? ""
                : "/versions/" + URLEncoder.encode(options.modelVersion(), StandardCharsets.UTF_8));
    String root = base.toString().endsWith("/") ? base.toString() : base + "/";
    this.modelUri = URI.create(root + path);
    try {
      this.model = fetchModel(modelName);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    List<Object> outs = new ArrayList<>();
    List<Object> plain = new ArrayList<>();
    for (TensorSpec o : model.outputs()) {
      outs.add(Map.of("name", o.name(), "parameters", Map.of("binary_data", true)));
      plain.add(Map.of("name", o.name()));
    }
    this.outputsJson = Json.write(outs);
    this.outputsJsonPlain = Json.write(plain);
  }

  /**
   * Connects to {@code base} (e.g. {@code http://host:8000}) and checks that {@code model} is
   * ready.
   *
   * @throws KServeException MODEL_NOT_READY, UNAVAILABLE or TIMEOUT
   */
  public static HttpRunner connect(URI base, String model, KServeOptions options) {
    return new HttpRunner(base, model, options);
  }

  private RemoteModel fetchModel(String name) {
    long metaCap = Math.min(Requests.METADATA_CAP, options.maxResponseBytes());
    HttpResponse<byte[]> ready =
        send(
            "ready",
            HttpRequest.newBuilder(URI.create(modelUri + "/ready")).GET(),
            metaCap,
            () -> "a readiness answer is at most " + metaCap + " bytes");
    if (ready.statusCode() != 200) {
      throw new KServeException(
          KServeException.Reason.MODEL_NOT_READY,
          "Model '"
              + name
              + "' is not ready at "
              + modelUri
              + " (HTTP "
              + ready.statusCode()
              + errorText(ready)
              + ")");
    }
    HttpResponse<byte[]> r =
        send(
            "metadata",
            HttpRequest.newBuilder(modelUri).GET(),
            metaCap,
            () -> "model metadata is at most " + metaCap + " bytes");
    if (r.statusCode() != 200) {
      throw failure("metadata", r);
    }
    Map<String, Object> m =
        object(json(r.body(), 0, r.body().length, "model metadata"), "model metadata");
    return RemoteModel.of(
        name,
        options.modelVersion(),
        str(m.getOrDefault("platform", ""), "platform"),
        meta(m.get("inputs"), "inputs"),
        meta(m.get("outputs"), "outputs"));
  }

  private List<RemoteModel.Meta> meta(Object list, String key) {
    if (!(list instanceof List<?> l)) {
      throw badMeta("'" + key + "' is not a list");
    }
    List<RemoteModel.Meta> out = new ArrayList<>();
    for (Object o : l) {
      Map<String, Object> t = object(o, "a tensor in '" + key + "'");
      out.add(
          new RemoteModel.Meta(
              str(t.get("name"), "name"),
              str(t.get("datatype"), "datatype"),
              dims(t.get("shape"), "shape of " + t.get("name"), true)));
    }
    return out;
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    if (closed) {
      throw new IllegalStateException("HttpRunner for '" + model.name() + "' is closed");
    }
    boolean binary = options.binaryTensors();
    List<byte[]> parts = new ArrayList<>();
    parts.add(null); // the JSON header, once its binary sizes are known
    StringBuilder head = new StringBuilder("{\"inputs\":[");
    boolean first = true;
    for (Map.Entry<TensorSpec, Tensor> e : Requests.checkInputs(model, inputs)) {
      Tensor t = e.getValue();
      String name = e.getKey().name();
      head.append(first ? "" : ",");
      first = false;
      if (binary) {
        byte[] raw = RawTensors.encode(t);
        parts.add(raw);
        Json.write(
            head,
            Map.of(
                "name",
                name,
                "datatype",
                V2Types.name(t.dataType()),
                "shape",
                t.shape().dims(),
                "parameters",
                Map.of("binary_data_size", raw.length)));
      } else {
        head.append("{\"name\":");
        Json.write(head, name);
        head.append(",\"datatype\":\"").append(V2Types.name(t.dataType())).append("\",\"shape\":");
        Json.write(head, t.shape().dims());
        head.append(",\"data\":");
        JsonData.write(head, "Input '" + name + "'", t);
        head.append('}');
      }
    }
    head.append("],\"outputs\":").append(binary ? outputsJson : outputsJsonPlain).append('}');
    byte[] json = head.toString().getBytes(StandardCharsets.UTF_8);
    parts.set(0, json);
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(modelUri + "/infer"))
            .POST(HttpRequest.BodyPublishers.ofByteArrays(parts));
    if (binary) {
      req.header("Content-Type", "application/octet-stream")
          .header(HEADER_LENGTH, Integer.toString(json.length));
    } else {
      req.header("Content-Type", "application/json");
    }
    long limit = Requests.responseLimit(model, JSON_BYTES_PER_ELEMENT, options.maxResponseBytes());
    HttpResponse<byte[]> r =
        send(
            "infer",
            req,
            limit,
            () -> Requests.limitText(model, JSON_BYTES_PER_ELEMENT, options.maxResponseBytes()));
    if (r.statusCode() != 200) {
      throw failure("infer", r);
    }
    return decode(r);
  }

  private Map<String, Tensor> decode(HttpResponse<byte[]> r) {
    byte[] body = r.body();
    int jsonLength = body.length;
    String h = r.headers().firstValue(HEADER_LENGTH).orElse(null);
    if (h != null) {
      try {
        jsonLength = Integer.parseInt(h.trim());
      } catch (NumberFormatException e) {
        throw Requests.bad(model, HEADER_LENGTH + " is '" + h + "'");
      }
      if (jsonLength < 0 || jsonLength > body.length) {
        throw Requests.bad(
            model,
            HEADER_LENGTH + " " + jsonLength + " but the body has " + body.length + " bytes");
      }
    }
    Map<String, Object> resp =
        object(json(body, 0, jsonLength, "inference response"), "inference response");
    if (!(resp.get("outputs") instanceof List<?> outs)) {
      throw Requests.bad(model, "the response has no 'outputs' list");
    }
    int offset = jsonLength;
    Map<String, Tensor> got = new LinkedHashMap<>();
    for (Object o : outs) {
      Map<String, Object> out = object(o, "an output");
      String name = str(out.get("name"), "output name");
      String what = "output '" + name + "'";
      Tensor t;
      try {
        DataType type = V2Types.parse(str(out.get("datatype"), what + " datatype"), what);
        Shape shape = Shape.of(dims(out.get("shape"), what + " shape", false));
        Object size =
            out.get("parameters") instanceof Map<?, ?> p ? p.get("binary_data_size") : null;
        if (size != null) {
          if (!(size instanceof Long n)) {
            throw new IllegalArgumentException(
                what
                    + " has binary_data_size "
                    + Requests.clip(Json.write(size))
                    + ", which is not a JSON integer");
          }
          if (n < 0 || n > body.length - offset) {
            throw new IllegalArgumentException(
                what
                    + " has binary_data_size "
                    + n
                    + " but "
                    + (body.length - offset)
                    + " bytes remain in the body");
          }
          t = RawTensors.decode(what, type, shape, ByteBuffer.wrap(body, offset, (int) (long) n));
          offset += (int) (long) n;
        } else {
          t = JsonData.tensor(what, type, shape, out.get("data"));
        }
      } catch (IllegalArgumentException e) {
        throw Requests.bad(model, e.getMessage());
      }
      Requests.checkOutput(model, name, t);
      if (got.put(name, t) != null) {
        throw Requests.bad(model, what + " appears twice");
      }
    }
    if (offset != body.length) {
      throw Requests.bad(model, (body.length - offset) + " bytes of the body belong to no output");
    }
    return Requests.inModelOrder(model, got);
  }

  /**
   * Sends with one deadline per attempt covering connect, headers and the whole body; a 200 body
   * longer than {@code limit} is refused as it arrives (an error body is cut to its first 64 KiB).
   * Retries with backoff on connection failures and HTTP 503.
   */
  private HttpResponse<byte[]> send(
      String what,
      HttpRequest.Builder b,
      long limit,
      java.util.function.Supplier<String> limitText) {
    HttpRequest req = b.timeout(options.timeout()).build();
    String where = what + " for model '" + modelLabel() + "' at " + req.uri();
    return Backoff.retrying(
        options,
        where,
        () -> {
          java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> call =
              http.sendAsync(
                  req,
                  info ->
                      new CappedBody(
                          info.statusCode() == 200 ? limit : ERROR_BODY_KEPT,
                          info.statusCode() != 200,
                          info.headers().firstValueAsLong("Content-Length").orElse(-1)));
          try {
            HttpResponse<byte[]> r =
                call.get(options.timeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            if (r.statusCode() != 503) {
              return r;
            }
            IOException failure = new IOException("HTTP 503" + errorText(r));
            throw new Backoff.Unavailable(failure.toString(), failure);
          } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            throw new KServeException(
                KServeException.Reason.TIMEOUT,
                where + ": no complete answer within " + options.timeout().toMillis() + " ms",
                e);
          } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            for (Throwable t = c; t != null; t = t.getCause()) {
              if (t instanceof TooLarge big) {
                throw new KServeException(
                    KServeException.Reason.BAD_RESPONSE,
                    where
                        + ": the answer has "
                        + big.sizeText()
                        + ", more than the "
                        + limit
                        + " bytes it may have ("
                        + limitText.get()
                        + "); refused unread",
                    big);
              }
            }
            if (c instanceof HttpTimeoutException) {
              throw new KServeException(
                  KServeException.Reason.TIMEOUT,
                  where + ": no answer within " + options.timeout().toMillis() + " ms",
                  c);
            }
            if (!(c instanceof IOException)) {
              throw new KServeException(KServeException.Reason.UNAVAILABLE, where + ": " + c, c);
            }
            // refused, reset or closed mid-answer: unavailable for now
            throw new Backoff.Unavailable(c.toString(), c);
          } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new KServeException(
                KServeException.Reason.UNAVAILABLE, where + ": interrupted", e);
          }
        });
  }

  /** A body longer than its cap: how long it said it was, or how much had come when it was cut. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    final long declared;
    final long received;

    TooLarge(long declared, long received) {
      super("response body over its cap");
      this.declared = declared;
      this.received = received;
    }

    String sizeText() {
      return declared >= 0
          ? "Content-Length " + declared + " bytes"
          : "more than " + (received - 1) + " bytes (no Content-Length; cut at " + received + ")";
    }
  }

  /**
   * Collects a body up to {@code cap} bytes. Past the cap it cancels the exchange (closing the
   * connection, so nothing more is read) and fails with {@link TooLarge}, or, for an error body
   * ({@code keepPrefix}), completes with the first {@code cap} bytes.
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long cap;
    private final boolean keepPrefix;
    private final long declared;
    private final java.util.concurrent.CompletableFuture<byte[]> body =
        new java.util.concurrent.CompletableFuture<>();
    private final java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    private java.util.concurrent.Flow.Subscription subscription;
    private long count;

    CappedBody(long cap, boolean keepPrefix, long declared) {
      this.cap = cap;
      this.keepPrefix = keepPrefix;
      this.declared = declared;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
      subscription = s;
      if (!keepPrefix && declared > cap) {
        s.cancel();
        body.completeExceptionally(new TooLarge(declared, 0));
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (body.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        int n = b.remaining();
        if (count + n > cap) {
          subscription.cancel();
          if (keepPrefix) {
            byte[] part = new byte[(int) (cap - count)];
            b.get(part);
            got.writeBytes(part);
            body.complete(got.toByteArray());
          } else {
            body.completeExceptionally(new TooLarge(declared, count + n));
          }
          return;
        }
        byte[] part = new byte[n];
        b.get(part);
        got.writeBytes(part);
        count += n;
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      body.complete(got.toByteArray());
    }

    @Override
    public java.util.concurrent.CompletionStage<byte[]> getBody() {
      return body;
    }
  }

  private RuntimeException failure(String what, HttpResponse<byte[]> r) {
    String where = what + " for model '" + modelLabel() + "' at " + r.uri();
    int s = r.statusCode();
    if (s == 400) {
      return new IllegalArgumentException(
          where + ": the server refused the request" + errorText(r));
    }
    if (s == 404) {
      return new KServeException(
          KServeException.Reason.MODEL_NOT_READY, where + ": HTTP 404" + errorText(r));
    }
    return new KServeException(
        KServeException.Reason.SERVER_ERROR, where + ": HTTP " + s + errorText(r));
  }

  /** The server's {@code {"error": "..."}} text, or the start of the body. */
  private static String errorText(HttpResponse<byte[]> r) {
    String body = new String(r.body(), 0, Math.min(r.body().length, 2000), StandardCharsets.UTF_8);
    try {
      if (Json.parse(body) instanceof Map<?, ?> m && m.get("error") instanceof String e) {
        return ": " + e;
      }
    } catch (IllegalArgumentException notJson) {
      // fall through: quote the raw body
    }
    return body.isBlank() ? "" : ": " + body.strip();
  }

  private Object json(byte[] body, int from, int length, String what) {
    try {
      return Json.parse(new String(body, from, length, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new KServeException(
          KServeException.Reason.BAD_RESPONSE,
          "Bad " + what + " from " + modelUri + ": " + e.getMessage(),
          e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> object(Object o, String what) {
    if (!(o instanceof Map<?, ?> m)) {
      throw badMeta(what + " is not a JSON object");
    }
    return (Map<String, Object>) m;
  }

  private String str(Object o, String what) {
    if (!(o instanceof String s)) {
      throw badMeta(what + " is not a string: " + o);
    }
    return s;
  }

  private long[] dims(Object o, String what, boolean allowVariable) {
    if (!(o instanceof List<?> l)) {
      throw badMeta(what + " is not a list: " + o);
    }
    long[] d = new long[l.size()];
    for (int i = 0; i < d.length; i++) {
      if (!(l.get(i) instanceof Long v) || v < (allowVariable ? -1 : 0)) {
        throw badMeta(what + " has a bad dimension: " + l);
      }
      d[i] = v;
    }
    return d;
  }

  private KServeException badMeta(String what) {
    return new KServeException(
        KServeException.Reason.BAD_RESPONSE,
        "Bad response from model '" + modelLabel() + "' at " + modelUri + ": " + what);
  }

  private String modelLabel() {
    return model != null ? model.name() : modelUri.getPath().replaceAll(".*/v2/models/", "");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    http.close();
  }

  @Override
  public String toString() {
    return "HttpRunner[" + modelUri + "]";
  }
}
