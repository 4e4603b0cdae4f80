package io.github.trt4j.kserve;

import com.google.protobuf.ByteString;
import io.github.trt4j.kserve.proto.GRPCInferenceServiceGrpc;
import io.github.trt4j.kserve.proto.KServeV2.InferTensorContents;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelReadyRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelReadyResponse;
import io.github.trt4j.kserve.proto.KServeV2.ServerLiveRequest;
import io.github.trt4j.kserve.proto.KServeV2.ServerLiveResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The KServe v2 gRPC service over {@link FakeBackend}. */
final class FakeGrpcServer extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  final FakeBackend backend;

  /**
   * Called instead of answering when the backend says to disconnect (e.g. shuts the server down).
   */
  volatile Runnable onDisconnect = () -> {};

  FakeGrpcServer(FakeBackend backend) {
    this.backend = backend;
  }

  @Override
  public void serverLive(ServerLiveRequest r, StreamObserver<ServerLiveResponse> o) {
    o.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
    o.onCompleted();
  }

  @Override
  public void modelReady(ModelReadyRequest r, StreamObserver<ModelReadyResponse> o) {
    if (gate(o)) {
      return;
    }
    if (FakeBackend.inputs(r.getName()) == null) {
      o.onError(
          Status.NOT_FOUND
              .withDescription("Request for unknown model: '" + r.getName() + "' is not found")
              .asRuntimeException());
      return;
    }
    o.onNext(ModelReadyResponse.newBuilder().setReady(backend.ready).build());
    o.onCompleted();
  }

  @Override
  public void modelMetadata(ModelMetadataRequest r, StreamObserver<ModelMetadataResponse> o) {
    ModelMetadataResponse.Builder b =
        ModelMetadataResponse.newBuilder().setName(r.getName()).setPlatform("fake");
    for (FakeBackend.Meta m : FakeBackend.inputs(r.getName())) {
      b.addInputsBuilder().setName(m.name()).setDatatype(m.datatype()).addAllShape(box(m.shape()));
    }
    for (FakeBackend.Meta m : FakeBackend.outputs(r.getName())) {
      b.addOutputsBuilder().setName(m.name()).setDatatype(m.datatype()).addAllShape(box(m.shape()));
    }
    o.onNext(b.build());
    o.onCompleted();
  }

  @Override
  public void modelInfer(ModelInferRequest r, StreamObserver<ModelInferResponse> o) {
    if (gate(o)) {
      return;
    }
    if (r.getRawInputContentsCount() != r.getInputsCount()) {
      o.onError(
          Status.INVALID_ARGUMENT
              .withDescription("expected raw contents for every input")
              .asRuntimeException());
      return;
    }
    List<FakeBackend.T> in = new ArrayList<>();
    for (int i = 0; i < r.getInputsCount(); i++) {
      var t = r.getInputs(i);
      in.add(
          new FakeBackend.T(
              t.getName(),
              t.getDatatype(),
              t.getShapeList().stream().mapToLong(Long::longValue).toArray(),
              r.getRawInputContents(i).toByteArray()));
    }
    List<FakeBackend.T> out;
    try {
      out = backend.malformed(backend.infer(r.getModelName(), in));
    } catch (IllegalArgumentException e) {
      o.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    ModelInferResponse.Builder b =
        ModelInferResponse.newBuilder().setModelName(r.getModelName()).setId(r.getId());
    for (FakeBackend.T t : out) {
      var ob =
          b.addOutputsBuilder()
              .setName(t.name())
              .setDatatype(t.datatype())
              .addAllShape(box(t.shape()));
      if (backend.malform == FakeBackend.Malform.TYPED_CONTENTS) {
        ob.setContents(typed(t));
      } else {
        b.addRawOutputContents(ByteString.copyFrom(t.data()));
      }
    }
    if (backend.malform == FakeBackend.Malform.EXTRA_RAW) {
      b.addRawOutputContents(ByteString.copyFrom(new byte[4]));
    }
    o.onNext(b.build());
    o.onCompleted();
  }

  /** Delay, unavailability and disconnects; true when the call has been answered (or dropped). */
  private boolean gate(StreamObserver<?> o) {
    try {
      if (backend.stallAndCheckUnavailable()) {
        o.onError(Status.UNAVAILABLE.withDescription("fake: warming up").asRuntimeException());
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o.onError(Status.CANCELLED.asRuntimeException());
      return true;
    }
    if (backend.takeDisconnect()) {
      onDisconnect.run();
      return true;
    }
    return false;
  }

  private static InferTensorContents typed(FakeBackend.T t) {
    ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    int n = t.data().length / FakeBackend.size(t.datatype());
    for (int i = 0; i < n; i++) {
      switch (t.datatype()) {
        case "FP32" -> c.addFp32Contents(b.getFloat(i * 4));
        case "INT64" -> c.addInt64Contents(b.getLong(i * 8));
        case "INT32" -> c.addIntContents(b.getInt(i * 4));
        case "INT8" -> c.addIntContents(b.get(i));
        case "UINT8" -> c.addUintContents(b.get(i) & 0xFF);
        case "BOOL" -> c.addBoolContents(b.get(i) != 0);
        default -> throw new IllegalStateException("no typed contents for " + t.datatype());
      }
    }
    return c.build();
  }

  private static List<Long> box(long[] d) {
    return Arrays.stream(d).boxed().toList();
  }
}
