#include "gpu/host_steps.h"

#include <algorithm>
#include <string>

#include "common/error.h"
#include "gpu/forward_steps.h"
#include "gpu/kernel_math.h"

namespace rcdnn::gpu {
namespace {

struct Buffer {
  std::string name;
  const float* begin = nullptr;
  const float* end = nullptr;
};

// The Backend of forward_steps.h on host memory, checking every access.
class CheckedHostBackend {
 public:
  explicit CheckedHostBackend(std::vector<Buffer> buffers) : buffers_(std::move(buffers)) {}

  void Im2Col(const float* in, const Im2ColShape& s, float* col) {
    const Buffer& from = Check(in, s.InputFloats(), "im2col input");
    const Buffer& to = Check(col, s.ColFloats(), "im2col output");
    Distinct(from, to, "im2col");
    for (int64_t i = 0; i < s.ColFloats(); ++i) col[i] = Im2ColAt(in, s, i);
  }

  void Gemm(const GemmCall& g) {
    if (g.m < 0 || g.n < 0 || g.k < 0 || g.batch < 1) {
      throw Error("GEMM: m, n, k must be >= 0 and batch >= 1 (m " + std::to_string(g.m) + ", n " +
                  std::to_string(g.n) + ", k " + std::to_string(g.k) + ", batch " + std::to_string(g.batch) + ")");
    }
    const int a_rows = g.transpose_a ? g.k : g.m, a_cols = g.transpose_a ? g.m : g.k;
    const Buffer& a = CheckMatrix(g.a, a_rows, a_cols, g.lda, g.stride_a, g.batch, "A");
    const Buffer& b = CheckMatrix(g.b, g.k, g.n, g.ldb, g.stride_b, g.batch, "B");
    const Buffer& c = CheckMatrix(g.c, g.m, g.n, g.ldc, g.stride_c, g.batch, "C");
    Distinct(a, c, "GEMM A and C");
    Distinct(b, c, "GEMM B and C");
    for (int batch = 0; batch < g.batch; ++batch) {
      const float* a_i = g.a + batch * g.stride_a;
      const float* b_i = g.b + batch * g.stride_b;
      float* c_i = g.c + batch * g.stride_c;
      for (int j = 0; j < g.n; ++j) {
        for (int i = 0; i < g.m; ++i) {
          double sum = 0;
          for (int p = 0; p < g.k; ++p) {
            const float a_ip = g.transpose_a ? a_i[p + int64_t{i} * g.lda] : a_i[i + int64_t{p} * g.lda];
            sum += double{a_ip} * b_i[p + int64_t{j} * g.ldb];
          }
          c_i[i + int64_t{j} * g.ldc] = static_cast<float>(sum);
        }
      }
    }
  }

  void BiasRelu(float* out, const float* bias, int n, int channels, int64_t pixels, bool relu) {
    const int64_t count = n * channels * pixels;
    Check(out, count, "bias output");
    Check(bias, channels, "bias");
    for (int64_t i = 0; i < count; ++i) out[i] = BiasReluAt(out[i], bias, channels, pixels, i, relu);
  }

  void Pool(const float* in, const PoolShape& s, float* out) {
    const Buffer& from = Check(in, s.InputFloats(), "pool input");
    const Buffer& to = Check(out, s.OutputFloats(), "pool output");
    Distinct(from, to, "pool");
    for (int64_t i = 0; i < s.OutputFloats(); ++i) out[i] = PoolAt(in, s, i);
  }

  void Relu(const float* in, float* out, int64_t count) {
    Check(in, count, "relu input");
    Check(out, count, "relu output");
    for (int64_t i = 0; i < count; ++i) out[i] = fmaxf(in[i], 0.0f);
  }

 private:
  // The buffer [p, p + count) lies in; throws if none holds all of it.
  const Buffer& Check(const float* p, int64_t count, const std::string& what) const {
    for (const Buffer& buffer : buffers_) {
      if (p >= buffer.begin && p < buffer.end) {
        if (count > buffer.end - p) {
          throw Error(what + ": " + std::to_string(count) + " floats from offset " +
                      std::to_string(p - buffer.begin) + " overrun buffer '" + buffer.name + "' of " +
                      std::to_string(buffer.end - buffer.begin) + " floats");
        }
        return buffer;
      }
    }
    throw Error(what + ": the pointer is in none of the device buffers");
  }

  // A column-major rows x cols matrix with leading dimension ld, `batch` of
  // them `stride` apart, as cuBLAS reads it; cuBLAS refuses ld < max(1, rows).
  const Buffer& CheckMatrix(const float* p, int rows, int cols, int ld, int64_t stride, int batch,
                            const std::string& what) const {
    if (ld < std::max(1, rows)) {
      throw Error("GEMM " + what + ": leading dimension " + std::to_string(ld) + " < rows " + std::to_string(rows) +
                  " (cuBLAS returns CUBLAS_STATUS_INVALID_VALUE)");
    }
    const int64_t extent = rows == 0 || cols == 0 ? 1 : int64_t{cols - 1} * ld + rows;
    return Check(p, (batch - 1) * stride + extent, "GEMM " + what);
  }

  static void Distinct(const Buffer& a, const Buffer& b, const std::string& what) {
    if (&a == &b) throw Error(what + ": input and output share buffer '" + a.name + "'");
  }

  std::vector<Buffer> buffers_;
};

}  // namespace

HostSteps::HostSteps(const std::vector<TensorView>& tensors, const DeviceNetSizes& sizes)
    : sizes_((ValidateSizes(sizes), sizes)),
      input_(sizes.InputBufferFloats()),
      ping_(sizes.ActivationBufferFloats()),
      pong_(sizes.ActivationBufferFloats()),
      col_(sizes.ColBufferFloats()) {
  for (const TensorView& t : tensors) {
    weights_.emplace_back(t.weights, t.weights + int64_t{t.rows} * t.cols);
    biases_.emplace_back(t.bias, t.bias + t.rows);
    // A copy's floats stay put when weights_ or biases_ grows (the inner vectors are moved).
    views_.push_back({weights_.back().data(), biases_.back().data(), t.rows, t.cols});
  }
}

void HostSteps::Forward(const std::vector<DeviceOp>& ops, const float* images, int n, float* logits) {
  CheckBatch(sizes_, n);
  std::copy(images, images + n * sizes_.input_floats, input_.begin());
  std::vector<Buffer> buffers = {{"input", input_.data(), input_.data() + input_.size()},
                                 {"ping", ping_.data(), ping_.data() + ping_.size()},
                                 {"pong", pong_.data(), pong_.data() + pong_.size()},
                                 {"im2col", col_.data(), col_.data() + col_.size()}};
  for (size_t i = 0; i < weights_.size(); ++i) {
    buffers.push_back({"weights " + std::to_string(i), weights_[i].data(), weights_[i].data() + weights_[i].size()});
    buffers.push_back({"bias " + std::to_string(i), biases_[i].data(), biases_[i].data() + biases_[i].size()});
  }
  CheckedHostBackend backend(std::move(buffers));
  const StepBuffers step_buffers{input_.data(), ping_.data(), pong_.data(), col_.data()};
  const float* result = EnqueueSteps(ops, n, step_buffers, views_, sizes_.input_floats, sizes_.classes, backend);
  std::copy(result, result + n * sizes_.classes, logits);
}

}  // namespace rcdnn::gpu
