#include "models/engine/fc_layer.h"

#include "models/engine/relu_layer.h"

namespace rcdnn::models {
namespace {
using ConstMap = Eigen::Map<const RowMatrix>;
using MutableMap = Eigen::Map<RowMatrix>;
}  // namespace

void FcLayer::Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
                      const LayerBuffers&) const {
  const int inputs = static_cast<int>(shape.InputSize()), outputs = shape.out_channels;
  const Eigen::Block<const RowMatrix> weights = params->weights.topLeftCorner(outputs, inputs);
  MutableMap result(out, n, outputs);
  result.rowwise() = params->bias.head(outputs).transpose();
  result.noalias() += ConstMap(in, n, inputs) * weights.transpose();
  if (fused_relu_) ReluInPlace(out, int64_t{n} * outputs);
}

void FcLayer::Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in, const float* out,
                       float* out_grad, float* in_grad, LayerParams* param_grads, const LayerBuffers&) const {
  const int inputs = static_cast<int>(shape.InputSize()), outputs = shape.out_channels;
  if (fused_relu_) ReluBackwardInPlace(out, out_grad, int64_t{n} * outputs);
  const ConstMap dy(out_grad, n, outputs);
  // Row by row, not dy.colwise().sum(): Eigen's vectorized reductions sum in
  // an order that depends on alignment, which would break bit-reproducibility.
  for (int i = 0; i < n; ++i) param_grads->bias.head(outputs) += dy.row(i).transpose();
  param_grads->weights.topLeftCorner(outputs, inputs).noalias() += dy.transpose() * ConstMap(in, n, inputs);
  if (in_grad != nullptr) {
    MutableMap(in_grad, n, inputs).noalias() = dy * params->weights.topLeftCorner(outputs, inputs);
  }
}

}  // namespace rcdnn::models
