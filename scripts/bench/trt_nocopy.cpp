// The C++ floor for trt4j's device-tensor mode (--noDataTransfers): every tensor already in
// device memory, so one call is enqueueV3 plus one stream sync, timed per call on the host.
//   trt_nocopy ENGINE [iters=5000]
// Prints one key=value line (microseconds). Build like gpu.sh builds trt_ref:
//   g++ -O2 -std=c++17 trt_nocopy.cpp -I<TensorRT headers> -I/usr/local/cuda/include
//       -L<TensorRT libs> -l:libnvinfer.so.10 -l:libcudart.so.12
#include <NvInfer.h>
#include <cuda_runtime_api.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

namespace {
struct Quiet : nvinfer1::ILogger {
  void log(Severity s, char const* m) noexcept override {
    if (s <= Severity::kERROR) std::fprintf(stderr, "%s\n", m);
  }
};
void ok(cudaError_t e, char const* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(e));
    std::exit(1);
  }
}
size_t bytesOf(nvinfer1::DataType t) {
  using nvinfer1::DataType;
  if (t == DataType::kINT64) return 8;
  if (t == DataType::kFLOAT || t == DataType::kINT32) return 4;
  if (t == DataType::kHALF || t == DataType::kBF16) return 2;
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int iters = argc > 2 ? std::atoi(argv[2]) : 5000;
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<char> blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Quiet quiet;
  auto* runtime = nvinfer1::createInferRuntime(quiet);
  auto* engine = runtime->deserializeCudaEngine(blob.data(), blob.size());
  if (!engine) return 1;
  auto* ctx = engine->createExecutionContext();
  cudaStream_t stream;
  ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "stream");
  int n = engine->getNbIOTensors();
  for (int i = 0; i < n; ++i) {
    char const* name = engine->getIOTensorName(i);
    if (engine->getTensorIOMode(name) != nvinfer1::TensorIOMode::kINPUT) continue;
    nvinfer1::Dims shape = engine->getTensorShape(name);
    bool dyn = false;
    for (int k = 0; k < shape.nbDims; ++k) dyn = dyn || shape.d[k] < 0;
    if (dyn) ctx->setInputShape(name, engine->getProfileShape(name, 0, nvinfer1::OptProfileSelector::kOPT));
  }
  for (int i = 0; i < n; ++i) {
    char const* name = engine->getIOTensorName(i);
    nvinfer1::Dims shape = ctx->getTensorShape(name);
    size_t count = 1;
    for (int k = 0; k < shape.nbDims; ++k) count *= size_t(std::max<int64_t>(1, shape.d[k]));
    void* mem = nullptr;
    ok(cudaMalloc(&mem, count * bytesOf(engine->getTensorDataType(name))), "cudaMalloc");
    ok(cudaMemset(mem, 0, count * bytesOf(engine->getTensorDataType(name))), "cudaMemset");
    ctx->setTensorAddress(name, mem);
  }
  auto once = [&] {
    if (!ctx->enqueueV3(stream)) std::exit(1);
    ok(cudaStreamSynchronize(stream), "sync");
  };
  for (int i = 0; i < 1000; ++i) once();
  std::vector<double> us(iters);
  for (auto& u : us) {
    auto a = std::chrono::steady_clock::now();
    once();
    u = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count();
  }
  double mean = 0;
  for (double u : us) mean += u;
  mean /= us.size();
  std::sort(us.begin(), us.end());
  std::printf("cpp_nocopy iters=%d latency_mean_us=%.1f latency_p50_us=%.1f latency_p99_us=%.1f\n", iters, mean,
              us[us.size() / 2], us[size_t(0.99 * (us.size() - 1))]);
  return 0;
}
