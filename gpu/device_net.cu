// CUDA implementation of device_net.h: forward_steps.h's plan (im2col +
// cuBLAS SGEMM on the sliced weight blocks, bias(+ReLU), pooling, ReLU) run
// by a backend of CUDA kernels and cuBLAS calls on one stream.
#include "gpu/device_net.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <chrono>
#include <string>

#include "common/error.h"
#include "gpu/forward_steps.h"
#include "gpu/kernel_math.h"

namespace rcdnn::gpu {
namespace {

void Check(cudaError_t status, const char* call) {
  if (status != cudaSuccess) {
    throw Error(std::string("CUDA: ") + call + " failed: " + cudaGetErrorName(status) + " (" +
                cudaGetErrorString(status) + ")");
  }
}

void Check(cublasStatus_t status, const char* call) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw Error(std::string("cuBLAS: ") + call + " failed: " + cublasGetStatusString(status));
  }
}

#define RCDNN_CUDA(call) Check((call), #call)

constexpr int kThreads = 256;

int Blocks(int64_t total) {
  const int64_t blocks = (total + kThreads - 1) / kThreads;
  return static_cast<int>(blocks < 65535 ? (blocks > 0 ? blocks : 1) : 65535);
}

// One thread per output value, in grid-stride loops; what each value is
// comes from kernel_math.h, which host_steps_test checks on the host.
__global__ void Im2ColKernel(const float* __restrict__ in, Im2ColShape shape, float* __restrict__ col) {
  const int64_t total = shape.ColFloats();
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    col[idx] = Im2ColAt(in, shape, idx);
  }
}

__global__ void BiasReluKernel(float* __restrict__ out, const float* __restrict__ bias, int channels, int64_t pixels,
                               int64_t total, bool relu) {
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    out[idx] = BiasReluAt(out[idx], bias, channels, pixels, idx, relu);
  }
}

__global__ void PoolKernel(const float* __restrict__ in, PoolShape shape, float* __restrict__ out) {
  const int64_t total = shape.OutputFloats();
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    out[idx] = PoolAt(in, shape, idx);
  }
}

__global__ void ReluKernel(const float* __restrict__ in, float* __restrict__ out, int64_t total) {
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    out[idx] = fmaxf(in[idx], 0.0f);
  }
}

// The Backend of forward_steps.h on the device: kernels and cuBLAS calls
// enqueued on one stream.
class CudaBackend {
 public:
  CudaBackend(cudaStream_t stream, cublasHandle_t cublas) : stream_(stream), cublas_(cublas) {}

  void Im2Col(const float* in, const Im2ColShape& shape, float* col) {
    Im2ColKernel<<<Blocks(shape.ColFloats()), kThreads, 0, stream_>>>(in, shape, col);
    RCDNN_CUDA(cudaGetLastError());
  }

  void Gemm(const GemmCall& g) {
    const float one = 1.0f, zero = 0.0f;
    const cublasOperation_t op_a = g.transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    if (g.batch == 1) {
      RCDNN_CUDA(cublasSgemm(cublas_, op_a, CUBLAS_OP_N, g.m, g.n, g.k, &one, g.a, g.lda, g.b, g.ldb, &zero, g.c,
                             g.ldc));
    } else {
      RCDNN_CUDA(cublasSgemmStridedBatched(cublas_, op_a, CUBLAS_OP_N, g.m, g.n, g.k, &one, g.a, g.lda,
                                           static_cast<long long>(g.stride_a), g.b, g.ldb,
                                           static_cast<long long>(g.stride_b), &zero, g.c, g.ldc,
                                           static_cast<long long>(g.stride_c), g.batch));
    }
  }

  void BiasRelu(float* out, const float* bias, int n, int channels, int64_t pixels, bool relu) {
    const int64_t total = n * channels * pixels;
    BiasReluKernel<<<Blocks(total), kThreads, 0, stream_>>>(out, bias, channels, pixels, total, relu);
    RCDNN_CUDA(cudaGetLastError());
  }

  void Pool(const float* in, const PoolShape& shape, float* out) {
    PoolKernel<<<Blocks(shape.OutputFloats()), kThreads, 0, stream_>>>(in, shape, out);
    RCDNN_CUDA(cudaGetLastError());
  }

  void Relu(const float* in, float* out, int64_t count) {
    ReluKernel<<<Blocks(count), kThreads, 0, stream_>>>(in, out, count);
    RCDNN_CUDA(cudaGetLastError());
  }

 private:
  cudaStream_t stream_;
  cublasHandle_t cublas_;
};

}  // namespace

