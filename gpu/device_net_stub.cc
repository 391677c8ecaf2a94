// device_net.h where @local_cuda found no CUDA toolkit (or RCDNN_CUDA=0): no
// device is ever usable, and constructing a DeviceNet says why.
#include "gpu/device_net.h"

#include "common/error.h"

namespace rcdnn::gpu {
namespace {
#ifndef RCDNN_NO_CUDA_REASON
#define RCDNN_NO_CUDA_REASON "no CUDA toolkit found"
#endif
constexpr char kNoCuda[] = "this build has no CUDA (@local_cuda: " RCDNN_NO_CUDA_REASON "; see gpu/README.md)";
}  // namespace

bool BuiltWithCuda() { return false; }

DeviceInfo QueryDevice() {
  DeviceInfo info;
  info.reason = kNoCuda;
  return info;
}

struct DeviceNet::Impl {};

DeviceNet::DeviceNet(const std::vector<TensorView>&, const DeviceNetSizes&) { throw Error(kNoCuda); }
DeviceNet::~DeviceNet() = default;
int64_t DeviceNet::uploaded_bytes() const { return 0; }
void DeviceNet::Forward(const std::vector<DeviceOp>&, const float*, int, float*) { throw Error(kNoCuda); }
std::vector<double> DeviceNet::TimeForwards(const std::vector<DeviceOp>&, const float*, int, int, int) {
  throw Error(kNoCuda);
}
int64_t DeviceNet::RunFor(const std::vector<DeviceOp>&, const float*, int, double) { throw Error(kNoCuda); }

}  // namespace rcdnn::gpu
