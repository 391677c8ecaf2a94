#include "models/engine/network.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <utility>

#include "common/error.h"
#include "models/engine/softmax_loss.h"

namespace rcdnn::models {

struct Workspace::Chunk {
  std::vector<float> activations;  // step outputs, chunk_capacity_ images each
  std::vector<int32_t> saved;      // max-pool masks
  std::vector<float> scratch;      // im2col columns of one image
  std::vector<float> grad[2];      // ping-pong activation gradients
  NetParams grads;                 // gradient copy of chunks >= 1 (one head)
  // A forward of one image (chunk 0 only): the scratch of each further
  // thread that a layer splits the image over, and pointers to all of them.
  std::vector<std::vector<float>> part_scratch;
  std::vector<float*> part_scratch_pointers;
  double loss = 0.0;               // summed over the chunk's images
};

Workspace::Workspace() = default;
Workspace::~Workspace() = default;
Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;

namespace {

std::atomic<uint64_t> next_network_id{1};

// Images [ChunkBegin(c), ChunkBegin(c + 1)) of a batch of n split into `chunks`.
int ChunkBegin(int c, int n, int chunks) { return static_cast<int>(int64_t{c} * n / chunks); }

}  // namespace

Network::Network(NetSpec spec, EngineOptions options)
    : spec_(std::move(spec)), options_(options), id_(next_network_id++) {
  if (spec_.layers.empty() || spec_.layers.back().kind != LayerKind::kFc) {
    throw Error(spec_.name + ": the last layer must be an fc classifier");
  }
  for (const LayerSpec& layer : spec_.layers) {
    const bool pool = layer.kind == LayerKind::kMaxPool || layer.kind == LayerKind::kAvgPool;
    if (pool && layer.pad >= layer.kernel) {
      throw Error(spec_.name + ": pool layer '" + layer.name + "' has pad " + std::to_string(layer.pad) +
                  " >= kernel " + std::to_string(layer.kernel) + " (Caffe requires pad < kernel)");
    }
  }
  full_shapes_ = InferShapes(spec_, FullWidths(spec_));  // throws naming a layer that cannot be mapped
  sliced_ = spec_.SlicedLayerIndices();
  sliced_shapes_ = SlicedParamShapes(spec_);
  head_shape_ = HeadParamShape(spec_);

  const int classifier = spec_.ClassifierIndex();
  for (int i = 0; i < static_cast<int>(spec_.layers.size()); ++i) {
    const LayerSpec& layer = spec_.layers[i];
    const bool fuse = i + 1 < static_cast<int>(spec_.layers.size()) && layer.HasWeights() && i != classifier &&
                      spec_.layers[i + 1].kind == LayerKind::kRelu;
    Step step;
    step.layer = i;
    step.in_place = layer.kind == LayerKind::kRelu && !steps_.empty();
    if (i == classifier) {
      step.param_index = kHead;
    } else if (layer.HasWeights()) {
      step.param_index = static_cast<int>(std::find(sliced_.begin(), sliced_.end(), i) - sliced_.begin());
    }
    step.impl = MakeLayer(layer, fuse);
    const LayerShape& shape = full_shapes_[i];
    output_offset_.push_back(step.in_place ? output_offset_.back() : activation_floats_);
    if (!step.in_place) activation_floats_ += shape.OutputSize();
    saved_offset_.push_back(saved_ints_);
    saved_ints_ += step.impl->SavedIntsPerImage(shape);
    scratch_floats_ = std::max(scratch_floats_, step.impl->ScratchFloats(shape));
    max_activation_ = std::max({max_activation_, shape.InputSize(), shape.OutputSize()});
    steps_.push_back(std::move(step));
    if (fuse) ++i;
  }
  pool_ = std::make_unique<ThreadPool>(options_.threads);  // validates the thread count
}

Network::~Network() = default;

void Network::CheckParams(const NetParams& params, const char* what) const {
  bool ok = params.sliced.size() == sliced_shapes_.size() && !params.heads.empty();
  for (size_t j = 0; ok && j < sliced_shapes_.size(); ++j) {
    const LayerParams& layer = params.sliced[j];
    ok = layer.weights.rows() == sliced_shapes_[j].rows && layer.weights.cols() == sliced_shapes_[j].cols &&
         layer.bias.size() == sliced_shapes_[j].rows;
  }
  for (size_t h = 0; ok && h < params.heads.size(); ++h) {
    const LayerParams& layer = params.heads[h];
    ok = layer.weights.rows() == head_shape_.rows && layer.weights.cols() == head_shape_.cols &&
         layer.bias.size() == head_shape_.rows;
  }
  if (!ok) ValidateParams(spec_, params, what);  // throws the message naming the layer
}

ParamShape Network::ActiveBlock(int layer, const std::vector<LayerShape>& shapes) const {
  const LayerSpec& spec = spec_.layers[layer];
  const LayerShape& shape = shapes[layer];
  ParamShape block;
  block.rows = shape.out_channels;
  block.cols = spec.kind == LayerKind::kConv ? shape.in_channels * spec.kernel * spec.kernel
                                             : static_cast<int>(shape.InputSize());
  return block;
}

const LayerParams* Network::ParamsOf(const Step& step, const NetParams& params, int head) const {
  if (step.param_index == kHead) return &params.heads[head];
  return step.param_index >= 0 ? &params.sliced[step.param_index] : nullptr;
}

LayerParams* Network::ParamsOf(const Step& step, NetParams* params, int head) const {
  if (step.param_index == kHead) return &params->heads[head];
  return step.param_index >= 0 ? &params->sliced[step.param_index] : nullptr;
}

void Network::Prepare(const NetParams& params, const Widths& widths, int head, int n, Workspace* ws) const {
  if (ws == nullptr) throw Error(spec_.name + ": workspace is null");
  if (n < 0) throw Error(spec_.name + ": batch size " + std::to_string(n) + " is negative");
  CheckParams(params, "params");
  if (head < 0 || head >= static_cast<int>(params.heads.size())) {
    throw Error(spec_.name + ": head " + std::to_string(head) + " of classifier '" +
                spec_.layers[spec_.ClassifierIndex()].name + "' is out of range: params have " +
                std::to_string(params.heads.size()) + " heads");
  }
  if (ws->network_id_ != id_) {  // buffers and shapes belong to another network
    ws->chunks_.clear();
    ws->chunk_capacity_ = 0;
    ws->shape_cache_.clear();
    ws->next_evicted_ = 0;
    ws->network_id_ = id_;
  }
  ws->shapes_ = nullptr;
  for (const Workspace::ShapeEntry& entry : ws->shape_cache_) {
    if (entry.widths == widths) ws->shapes_ = &entry.shapes;
  }
  if (ws->shapes_ == nullptr) {
    std::vector<LayerShape> shapes = InferShapes(spec_, widths);  // validates widths, naming the layer
    Workspace::ShapeEntry* entry;
    if (ws->shape_cache_.size() < Workspace::kShapeCacheSize) {
      ws->shape_cache_.reserve(Workspace::kShapeCacheSize);  // entries never move
      entry = &ws->shape_cache_.emplace_back();
    } else {
      entry = &ws->shape_cache_[ws->next_evicted_];
      ws->next_evicted_ = (ws->next_evicted_ + 1) % Workspace::kShapeCacheSize;
    }
    entry->widths = widths;
    entry->shapes = std::move(shapes);
    ws->shapes_ = &entry->shapes;
  }
  const int chunks = NumChunks(n);
  const int64_t capacity = chunks == 0 ? 0 : (n + chunks - 1) / chunks;
  if (static_cast<int>(ws->chunks_.size()) < chunks || ws->chunk_capacity_ < capacity) {
    const int64_t new_capacity = std::max(capacity, ws->chunk_capacity_);
    const size_t new_chunks = std::max(ws->chunks_.size(), static_cast<size_t>(chunks));
    while (ws->chunks_.size() < new_chunks) ws->chunks_.push_back(std::make_unique<Workspace::Chunk>());
    for (std::unique_ptr<Workspace::Chunk>& chunk : ws->chunks_) {
      chunk->activations.assign(new_capacity * activation_floats_, 0.0f);
      chunk->saved.assign(new_capacity * saved_ints_, 0);
      chunk->scratch.assign(scratch_floats_, 0.0f);
      for (std::vector<float>& grad : chunk->grad) grad.assign(new_capacity * max_activation_, 0.0f);
    }
    ws->chunk_capacity_ = new_capacity;
  }
  if (n == 1 && options_.threads > 1) {  // one image's layers may split over the threads
    Workspace::Chunk& chunk = *ws->chunks_[0];
    if (static_cast<int>(chunk.part_scratch.size()) != options_.threads - 1 || chunk.part_scratch_pointers.empty() ||
        chunk.part_scratch_pointers.front() != chunk.scratch.data()) {
      chunk.part_scratch.assign(options_.threads - 1, std::vector<float>(scratch_floats_, 0.0f));
      chunk.part_scratch_pointers = {chunk.scratch.data()};
      for (std::vector<float>& scratch : chunk.part_scratch) chunk.part_scratch_pointers.push_back(scratch.data());
    }
  }
}

void Network::ZeroActive(const std::vector<LayerShape>& shapes, int head, NetParams* grads) const {
  for (size_t j = 0; j < sliced_.size(); ++j) {
    const ParamShape block = ActiveBlock(sliced_[j], shapes);
    grads->sliced[j].weights.topLeftCorner(block.rows, block.cols).setZero();
    grads->sliced[j].bias.head(block.rows).setZero();
  }
  const ParamShape block = ActiveBlock(spec_.ClassifierIndex(), shapes);
  grads->heads[head].weights.topLeftCorner(block.rows, block.cols).setZero();
  grads->heads[head].bias.setZero();
}

void Network::RunChunk(const NetParams& params, const float* images, const uint8_t* labels, int n, int head,
                       int c, Workspace* ws, NetParams* grads) const {
  const int chunks = NumChunks(n);
  const int begin = ChunkBegin(c, n, chunks), count = ChunkBegin(c + 1, n, chunks) - begin;
  Workspace::Chunk& chunk = *ws->chunks_[c];
  const std::vector<LayerShape>& shapes = *ws->shapes_;
  const int64_t capacity = ws->chunk_capacity_;
  const bool train = labels != nullptr;
  const float* input = images + int64_t{begin} * full_shapes_[0].InputSize();

  LayerBuffers buffers;
  buffers.scratch = chunk.scratch.data();
  if (n == 1 && !train && options_.threads > 1) {
    buffers.pool = pool_.get();
    buffers.part_scratch = chunk.part_scratch_pointers.data();
  }
  auto output_of = [&](size_t s) { return chunk.activations.data() + capacity * output_offset_[s]; };
  for (size_t s = 0; s < steps_.size(); ++s) {
    const Step& step = steps_[s];
    buffers.saved = train ? chunk.saved.data() + capacity * saved_offset_[s] : nullptr;
    step.impl->Forward(ParamsOf(step, params, head), shapes[step.layer], count, s == 0 ? input : output_of(s - 1),
                       output_of(s), buffers);
  }
  if (!train) return;

  // Chunk 0 accumulates straight into the caller's grads; the others into their copy (head slot 0).
  NetParams* target = c == 0 ? grads : &chunk.grads;
  const int target_head = c == 0 ? head : 0;
  ZeroActive(shapes, target_head, target);
  float* out_grad = chunk.grad[0].data();
  float* other = chunk.grad[1].data();
  chunk.loss = SoftmaxCrossEntropy(output_of(steps_.size() - 1), labels + begin, count, spec_.NumClasses(),
                                   1.0f / static_cast<float>(n), out_grad);
  for (size_t s = steps_.size(); s-- > 0;) {
    const Step& step = steps_[s];
    buffers.saved = chunk.saved.data() + capacity * saved_offset_[s];
    float* in_grad = s == 0 ? nullptr : step.in_place ? out_grad : other;
    step.impl->Backward(ParamsOf(step, params, head), shapes[step.layer], count, s == 0 ? input : output_of(s - 1),
                        output_of(s), out_grad, in_grad, ParamsOf(step, target, target_head), buffers);
    if (in_grad != nullptr && in_grad != out_grad) std::swap(out_grad, other);
  }
}

void Network::ReduceGrads(const Workspace& ws, int chunks, int head, int part, int parts, NetParams* grads) const {
  auto reduce = [&](const ParamShape& block, LayerParams* dst, auto source_of) {
    const int row_begin = static_cast<int>(int64_t{part} * block.rows / parts);
    const int row_end = static_cast<int>(int64_t{part + 1} * block.rows / parts);
    for (int c = 1; c < chunks; ++c) {
      const LayerParams& src = source_of(*ws.chunks_[c]);
      const int rows = row_end - row_begin;
      dst->weights.block(row_begin, 0, rows, block.cols) += src.weights.block(row_begin, 0, rows, block.cols);
      dst->bias.segment(row_begin, rows) += src.bias.segment(row_begin, rows);
    }
  };
  for (size_t j = 0; j < sliced_.size(); ++j) {
    reduce(ActiveBlock(sliced_[j], *ws.shapes_), &grads->sliced[j],
           [j](const Workspace::Chunk& chunk) -> const LayerParams& { return chunk.grads.sliced[j]; });
  }
  reduce(ActiveBlock(spec_.ClassifierIndex(), *ws.shapes_), &grads->heads[head],
         [](const Workspace::Chunk& chunk) -> const LayerParams& { return chunk.grads.heads[0]; });
}

void Network::Forward(const NetParams& params, const float* images, int n, const Widths& widths, int head,
                      Workspace* workspace, Eigen::Ref<RowMatrix> logits) const {
  Prepare(params, widths, head, n, workspace);
  const int classes = spec_.NumClasses();
  if (logits.rows() != n || logits.cols() != classes) {
    throw Error(spec_.name + ": logits are " + std::to_string(logits.rows()) + "x" + std::to_string(logits.cols()) +
                ", expected " + std::to_string(n) + "x" + std::to_string(classes) + " (images x classes)");
  }
  const int chunks = NumChunks(n);
  auto task = [&](int c) {
    RunChunk(params, images, nullptr, n, head, c, workspace, nullptr);
    const int begin = ChunkBegin(c, n, chunks), count = ChunkBegin(c + 1, n, chunks) - begin;
    const Workspace::Chunk& chunk = *workspace->chunks_[c];
    const float* result = chunk.activations.data() + workspace->chunk_capacity_ * output_offset_.back();
    logits.middleRows(begin, count) = Eigen::Map<const RowMatrix>(result, count, classes);
  };
  pool_->Run(chunks, task);
}

double Network::ForwardBackward(const NetParams& params, const float* images, const uint8_t* labels, int n,
                                const Widths& widths, int head, Workspace* workspace, NetParams* grads) const {
  if (n < 1) throw Error(spec_.name + ": ForwardBackward needs at least one image, got " + std::to_string(n));
  if (grads == nullptr) throw Error(spec_.name + ": grads is null");
  Prepare(params, widths, head, n, workspace);
  CheckParams(*grads, "grads");
  if (grads->heads.size() != params.heads.size()) {
    throw Error(spec_.name + ": grads have " + std::to_string(grads->heads.size()) + " heads for classifier '" +
                spec_.layers[spec_.ClassifierIndex()].name + "', params have " + std::to_string(params.heads.size()));
  }
  const int classes = spec_.NumClasses();
  for (int i = 0; i < n; ++i) {
    if (labels[i] >= classes) {
      throw Error(spec_.name + ": label " + std::to_string(labels[i]) + " of image " + std::to_string(i) +
                  " is outside [0, " + std::to_string(classes) + ")");
    }
  }
  const int chunks = NumChunks(n);
  for (int c = 1; c < chunks; ++c) {
    NetParams& copy = workspace->chunks_[c]->grads;
    if (copy.sliced.empty()) copy = ZerosLike(spec_, 1);
  }
  auto task = [&](int c) { RunChunk(params, images, labels, n, head, c, workspace, grads); };
  pool_->Run(chunks, task);
  if (chunks > 1) {
    auto reduce = [&](int part) { ReduceGrads(*workspace, chunks, head, part, chunks, grads); };
    pool_->Run(chunks, reduce);
  }
  double loss = 0.0;
  for (int c = 0; c < chunks; ++c) loss += workspace->chunks_[c]->loss;
  return loss / n;
}

}  // namespace rcdnn::models
