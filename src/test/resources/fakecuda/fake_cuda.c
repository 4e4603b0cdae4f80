/*
 * A stand-in for the NVIDIA driver's libcuda.so.1, for trt4j's CPU tests of its driver layer
 * (FakeDriverTest): every function trt4j binds, answering as configured at compile time, so that
 * old drivers, missing devices, failed starts, a missing function and a failing call can be seen
 * end to end (dlopen, FFM binding, the typed messages) without a GPU.
 *   -DDRIVER_VERSION=N     cuDriverGetVersion's answer (default 13000, CUDA 13.0)
 *   -DINIT_STATUS=S        cuInit's status (default 0)
 *   -DDEVICE_COUNT=N       cuDeviceGetCount's answer (default 1)
 *   -DRETAIN_STATUS=S      cuDevicePrimaryCtxRetain's status (default 0)
 *   -DSTREAM_STATUS=S      cuStreamCreate's status (default 0)
 *   -DOMIT_GRAPH_LAUNCH    leave cuGraphLaunch out (a driver older than trt4j needs)
 * Pointers are declared as long long: trt4j passes them as 64-bit integers.
 */
#include <string.h>

#ifndef DRIVER_VERSION
#define DRIVER_VERSION 13000
#endif
#ifndef INIT_STATUS
#define INIT_STATUS 0
#endif
#ifndef DEVICE_COUNT
#define DEVICE_COUNT 1
#endif
#ifndef RETAIN_STATUS
#define RETAIN_STATUS 0
#endif
#ifndef STREAM_STATUS
#define STREAM_STATUS 0
#endif

typedef long long P;

static const char* name_of(int s) {
  switch (s) {
    case 0: return "CUDA_SUCCESS";
    case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
    case 35: return "CUDA_ERROR_INSUFFICIENT_DRIVER";
    case 100: return "CUDA_ERROR_NO_DEVICE";
    default: return "CUDA_ERROR_UNKNOWN";
  }
}

static const char* text_of(int s) {
  switch (s) {
    case 0: return "no error";
    case 2: return "out of memory";
    case 35: return "CUDA driver version is insufficient for CUDA runtime version";
    case 100: return "no CUDA-capable device is detected";
    default: return "unknown error";
  }
}

int cuGetErrorName(int s, P out) { *(const char**) out = name_of(s); return 0; }
int cuGetErrorString(int s, P out) { *(const char**) out = text_of(s); return 0; }
int cuInit(int flags) { (void) flags; return INIT_STATUS; }
int cuDriverGetVersion(P v) { *(int*) v = DRIVER_VERSION; return 0; }
int cuDeviceGetCount(P v) { *(int*) v = DEVICE_COUNT; return 0; }
int cuDeviceGetName(P name, int len, int dev) { (void) dev; strncpy((char*) name, "Stand-in GPU", len); return 0; }
int cuDeviceGetAttribute(P v, int attr, int dev) { (void) attr; (void) dev; *(int*) v = 9; return 0; }
int cuDevicePrimaryCtxRetain(P ctx, int dev) { *(P*) ctx = 0x1000 + dev; return RETAIN_STATUS; }

static __thread P current;
int cuCtxGetCurrent(P ctx) { *(P*) ctx = current; return 0; }
int cuCtxSetCurrent(P ctx) { current = ctx; return 0; }

int cuMemAlloc_v2(P out, P bytes) { (void) bytes; *(P*) out = 0x200000; return 0; }
int cuMemFree_v2(P p) { (void) p; return 0; }
static char host[4096];
int cuMemHostAlloc(P out, P bytes, int flags) { (void) flags; *(P*) out = (P) host; return bytes <= (P) sizeof host ? 0 : 2; }
int cuMemFreeHost(P p) { (void) p; return 0; }
int cuMemGetInfo_v2(P freeBytes, P total) { *(P*) freeBytes = 1 << 30; *(P*) total = 2 << 30; return 0; }
int cuMemcpyHtoDAsync_v2(P d, P s, P n, P st) { (void) d; (void) s; (void) n; (void) st; return 0; }
int cuMemcpyDtoHAsync_v2(P d, P s, P n, P st) { (void) d; (void) s; (void) n; (void) st; return 0; }
int cuMemcpy(P d, P s, P n) { (void) d; (void) s; (void) n; return 0; }
int cuMemsetD8_v2(P d, unsigned char v, P n) { (void) d; (void) v; (void) n; return 0; }
int cuStreamCreate(P out, int flags) { (void) flags; *(P*) out = 0x3000; return STREAM_STATUS; }
int cuStreamDestroy_v2(P s) { (void) s; return 0; }
int cuStreamSynchronize(P s) { (void) s; return 0; }
int cuEventCreate(P out, int flags) { (void) flags; *(P*) out = 0x4000; return 0; }
int cuEventDestroy_v2(P e) { (void) e; return 0; }
int cuEventRecord(P e, P s) { (void) e; (void) s; return 0; }
int cuEventSynchronize(P e) { (void) e; return 0; }
int cuEventQuery(P e) { (void) e; return 0; }
int cuEventElapsedTime(P ms, P a, P b) { (void) a; (void) b; *(float*) ms = 0.5f; return 0; }
int cuStreamBeginCapture_v2(P s, int mode) { (void) s; (void) mode; return 0; }
int cuStreamEndCapture(P s, P g) { (void) s; *(P*) g = 0; return 0; }
int cuGraphInstantiateWithFlags(P out, P g, P flags) { (void) g; (void) flags; *(P*) out = 0; return 0; }
int cuGraphDestroy(P g) { (void) g; return 0; }
int cuGraphExecDestroy(P g) { (void) g; return 0; }
#ifndef OMIT_GRAPH_LAUNCH
int cuGraphLaunch(P g, P s) { (void) g; (void) s; return 0; }
#endif