bool BuiltWithCuda() { return true; }

DeviceInfo QueryDevice() {
  DeviceInfo info;
  cudaError_t status = cudaGetDeviceCount(&info.device_count);
  cudaRuntimeGetVersion(&info.runtime_version);
  cudaDriverGetVersion(&info.driver_version);
  if (status != cudaSuccess) {
    info.device_count = 0;
    info.reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorName(status) + " (" +
                  cudaGetErrorString(status) + ")";
    cudaGetLastError();  // clear it
    return info;
  }
  if (info.device_count == 0) {
    info.reason = "cudaGetDeviceCount found no CUDA device";
    return info;
  }
  cudaDeviceProp prop{};
  status = cudaGetDeviceProperties(&prop, 0);
  if (status != cudaSuccess) {
    info.reason = std::string("cudaGetDeviceProperties(0) failed: ") + cudaGetErrorString(status);
    return info;
  }
  info.name = prop.name;
  info.compute_major = prop.major;
  info.compute_minor = prop.minor;
  info.multiprocessors = prop.multiProcessorCount;
  info.memory_bytes = static_cast<int64_t>(prop.totalGlobalMem);
  char bus_id[32] = {};
  if (cudaDeviceGetPCIBusId(bus_id, sizeof(bus_id), 0) == cudaSuccess) info.pci_bus_id = bus_id;
  int khz = 0;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, 0) == cudaSuccess) info.peak_sm_clock_mhz = khz / 1000;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, 0) == cudaSuccess) {
    info.peak_memory_clock_mhz = khz / 1000;
  }
  // A context must actually come up (a device may be listed yet unusable).
  status = cudaFree(nullptr);
  if (status != cudaSuccess) {
    info.reason = std::string("creating a CUDA context failed: ") + cudaGetErrorString(status);
    return info;
  }
  info.usable = true;
  return info;
}

struct DeviceNet::Impl {
  DeviceNetSizes sizes;
  std::vector<TensorView> tensors;  // device pointers
  int64_t uploaded_bytes = 0;
  float* input = nullptr;     // max_batch * input_floats
  float* ping = nullptr;      // max_batch * max_activation_floats
  float* pong = nullptr;
  float* col = nullptr;       // max_batch * max_col_floats
  float* host_input = nullptr;   // pinned
  float* host_logits = nullptr;  // pinned
  cudaStream_t stream = nullptr;
  cublasHandle_t cublas = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;

  ~Impl() {  // best effort: nothing here may throw
    for (TensorView& t : tensors) {
      cudaFree(const_cast<float*>(t.weights));
      cudaFree(const_cast<float*>(t.bias));
    }
    cudaFree(input);
    cudaFree(ping);
    cudaFree(pong);
    cudaFree(col);
    cudaFreeHost(host_input);
    cudaFreeHost(host_logits);
    if (start != nullptr) cudaEventDestroy(start);
    if (stop != nullptr) cudaEventDestroy(stop);
    if (cublas != nullptr) cublasDestroy(cublas);
    if (stream != nullptr) cudaStreamDestroy(stream);
  }

  void Stage(const float* images, int n) {
    CheckBatch(sizes, n);
    std::copy(images, images + n * sizes.input_floats, host_input);
  }

  // Enqueues one forward pass of the staged n images; logits land in host_logits.
  void Enqueue(const std::vector<DeviceOp>& ops, int n) {
    RCDNN_CUDA(cudaMemcpyAsync(input, host_input, sizeof(float) * n * sizes.input_floats, cudaMemcpyHostToDevice,
                               stream));
    CudaBackend backend(stream, cublas);
    const float* logits =
        EnqueueSteps(ops, n, {input, ping, pong, col}, tensors, sizes.input_floats, sizes.classes, backend);
    RCDNN_CUDA(cudaMemcpyAsync(host_logits, logits, sizeof(float) * n * sizes.classes, cudaMemcpyDeviceToHost,
                               stream));
  }
};

