package io.github.trt4j.kserve;

import com.google.protobuf.UnsafeByteOperations;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.kserve.proto.GRPCInferenceServiceGrpc;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelReadyRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelReadyResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves any trt4j {@link Runner} (a local engine, say) over the KServe v2 gRPC protocol: a tiny
 * stand-in for Triton in tests, so a real engine's tensors go through metadata, raw contents and
 * back. Calls are serialized, since an Inferer runs one call at a time.
 */
public final class RunnerGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  private final String name;
  private final Runner runner;

  public RunnerGrpcService(String name, Runner runner) {
    this.name = name;
    this.runner = runner;
  }

  private boolean known(String model, StreamObserver<?> o) {
    if (!model.equals(name)) {
      o.onError(
          Status.NOT_FOUND.withDescription("unknown model '" + model + "'").asRuntimeException());
      return false;
    }
    return true;
  }

  @Override
  public void modelReady(ModelReadyRequest r, StreamObserver<ModelReadyResponse> o) {
    if (known(r.getName(), o)) {
      o.onNext(ModelReadyResponse.newBuilder().setReady(true).build());
      o.onCompleted();
    }
  }

  @Override
  public void modelMetadata(ModelMetadataRequest r, StreamObserver<ModelMetadataResponse> o) {
    if (!known(r.getName(), o)) {
      return;
    }
    ModelMetadataResponse.Builder b =
        ModelMetadataResponse.newBuilder().setName(name).setPlatform("trt4j");
    for (TensorSpec t : runner.model().tensors()) {
      (t.isInput() ? b.addInputsBuilder() : b.addOutputsBuilder())
          .setName(t.name())
          .setDatatype(V2Types.name(t.dataType()))
          .addAllShape(Arrays.stream(t.shape().dims()).boxed().toList());
    }
    o.onNext(b.build());
    o.onCompleted();
  }

  @Override
  public void modelInfer(ModelInferRequest r, StreamObserver<ModelInferResponse> o) {
    if (!known(r.getModelName(), o)) {
      return;
    }
    Map<String, Tensor> out;
    try {
      Map<String, Tensor> in = new LinkedHashMap<>();
      for (int i = 0; i < r.getInputsCount(); i++) {
        var t = r.getInputs(i);
        String what = "input '" + t.getName() + "'";
        in.put(
            t.getName(),
            RawTensors.decode(
                what,
                V2Types.parse(t.getDatatype(), what),
                Shape.of(t.getShapeList().stream().mapToLong(Long::longValue).toArray()),
                r.getRawInputContents(i).asReadOnlyByteBuffer()));
      }
      synchronized (this) {
        out = runner.run(in);
      }
    } catch (IllegalArgumentException e) {
      o.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    ModelInferResponse.Builder b = ModelInferResponse.newBuilder().setModelName(name);
    for (Map.Entry<String, Tensor> e : out.entrySet()) {
      Tensor t = e.getValue();
      b.addOutputsBuilder()
          .setName(e.getKey())
          .setDatatype(V2Types.name(t.dataType()))
          .addAllShape(Arrays.stream(t.shape().dims()).boxed().toList());
      b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(RawTensors.encode(t)));
    }
    o.onNext(b.build());
    o.onCompleted();
  }
}
