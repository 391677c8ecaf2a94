// CUDA implementation of device_net.h: im2col + cuBLAS SGEMM on the sliced
// weight blocks, and small kernels for bias(+ReLU), pooling (Caffe's window
// rules, as models/engine/pool_layer.cc) and ReLU.
#include "gpu/device_net.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <string>

#include "common/error.h"

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

// col[b][c * k * k + ky * k + kx][oy * ow + ox] = in[b][c][oy*s - pad + ky][ox*s - pad + kx], 0 outside.
__global__ void Im2Col(const float* __restrict__ in, int n, int channels, int height, int width, int kernel,
                       int stride, int pad, int out_height, int out_width, float* __restrict__ col) {
  const int pixels = out_height * out_width;
  const int rows = channels * kernel * kernel;
  const int64_t total = static_cast<int64_t>(n) * rows * pixels;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const int p = static_cast<int>(idx % pixels);
    const int64_t rest = idx / pixels;
    const int row = static_cast<int>(rest % rows);
    const int64_t b = rest / rows;
    const int kx = row % kernel, ky = (row / kernel) % kernel, c = row / (kernel * kernel);
    const int y = (p / out_width) * stride - pad + ky, x = (p % out_width) * stride - pad + kx;
    col[idx] = (y >= 0 && y < height && x >= 0 && x < width)
                   ? in[((b * channels + c) * height + y) * static_cast<int64_t>(width) + x]
                   : 0.0f;
  }
}

// out[b][c][p] += bias[c], then max(0, .) when relu.
__global__ void BiasRelu(float* __restrict__ out, const float* __restrict__ bias, int n, int channels, int pixels,
                         bool relu) {
  const int64_t total = static_cast<int64_t>(n) * channels * pixels;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const float v = out[idx] + bias[(idx / pixels) % channels];
    out[idx] = relu ? fmaxf(v, 0.0f) : v;
  }
}

__global__ void Relu(float* __restrict__ data, int64_t total) {
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    data[idx] = fmaxf(data[idx], 0.0f);
  }
}

// Caffe's pooling: window start o * stride - pad; values clipped to the
// input, the average's divisor clipped to the padded input; the first
// maximum wins (strictly greater), as on the CPU.
__global__ void Pool(const float* __restrict__ in, int planes, int height, int width, int out_height,
                     int out_width, int kernel, int stride, int pad, bool max_pool, float* __restrict__ out) {
  const int64_t total = static_cast<int64_t>(planes) * out_height * out_width;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const int ox = static_cast<int>(idx % out_width);
    const int oy = static_cast<int>((idx / out_width) % out_height);
    const int64_t plane = idx / (static_cast<int64_t>(out_width) * out_height);
    const int y0 = oy * stride - pad, x0 = ox * stride - pad;
    const int y_end = min(y0 + kernel, height), x_end = min(x0 + kernel, width);
    const float* src = in + plane * height * width;
    float value = max_pool ? -FLT_MAX : 0.0f;
    for (int y = max(y0, 0); y < y_end; ++y) {
      for (int x = max(x0, 0); x < x_end; ++x) {
        const float v = src[y * width + x];
        if (max_pool) {
          if (v > value) value = v;
        } else {
          value += v;
        }
      }
    }
    if (!max_pool) {
      const int divisor = (min(y0 + kernel, height + pad) - y0) * (min(x0 + kernel, width + pad) - x0);
      value /= static_cast<float>(divisor);
    }
    out[idx] = value;
  }
}

struct DeviceTensor {
  float* weights = nullptr;
  float* bias = nullptr;
  int rows = 0, cols = 0;
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
  std::vector<DeviceTensor> tensors;
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
    for (DeviceTensor& t : tensors) {
      cudaFree(t.weights);
      cudaFree(t.bias);
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
    if (n < 1 || n > sizes.max_batch) {
      throw Error("DeviceNet: batch " + std::to_string(n) + " outside [1, " + std::to_string(sizes.max_batch) + "]");
    }
    std::copy(images, images + n * sizes.input_floats, host_input);
  }