DeviceNet::DeviceNet(const std::vector<TensorView>& tensors, const DeviceNetSizes& sizes)
    : impl_(std::make_unique<Impl>()) {
  ValidateSizes(sizes);
  const DeviceInfo device = QueryDevice();
  if (!device.usable) throw Error("no usable CUDA device: " + device.reason);
  Impl& d = *impl_;
  d.sizes = sizes;
  RCDNN_CUDA(cudaSetDevice(0));
  RCDNN_CUDA(cudaStreamCreateWithFlags(&d.stream, cudaStreamNonBlocking));
  RCDNN_CUDA(cublasCreate(&d.cublas));
  RCDNN_CUDA(cublasSetStream(d.cublas, d.stream));
  RCDNN_CUDA(cublasSetMathMode(d.cublas, CUBLAS_DEFAULT_MATH));  // FP32, no TF32
  RCDNN_CUDA(cudaEventCreate(&d.start));
  RCDNN_CUDA(cudaEventCreate(&d.stop));
  for (const TensorView& host : tensors) {
    const size_t weight_bytes = sizeof(float) * static_cast<size_t>(host.rows) * host.cols;
    const size_t bias_bytes = sizeof(float) * static_cast<size_t>(host.rows);
    d.tensors.push_back({nullptr, nullptr, host.rows, host.cols});  // freed by Impl even if a call below fails
    float* weights = nullptr;
    float* bias = nullptr;
    RCDNN_CUDA(cudaMalloc(&weights, weight_bytes));
    d.tensors.back().weights = weights;
    RCDNN_CUDA(cudaMalloc(&bias, bias_bytes));
    d.tensors.back().bias = bias;
    RCDNN_CUDA(cudaMemcpy(weights, host.weights, weight_bytes, cudaMemcpyHostToDevice));
    RCDNN_CUDA(cudaMemcpy(bias, host.bias, bias_bytes, cudaMemcpyHostToDevice));
    d.uploaded_bytes += static_cast<int64_t>(weight_bytes + bias_bytes);
  }
  RCDNN_CUDA(cudaMalloc(&d.input, sizeof(float) * sizes.InputBufferFloats()));
  RCDNN_CUDA(cudaMalloc(&d.ping, sizeof(float) * sizes.ActivationBufferFloats()));
  RCDNN_CUDA(cudaMalloc(&d.pong, sizeof(float) * sizes.ActivationBufferFloats()));
  RCDNN_CUDA(cudaMalloc(&d.col, sizeof(float) * sizes.ColBufferFloats()));
  RCDNN_CUDA(cudaMallocHost(&d.host_input, sizeof(float) * sizes.InputBufferFloats()));
  RCDNN_CUDA(cudaMallocHost(&d.host_logits, sizeof(float) * sizes.LogitsBufferFloats()));
  // A cudaMemcpy from pageable memory may return before its DMA lands, and the
  // work stream is non-blocking (it does not wait for the legacy stream): wait
  // here, so the first pass never reads half-uploaded weights.
  RCDNN_CUDA(cudaDeviceSynchronize());
}

DeviceNet::~DeviceNet() = default;

int64_t DeviceNet::uploaded_bytes() const { return impl_->uploaded_bytes; }

void DeviceNet::Forward(const std::vector<DeviceOp>& ops, const float* images, int n, float* logits) {
  Impl& d = *impl_;
  d.Stage(images, n);
  d.Enqueue(ops, n);
  RCDNN_CUDA(cudaStreamSynchronize(d.stream));
  std::copy(d.host_logits, d.host_logits + n * d.sizes.classes, logits);
}

std::vector<double> DeviceNet::TimeForwards(const std::vector<DeviceOp>& ops, const float* images, int n, int warmup,
                                            int repetitions) {
  Impl& d = *impl_;
  d.Stage(images, n);
  for (int i = 0; i < warmup; ++i) d.Enqueue(ops, n);
  RCDNN_CUDA(cudaStreamSynchronize(d.stream));
  std::vector<double> samples_us;
  samples_us.reserve(repetitions);
  for (int i = 0; i < repetitions; ++i) {
    RCDNN_CUDA(cudaEventRecord(d.start, d.stream));
    d.Enqueue(ops, n);
    RCDNN_CUDA(cudaEventRecord(d.stop, d.stream));
    RCDNN_CUDA(cudaEventSynchronize(d.stop));
    float ms = 0;
    RCDNN_CUDA(cudaEventElapsedTime(&ms, d.start, d.stop));
    samples_us.push_back(1000.0 * ms);
  }
  return samples_us;
}

int64_t DeviceNet::RunFor(const std::vector<DeviceOp>& ops, const float* images, int n, double seconds) {
  using Clock = std::chrono::steady_clock;
  Impl& d = *impl_;
  d.Stage(images, n);
  const Clock::time_point start = Clock::now();
  int64_t passes = 0;
  do {
    d.Enqueue(ops, n);
    RCDNN_CUDA(cudaStreamSynchronize(d.stream));  // one image at a time, as timed
    ++passes;
  } while (std::chrono::duration<double>(Clock::now() - start).count() < seconds);
  return passes;
}

}  // namespace rcdnn::gpu
