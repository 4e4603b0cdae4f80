package io.github.trt4j.kserve;

import com.google.protobuf.UnsafeByteOperations;
import io.github.trt4j.DataType;
import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.kserve.proto.GRPCInferenceServiceGrpc;
import io.github.trt4j.kserve.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.github.trt4j.kserve.proto.KServeV2.InferTensorContents;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelReadyRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A {@link Runner} for a model on a KServe v2 / Open Inference Protocol gRPC server (NVIDIA Triton,
 * KServe, Seldon MLServer, ...). Tensors travel as raw little-endian bytes ({@code
 * raw_input_contents}/{@code raw_output_contents}); typed contents in a response are read too.
 *
 * <p>Thread-safe: calls from many threads share one channel (HTTP/2 multiplexes them). Owns the
 * channel when it created it; {@link #close()} shuts it down.
 */
public final class GrpcRunner implements Runner {

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final GRPCInferenceServiceBlockingStub stub;
  private final KServeOptions options;
  private final String target;
  private final RemoteModel model;
  private volatile boolean closed;

  private GrpcRunner(
      ManagedChannel channel,
      boolean ownsChannel,
      String target,
      String modelName,
      KServeOptions options) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.target = target;
    this.options = options;
    // Each call sets its own inbound cap (see call()); this one only bounds what is sent.
    this.stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel)
            .withMaxOutboundMessageSize(Integer.MAX_VALUE);
    this.model = fetchModel(modelName);
  }

  /**
   * Connects to {@code host:port} and checks that {@code model} is ready.
   *
   * @throws KServeException MODEL_NOT_READY, UNAVAILABLE or TIMEOUT
   * @throws IOException when the TLS certificate file cannot be read
   */
  public static GrpcRunner connect(String hostPort, String model, KServeOptions options)
      throws IOException {
    ChannelCredentials creds = InsecureChannelCredentials.create();
    if (options.tls()) {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (options.trustedCertificates() != null) {
        b.trustManager(options.trustedCertificates().toFile());
      }
      creds = b.build();
    }
    ManagedChannel ch =
        Grpc.newChannelBuilder(hostPort, creds)
            .maxInboundMessageSize((int) options.maxResponseBytes())
            .build();
    try {
      return new GrpcRunner(ch, true, hostPort, model, options);
    } catch (RuntimeException e) {
      ch.shutdownNow();
      throw e;
    }
  }

  /** A runner over a channel the caller owns (e.g. an in-process or custom-configured one). */
  public static GrpcRunner over(ManagedChannel channel, String model, KServeOptions options) {
    return new GrpcRunner(channel, false, channel.authority(), model, options);
  }

  /** The longest protobuf varint: the most bytes one typed element of a response can take. */
  static final int GRPC_BYTES_PER_ELEMENT = 10;

  private RemoteModel fetchModel(String name) {
    String v = options.modelVersion();
    long metaCap = Math.min(Requests.METADATA_CAP, options.maxResponseBytes());
    java.util.function.Supplier<String> metaText =
        () -> "metadata answers are at most " + metaCap + " bytes";
    boolean ready =
        call(
                "ModelReady",
                name,
                metaCap,
                metaText,
                s ->
                    s.modelReady(
                        ModelReadyRequest.newBuilder().setName(name).setVersion(v).build()))
            .getReady();
    if (!ready) {
      throw new KServeException(
          KServeException.Reason.MODEL_NOT_READY,
          "Model '"
              + name
              + "'"
              + (v.isEmpty() ? "" : " version " + v)
              + " is not ready on "
              + target);
    }
    ModelMetadataResponse m =
        call(
            "ModelMetadata",
            name,
            metaCap,
            metaText,
            s ->
                s.modelMetadata(
                    ModelMetadataRequest.newBuilder().setName(name).setVersion(v).build()));
    return RemoteModel.of(
        name, v, m.getPlatform(), meta(m.getInputsList()), meta(m.getOutputsList()));
  }

  private static List<RemoteModel.Meta> meta(List<ModelMetadataResponse.TensorMetadata> l) {
    return l.stream()
        .map(
            t ->
                new RemoteModel.Meta(
                    t.getName(),
                    t.getDatatype(),
                    t.getShapeList().stream().mapToLong(Long::longValue).toArray()))
        .toList();
  }

  @Override
  public Model model() {
    return model;
  }

  /** Where the runner sends requests ({@code host:port}, or the channel's authority). */
  public String target() {
    return target;
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    if (closed) {
      throw new IllegalStateException("GrpcRunner for '" + model.name() + "' is closed");
    }
    ModelInferRequest.Builder req =
        ModelInferRequest.newBuilder().setModelName(model.name()).setModelVersion(model.version());
    for (Map.Entry<TensorSpec, Tensor> e : Requests.checkInputs(model, inputs)) {
      Tensor t = e.getValue();
      req.addInputsBuilder()
          .setName(e.getKey().name())
          .setDatatype(V2Types.name(t.dataType()))
          .addAllShape(Arrays.stream(t.shape().dims()).boxed().toList());
      // The array is ours alone (freshly encoded), so wrapping it without a copy is safe.
      req.addRawInputContents(UnsafeByteOperations.unsafeWrap(RawTensors.encode(t)));
    }
    long limit = Requests.responseLimit(model, GRPC_BYTES_PER_ELEMENT, options.maxResponseBytes());
    ModelInferResponse resp =
        call(
            "ModelInfer",
            model.name(),
            limit,
            () -> Requests.limitText(model, GRPC_BYTES_PER_ELEMENT, options.maxResponseBytes()),
            s -> s.modelInfer(req.build()));
    return decode(resp);
  }

  private Map<String, Tensor> decode(ModelInferResponse resp) {
    int n = resp.getOutputsCount();
    int raw = resp.getRawOutputContentsCount();
    if (raw != 0 && raw != n) {
      throw Requests.bad(model, raw + " raw_output_contents for " + n + " outputs");
    }
    Map<String, Tensor> got = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      ModelInferResponse.InferOutputTensor o = resp.getOutputs(i);
      String what = "output '" + o.getName() + "'";
      Tensor t;
      try {
        DataType type = V2Types.parse(o.getDatatype(), what);
        Shape shape = Requests.shape(what, o.getShapeList());
        t =
            raw != 0
                ? RawTensors.decode(
                    what, type, shape, resp.getRawOutputContents(i).asReadOnlyByteBuffer())
                : typed(what, type, shape, o.getContents());
      } catch (IllegalArgumentException e) {
        throw Requests.bad(model, e.getMessage());
      }
      Requests.checkOutput(model, o.getName(), t);
      if (got.put(o.getName(), t) != null) {
        throw Requests.bad(model, what + " appears twice");
      }
    }
    return Requests.inModelOrder(model, got);
  }

  /** An output sent as typed contents instead of raw bytes. */
  private static Tensor typed(String what, DataType type, Shape shape, InferTensorContents c) {
    int n = (int) RawTensors.elements(what, shape);
    int have =
        switch (type) {
          case FLOAT -> c.getFp32ContentsCount();
          case INT8, INT32 -> c.getIntContentsCount();
          case UINT8 -> c.getUintContentsCount();
          case INT64 -> c.getInt64ContentsCount();
          case BOOL -> c.getBoolContentsCount();
          default ->
              throw new IllegalArgumentException(
                  what
                      + " is "
                      + V2Types.name(type)
                      + ", which the protocol only carries as raw bytes; the response has none");
        };
    if (have != n) {
      throw new IllegalArgumentException(
          what + " has " + have + " typed values; shape " + shape + " needs " + n);
    }
    ByteBuffer b = ByteBuffer.allocate((int) type.bytesFor(n)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case FLOAT -> b.putFloat(c.getFp32Contents(i));
        case INT32 -> b.putInt(c.getIntContents(i));
        case INT8 -> b.put(narrow(what, i, c.getIntContents(i), -128, 127));
        case UINT8 -> b.put(narrow(what, i, c.getUintContents(i), 0, 255));
        case INT64 -> b.putLong(c.getInt64Contents(i));
        case BOOL -> b.put((byte) (c.getBoolContents(i) ? 1 : 0));
        default -> throw new IllegalStateException("unreachable");
      }
    }
    return RawTensors.decode(what, type, shape, b.flip());
  }

  private static byte narrow(String what, int i, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(
          what + " value " + v + " at element " + i + " is out of range");
    }
    return (byte) v;
  }

  /**
   * One RPC with the deadline and an inbound cap of {@code limit} bytes (gRPC refuses a longer
   * message from its length prefix, before reading it), retried with backoff while the server is
   * UNAVAILABLE.
   */
  private <T> T call(
      String rpc,
      String modelName,
      long limit,
      java.util.function.Supplier<String> limitText,
      Function<GRPCInferenceServiceBlockingStub, T> f) {
    String where = rpc + " for model '" + modelName + "' on " + target;
    return Backoff.retrying(
        options,
        where,
        () -> {
          try {
            return f.apply(
                stub.withDeadlineAfter(options.timeout().toNanos(), TimeUnit.NANOSECONDS)
                    .withMaxInboundMessageSize((int) limit));
          } catch (StatusRuntimeException e) {
            // A server's status text can be any length: cut as the REST runner cuts error bodies.
            String desc = Requests.clip(e.getStatus().getDescription());
            if (e.getCause() != null) {
              // gRPC says "io exception"; say which.
              desc =
                  (desc == null ? "" : desc + " ")
                      + "("
                      + Requests.clip(e.getCause().getMessage())
                      + ")";
            }
            if (e.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED
                && desc != null
                && desc.contains("exceeds maximum size")) {
              // grpc-java's own words for a message over the inbound cap: "... maximum size L: N".
              throw new KServeException(
                  KServeException.Reason.BAD_RESPONSE,
                  where
                      + ": the answer is"
                      + " larger than the "
                      + limit
                      + " bytes it may have ("
                      + limitText.get()
                      + "); gRPC: "
                      + desc
                      + "; refused unread",
                  e);
            }
            switch (e.getStatus().getCode()) {
              case UNAVAILABLE -> throw new Backoff.Unavailable(desc, e);
              case DEADLINE_EXCEEDED ->
                  throw new KServeException(
                      KServeException.Reason.TIMEOUT,
                      where + ": no answer within " + options.timeout().toMillis() + " ms",
                      e);
              case INVALID_ARGUMENT ->
                  throw new IllegalArgumentException(
                      where + ": the server refused the request: " + desc, e);
              case NOT_FOUND ->
                  throw new KServeException(
                      KServeException.Reason.MODEL_NOT_READY, where + ": " + desc, e);
              default ->
                  throw new KServeException(
                      KServeException.Reason.SERVER_ERROR,
                      where + ": " + e.getStatus().getCode() + ": " + desc,
                      e);
            }
          }
        });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "GrpcRunner[" + model.name() + " @ " + target + "]";
  }
}