  // Enqueues one forward pass of the staged n images; logits land in host_logits.
  void Enqueue(const std::vector<DeviceOp>& ops, int n) {
    RCDNN_CUDA(cudaMemcpyAsync(input, host_input, sizeof(float) * n * sizes.input_floats, cudaMemcpyHostToDevice,
                               stream));
    const float* current = input;
    int64_t current_floats = sizes.input_floats;  // per image
    const float one = 1.0f, zero = 0.0f;
    for (const DeviceOp& op : ops) {
      float* out = current == ping ? pong : ping;
      const int64_t out_pixels = static_cast<int64_t>(op.out_height) * op.out_width;
      const int64_t out_floats = op.out_channels * out_pixels;
      switch (op.kind) {
        case OpKind::kConv: {
          const DeviceTensor& t = tensors.at(op.tensor);
          const int k_rows = op.in_channels * op.kernel * op.kernel;
          const float* columns = current;
          if (op.kernel != 1 || op.stride != 1 || op.pad != 0) {
            Im2Col<<<Blocks(static_cast<int64_t>(n) * k_rows * out_pixels), kThreads, 0, stream>>>(
                current, n, op.in_channels, op.in_height, op.in_width, op.kernel, op.stride, op.pad, op.out_height,
                op.out_width, col);
            RCDNN_CUDA(cudaGetLastError());
            columns = col;
          }
          // Column-major view: out^T (P x o) = col^T (P x K) * W^T (K x o).
          RCDNN_CUDA(cublasSgemmStridedBatched(cublas, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(out_pixels),
                                               op.out_channels, k_rows, &one, columns, static_cast<int>(out_pixels),
                                               static_cast<long long>(k_rows) * out_pixels, t.weights, t.cols, 0,
                                               &zero, out, static_cast<int>(out_pixels), out_floats, n));
          BiasRelu<<<Blocks(n * out_floats), kThreads, 0, stream>>>(out, t.bias, n, op.out_channels,
                                                                    static_cast<int>(out_pixels), op.fused_relu);
          RCDNN_CUDA(cudaGetLastError());
          break;
        }
        case OpKind::kFc: {
          const DeviceTensor& t = tensors.at(op.tensor);
          const int k_cols = static_cast<int>(op.in_channels * static_cast<int64_t>(op.in_height) * op.in_width);
          // Column-major view: out^T (o x n) = W (o x K, stored as K x o with ld cols)^T * in^T (K x n).
          RCDNN_CUDA(cublasSgemm(cublas, CUBLAS_OP_T, CUBLAS_OP_N, op.out_channels, n, k_cols, &one, t.weights,
                                 t.cols, current, k_cols, &zero, out, op.out_channels));
          BiasRelu<<<Blocks(n * out_floats), kThreads, 0, stream>>>(out, t.bias, n, op.out_channels,
                                                                    static_cast<int>(out_pixels), op.fused_relu);
          RCDNN_CUDA(cudaGetLastError());
          break;
        }
        case OpKind::kMaxPool:
        case OpKind::kAvgPool:
          Pool<<<Blocks(n * out_floats), kThreads, 0, stream>>>(current, n * op.in_channels, op.in_height,
                                                                op.in_width, op.out_height, op.out_width, op.kernel,
                                                                op.stride, op.pad, op.kind == OpKind::kMaxPool, out);
          RCDNN_CUDA(cudaGetLastError());
          break;
        case OpKind::kRelu:
          out = const_cast<float*>(current);  // in place
          Relu<<<Blocks(n * out_floats), kThreads, 0, stream>>>(out, n * out_floats);
          RCDNN_CUDA(cudaGetLastError());
          break;
      }
      current = out;
      current_floats = out_floats;
    }
    if (current_floats != sizes.classes) {
      throw Error("DeviceNet: the ops end with " + std::to_string(current_floats) + " values per image, not " +
                  std::to_string(sizes.classes) + " logits");
    }
    RCDNN_CUDA(cudaMemcpyAsync(host_logits, current, sizeof(float) * n * sizes.classes, cudaMemcpyDeviceToHost,
                               stream));
  }
};

DeviceNet::DeviceNet(const std::vector<HostTensor>& tensors, const DeviceNetSizes& sizes)
    : impl_(std::make_unique<Impl>()) {
  if (sizes.max_batch < 1 || sizes.input_floats < 1 || sizes.max_activation_floats < 1 || sizes.classes < 1) {
    throw Error("DeviceNet: buffer sizes must be positive");
  }
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
  for (const HostTensor& host : tensors) {
    DeviceTensor t;
    t.rows = host.rows;
    t.cols = host.cols;
    const size_t weight_bytes = sizeof(float) * static_cast<size_t>(host.rows) * host.cols;
    const size_t bias_bytes = sizeof(float) * static_cast<size_t>(host.rows);
    d.tensors.push_back(t);  // owned by Impl from here on, freed even if a copy below fails
    DeviceTensor& owned = d.tensors.back();
    RCDNN_CUDA(cudaMalloc(&owned.weights, weight_bytes));
    RCDNN_CUDA(cudaMalloc(&owned.bias, bias_bytes));
    RCDNN_CUDA(cudaMemcpy(owned.weights, host.weights, weight_bytes, cudaMemcpyHostToDevice));
    RCDNN_CUDA(cudaMemcpy(owned.bias, host.bias, bias_bytes, cudaMemcpyHostToDevice));
    d.uploaded_bytes += static_cast<int64_t>(weight_bytes + bias_bytes);
  }
  const size_t batch = static_cast<size_t>(sizes.max_batch);
  RCDNN_CUDA(cudaMalloc(&d.input, sizeof(float) * batch * sizes.input_floats));
  RCDNN_CUDA(cudaMalloc(&d.ping, sizeof(float) * batch * sizes.max_activation_floats));
  RCDNN_CUDA(cudaMalloc(&d.pong, sizeof(float) * batch * sizes.max_activation_floats));
  RCDNN_CUDA(cudaMalloc(&d.col, sizeof(float) * batch * (sizes.max_col_floats > 0 ? sizes.max_col_floats : 1)));
  RCDNN_CUDA(cudaMallocHost(&d.host_input, sizeof(float) * batch * sizes.input_floats));
  RCDNN_CUDA(cudaMallocHost(&d.host_logits, sizeof(float) * batch * sizes.classes));
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
