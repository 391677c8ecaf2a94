// The CUDA side of the GPU forward path, behind a header with no CUDA (or
// Eigen) types: device_net.cu implements it with nvcc where CUDA is found at
// build time; device_net_stub.cc implements it elsewhere (every call reports
// that the build has no CUDA). gpu_network.h maps a NetSpec onto it.
//
// The ops (device_ops.h) run as forward_steps.h plans them: activations
// image-major NCHW at the active channel count, weights uploaded once at full
// width and read through cuBLAS leading dimensions, so slicing stays a view
// on the device too. cuBLAS runs in its default FP32 math (no TF32), so
// results match the CPU engine to float rounding.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gpu/device_ops.h"

namespace rcdnn::gpu {

// True when this binary was built by nvcc (device_net.cu), false for the stub.
bool BuiltWithCuda();

// What the CUDA runtime reports about device 0.
struct DeviceInfo {
  bool usable = false;  // a device is present and the runtime can use it
  std::string reason;   // why not: "built without CUDA", "cudaGetDeviceCount: ..."
  int device_count = 0;
  std::string name;                 // "NVIDIA H100 80GB HBM3"
  std::string pci_bus_id;           // "0000:17:00.0" (to find the same device in NVML)
  int compute_major = 0, compute_minor = 0;
  int multiprocessors = 0;
  int64_t memory_bytes = 0;
  int runtime_version = 0;          // CUDA runtime, 13000 = 13.0
  int driver_version = 0;           // highest CUDA version the driver supports
  int peak_sm_clock_mhz = 0;        // cudaDevAttrClockRate
  int peak_memory_clock_mhz = 0;    // cudaDevAttrMemoryClockRate
};

// Never throws: a missing driver or device is a DeviceInfo with usable false.
DeviceInfo QueryDevice();

// A model resident on device 0: weights uploaded once (every increment shares
// them), activation and im2col buffers, pinned host staging buffers, one
// stream and one cuBLAS handle. Methods throw rcdnn::Error naming the failing
// CUDA or cuBLAS call. Not thread-safe.
class DeviceNet {
 public:
  DeviceNet(const std::vector<TensorView>& tensors, const DeviceNetSizes& sizes);
  ~DeviceNet();
  DeviceNet(const DeviceNet&) = delete;
  DeviceNet& operator=(const DeviceNet&) = delete;

  // logits (n x classes, row-major) of n <= max_batch images, synchronously:
  // input copied in, `ops` run, logits copied out.
  void Forward(const std::vector<DeviceOp>& ops, const float* images, int n, float* logits);

  // `warmup` untimed then `repetitions` timed forward passes of the same n
  // images, one at a time, each bracketed by CUDA events on the stream: the
  // input copy in and the logits copy out are included. Microseconds each.
  std::vector<double> TimeForwards(const std::vector<DeviceOp>& ops, const float* images, int n, int warmup,
                                   int repetitions);

  // Forward passes of n images back to back (synchronised at the end) until
  // at least `seconds` have passed on the host clock; returns the passes run.
  int64_t RunFor(const std::vector<DeviceOp>& ops, const float* images, int n, double seconds);

  // Bytes of weights and biases uploaded (once, at construction).
  int64_t uploaded_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rcdnn::gpu
