#include "models/train/sgd_solver.h"

#include "common/error.h"

namespace rcdnn::models {
namespace {

// Rows and columns of the weight block a sub-network uses in spec layer `layer`.
struct Block {
  int rows = 0, cols = 0;
};

Block BlockOf(const LayerShape& shape) {
  if (shape.out_channels == 0) return {};
  return {shape.out_channels, static_cast<int>(shape.weight_count / shape.out_channels)};
}

// w -= v with v = m v + rate (g + decay w), on rows [0, rows) x cols [col_begin, col_end).
void UpdateBlock(float momentum, float rate, float decay, int rows, int col_begin, int col_end, const RowMatrix& grad,
                 RowMatrix* history, RowMatrix* weights) {
  if (col_end <= col_begin || rows <= 0) return;
  const int cols = col_end - col_begin;
  auto w = weights->block(0, col_begin, rows, cols);
  auto v = history->block(0, col_begin, rows, cols);
  const auto g = grad.block(0, col_begin, rows, cols);
  v = momentum * v + rate * (g + decay * w);
  w -= v;
}

void UpdateBias(float momentum, float rate, float decay, int begin, int end, const Eigen::VectorXf& grad,
                Eigen::VectorXf* history, Eigen::VectorXf* bias) {
  if (end <= begin) return;
  auto b = bias->segment(begin, end - begin);
  auto v = history->segment(begin, end - begin);
  v = momentum * v + rate * (grad.segment(begin, end - begin) + decay * b);
  b -= v;
}

}  // namespace

SgdSolver::SgdSolver(const NetSpec& spec, const SolverConfig& config, int num_heads)
    : spec_(spec), config_(config), history_(ZerosLike(spec, num_heads)) {}

void SgdSolver::Update(int64_t iter, const NetParams& grads, const TrainableRegion& region, NetParams* params) {
  if (region.head < 0 || region.head >= static_cast<int>(params->heads.size())) {
    throw Error("trainable region names head " + std::to_string(region.head) + " of a model with " +
                std::to_string(params->heads.size()) + " heads");
  }
  const auto active = InferShapes(spec_, region.active);
  const bool has_frozen = !region.frozen.empty();
  const auto frozen = has_frozen ? InferShapes(spec_, region.frozen) : std::vector<LayerShape>{};
  const float momentum = static_cast<float>(config_.momentum);
  const double lr = config_.LearningRate(iter);
  const std::vector<int> sliced = spec_.SlicedLayerIndices();
  auto update_layer = [&](int layer, const LayerParams& grad, LayerParams* history, LayerParams* target,
                          bool layer_has_frozen) {
    const LayerMultipliers m = config_.MultipliersFor(spec_.layers[layer].name);
    const float w_rate = static_cast<float>(lr * m.weight_lr_mult);
    const float w_decay = static_cast<float>(config_.weight_decay * m.weight_decay_mult);
    const float b_rate = static_cast<float>(lr * m.bias_lr_mult);
    const float b_decay = static_cast<float>(config_.weight_decay * m.bias_decay_mult);
    const Block a = BlockOf(active[layer]);
    const Block f = layer_has_frozen ? BlockOf(frozen[layer]) : Block{};
    // Frozen rows keep their first f.cols columns; their remaining columns
    // (weights from new input channels) and every new row train.
    UpdateBlock(momentum, w_rate, w_decay, f.rows, f.cols, a.cols, grad.weights, &history->weights, &target->weights);
    if (a.rows > f.rows) {
      const int rows = a.rows - f.rows;
      auto w = target->weights.block(f.rows, 0, rows, a.cols);
      auto v = history->weights.block(f.rows, 0, rows, a.cols);
      v = momentum * v + w_rate * (grad.weights.block(f.rows, 0, rows, a.cols) + w_decay * w);
      w -= v;
    }
    UpdateBias(momentum, b_rate, b_decay, f.rows, a.rows, grad.bias, &history->bias, &target->bias);
  };
  for (size_t j = 0; j < sliced.size(); ++j) {
    update_layer(sliced[j], grads.sliced[j], &history_.sliced[j], &params->sliced[j], has_frozen);
  }
  update_layer(spec_.ClassifierIndex(), grads.heads[region.head], &history_.heads[region.head],
               &params->heads[region.head], false);
}

}  // namespace rcdnn::models
