// A channel-sliced CNN: forward and backward passes of any sub-network
// (Widths) of a NetSpec, on full-width parameters that it slices by view.
//
//   NetSpec spec = LoadNetSpec("models/spec/lenet.net");
//   EngineOptions options;
//   options.threads = 2;
//   Network net(spec, options);
//   NetParams params = ZerosLike(spec, /*num_heads=*/4);
//   InitParams(spec, /*seed=*/1, &params);
//   NetParams grads = ZerosLike(spec, 4);
//   Workspace workspace;
//   double loss = net.ForwardBackward(params, images, labels, 64, UniformWidths(spec, 0.5), /*head=*/1,
//                                     &workspace, &grads);
//
// Threads and determinism: a batch of n images is split into
// min(threads, n) contiguous chunks by image index; each chunk runs forward
// and backward on one thread with its own scratch and gradient copy, and the
// copies are summed in chunk order (element by element, so the summation
// order is fixed). Results are therefore bit-identical for the same inputs,
// parameters, widths and thread count, whichever threads execute the chunks.
// Across thread counts they differ by float rounding only (the split changes
// the GEMM shapes of the fc layers and the gradient summation order).
// Eigen runs single-threaded inside each chunk. A forward of ONE image
// instead splits its big stride-1 convolutions by output rows over the
// threads (conv_layer.h), in whole GEMM panels, so its bits are those of a
// single thread.
//
// Thread-safety: const methods may be called concurrently with different
// Workspaces; concurrent calls share the pool, and a call that finds it busy
// runs its chunks on its own thread (same results).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/engine/layer.h"
#include "models/engine/params.h"
#include "models/engine/thread_pool.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {

struct EngineOptions {
  int threads = 1;  // images of a batch are split across this many threads
};

// Scratch memory of one caller: activations, max-pool masks, im2col buffers
// and per-thread gradient copies, sized on first use for the largest batch
// seen (at full width, so any widths fit) and reused with no allocation
// afterwards. Not shareable between concurrent calls.
class Workspace {
 public:
  Workspace();
  ~Workspace();
  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;

 private:
  friend class Network;
  struct Chunk;
  std::vector<std::unique_ptr<Chunk>> chunks_;
  int64_t chunk_capacity_ = 0;   // images each chunk's buffers hold
  uint64_t network_id_ = 0;      // the Network the buffers and caches belong to
  // Validated widths and their InferShapes, for the last few widths used
  // (a runtime scheme cycles through a handful), so that switching widths
  // does not allocate either.
  struct ShapeEntry {
    Widths widths;
    std::vector<LayerShape> shapes;
  };
  static constexpr size_t kShapeCacheSize = 8;
  std::vector<ShapeEntry> shape_cache_;
  size_t next_evicted_ = 0;
  const std::vector<LayerShape>* shapes_ = nullptr;  // the current call's
};

class Network {
 public:
  // Throws rcdnn::Error naming the layer when the spec cannot run (e.g. a
  // pool with pad >= kernel, a kernel larger than its input).
  explicit Network(NetSpec spec, EngineOptions options = {});
  ~Network();

  const NetSpec& spec() const { return spec_; }
  const EngineOptions& options() const { return options_; }

  // logits (n x classes) of sub-network `widths` with classifier `head`, for
  // n images of spec().input_channels x height x width floats each.
  void Forward(const NetParams& params, const float* images, int n, const Widths& widths, int head,
               Workspace* workspace, Eigen::Ref<RowMatrix> logits) const;

  // Mean softmax cross-entropy of the batch; writes its gradient (of the MEAN
  // loss) into the ACTIVE blocks of grads->sliced and grads->heads[head]
  // (assigned, not accumulated). Everything else in *grads is left untouched,
  // so a caller that zeroes grads once sees zeros outside the active blocks.
  // grads must be shaped like params. labels are in [0, classes).
  double ForwardBackward(const NetParams& params, const float* images, const uint8_t* labels, int n,
                         const Widths& widths, int head, Workspace* workspace, NetParams* grads) const;

 private:
  struct Step {
    int layer = 0;          // index into spec_.layers (a fused ReLU is the next one)
    int param_index = -1;   // index into NetParams::sliced, kHead for the classifier, -1 none
    bool in_place = false;  // ReLU writing over its input
    std::unique_ptr<Layer> impl;
  };
  static constexpr int kHead = -2;

  void Prepare(const NetParams& params, const Widths& widths, int head, int n, Workspace* workspace) const;
  void CheckParams(const NetParams& params, const char* what) const;
  const LayerParams* ParamsOf(const Step& step, const NetParams& params, int head) const;
  LayerParams* ParamsOf(const Step& step, NetParams* params, int head) const;
  int NumChunks(int n) const { return n < options_.threads ? n : options_.threads; }
  // Runs chunk `c` of [0, n) forward (and backward when labels are given).
  void RunChunk(const NetParams& params, const float* images, const uint8_t* labels, int n, int head, int c,
                Workspace* workspace, NetParams* grads) const;
  // Rows x cols of the active weight block of spec layer `layer`.
  ParamShape ActiveBlock(int layer, const std::vector<LayerShape>& shapes) const;
  void ZeroActive(const std::vector<LayerShape>& shapes, int head, NetParams* grads) const;
  // Adds the active blocks of chunks 1.. into grads, rows [part/parts).
  void ReduceGrads(const Workspace& workspace, int chunks, int head, int part, int parts, NetParams* grads) const;

  NetSpec spec_;
  EngineOptions options_;
  uint64_t id_;
  std::vector<Step> steps_;
  std::vector<int> sliced_;          // spec_.SlicedLayerIndices()
  std::vector<ParamShape> sliced_shapes_;
  ParamShape head_shape_;
  std::vector<LayerShape> full_shapes_;
  // Per image, at full width: floats of each step's output within a chunk's
  // activation buffer (in-place steps share their input's), ints of its saved
  // mask, and the totals; the largest layer input/output; the largest scratch.
  std::vector<int64_t> output_offset_, saved_offset_;
  int64_t activation_floats_ = 0, saved_ints_ = 0, max_activation_ = 0, scratch_floats_ = 0;
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace rcdnn::models
