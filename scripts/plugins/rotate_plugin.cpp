// A user plugin library for trt4j's tests: one IPluginV3 plugin, "Trt4jRotate" version 1, whose
// output is its float input rotated left by one element (y[i] = x[(i + 1) % n]), made with two
// device-to-device copies through the driver API, so no CUDA toolkit library and no kernel are
// needed. It exports what IPluginRegistry::loadLibrary looks for: setLoggerFinder and getCreators.
// Build it on a host with TensorRT's headers and CUDA's (for cuda_runtime_api.h's types):
//   g++ -shared -fPIC -O2 -std=c++17 -I TRT_INCLUDE -I /usr/local/cuda/include
//       scripts/plugins/rotate_plugin.cpp -ldl -o librotate_plugin.so
// (scripts/gpu/plugin.sh does, then runs PluginGpuTest with TRT4J_TEST_PLUGIN set.)
#include <NvInferRuntime.h>
#include <dlfcn.h>

#include <cstdint>

using namespace nvinfer1;

namespace {

// CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream)
using CopyAsync = int (*)(unsigned long long, unsigned long long, size_t, void*);

CopyAsync copyAsync() {
  static CopyAsync fn = [] {
    void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (lib == nullptr) {
      lib = dlopen("libcuda.so.1", RTLD_NOW);
    }
    return lib == nullptr ? nullptr
                          : reinterpret_cast<CopyAsync>(dlsym(lib, "cuMemcpyDtoDAsync_v2"));
  }();
  return fn;
}

char const* const kName = "Trt4jRotate";
char const* const kVersion = "1";
char const* const kNamespace = "";

PluginFieldCollection const* noFields() {
  static PluginFieldCollection none{};
  return &none;
}

class RotatePlugin final : public IPluginV3,
                           public IPluginV3OneCore,
                           public IPluginV3OneBuild,
                           public IPluginV3OneRuntime {
 public:
  IPluginCapability* getCapabilityInterface(PluginCapabilityType type) noexcept override {
    switch (type) {
      case PluginCapabilityType::kCORE:
        return static_cast<IPluginV3OneCore*>(this);
      case PluginCapabilityType::kBUILD:
        return static_cast<IPluginV3OneBuild*>(this);
      case PluginCapabilityType::kRUNTIME:
        return static_cast<IPluginV3OneRuntime*>(this);
    }
    return nullptr;
  }

  IPluginV3* clone() noexcept override { return new RotatePlugin(); }

  // Core.
  AsciiChar const* getPluginName() const noexcept override { return kName; }
  AsciiChar const* getPluginVersion() const noexcept override { return kVersion; }
  AsciiChar const* getPluginNamespace() const noexcept override { return kNamespace; }

  // Build.
  int32_t configurePlugin(DynamicPluginTensorDesc const*, int32_t, DynamicPluginTensorDesc const*,
                          int32_t) noexcept override {
    return 0;
  }

  int32_t getOutputDataTypes(DataType* outputTypes, int32_t nbOutputs, DataType const* inputTypes,
                             int32_t nbInputs) const noexcept override {
    if (nbOutputs != 1 || nbInputs != 1) {
      return 1;
    }
    outputTypes[0] = inputTypes[0];
    return 0;
  }

  int32_t getOutputShapes(DimsExprs const* inputs, int32_t nbInputs, DimsExprs const*, int32_t,
                          DimsExprs* outputs, int32_t nbOutputs, IExprBuilder&) noexcept override {
    if (nbOutputs != 1 || nbInputs != 1) {
      return 1;
    }
    outputs[0] = inputs[0];
    return 0;
  }

  bool supportsFormatCombination(int32_t pos, DynamicPluginTensorDesc const* inOut, int32_t,
                                 int32_t) noexcept override {
    return inOut[pos].desc.type == DataType::kFLOAT &&
           inOut[pos].desc.format == TensorFormat::kLINEAR;
  }

  int32_t getNbOutputs() const noexcept override { return 1; }

  // Runtime.
  int32_t onShapeChange(PluginTensorDesc const*, int32_t, PluginTensorDesc const*,
                        int32_t) noexcept override {
    return 0;
  }

  int32_t enqueue(PluginTensorDesc const* inputDesc, PluginTensorDesc const*,
                  void const* const* inputs, void* const* outputs, void*,
                  cudaStream_t stream) noexcept override {
    int64_t n = 1;
    for (int32_t i = 0; i < inputDesc[0].dims.nbDims; ++i) {
      n *= inputDesc[0].dims.d[i];
    }
    if (n <= 0) {
      return 0;
    }
    CopyAsync copy = copyAsync();
    if (copy == nullptr) {
      return 1;
    }
    auto src = reinterpret_cast<unsigned long long>(inputs[0]);
    auto dst = reinterpret_cast<unsigned long long>(outputs[0]);
    size_t const e = sizeof(float);
    if (n > 1 && copy(dst, src + e, static_cast<size_t>(n - 1) * e, stream) != 0) {
      return 1;
    }
    return copy(dst + static_cast<size_t>(n - 1) * e, src, e, stream) != 0 ? 1 : 0;
  }

  IPluginV3* attachToContext(IPluginResourceContext*) noexcept override { return clone(); }

  PluginFieldCollection const* getFieldsToSerialize() noexcept override { return noFields(); }
};

class RotateCreator final : public IPluginCreatorV3One {
 public:
  IPluginV3* createPlugin(AsciiChar const*, PluginFieldCollection const*,
                          TensorRTPhase) noexcept override {
    return new RotatePlugin();
  }
  PluginFieldCollection const* getFieldNames() noexcept override { return noFields(); }
  AsciiChar const* getPluginName() const noexcept override { return kName; }
  AsciiChar const* getPluginVersion() const noexcept override { return kVersion; }
  AsciiChar const* getPluginNamespace() const noexcept override { return kNamespace; }
};

}  // namespace

extern "C" void setLoggerFinder(ILoggerFinder*) {}

extern "C" IPluginCreatorInterface* const* getCreators(int32_t& nbCreators) {
  static RotateCreator creator;
  static IPluginCreatorInterface* const creators[] = {&creator};
  nbCreators = 1;
  return creators;
}
