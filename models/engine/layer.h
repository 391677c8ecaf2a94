// The layer contract (Caffe's forward/backward, without its central schema):
// a layer is built from its LayerSpec and runs on a chunk of `n` images at the
// active shape it is given (InferShapes at the call's widths), so a width-w
// run does only width-w work. Activations are image-major, each image a
// compact (channel, y, x) array of shape.InputSize() / OutputSize() floats at
// the ACTIVE channel count. Parameters are the full-width LayerParams; a layer
// reads and writes only their active top-left block (params.h).
#pragma once

#include <cstdint>
#include <memory>

#include "models/engine/params.h"
#include "models/engine/thread_pool.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {

// Memory a layer borrows for one call.
struct LayerBuffers {
  // ScratchFloats(shape) floats; contents undefined on entry and exit.
  float* scratch = nullptr;
  // n * SavedIntsPerImage(shape) ints that Forward writes and Backward reads
  // (max-pool argmax). Null in forward-only runs: Forward then saves nothing.
  int32_t* saved = nullptr;
  // Forward of a single image only: the engine's threads, and one scratch area
  // (ScratchFloats) per thread (part_scratch[0] is `scratch`), for layers that
  // split one image's work over them. Null otherwise: the layer runs alone.
  ThreadPool* pool = nullptr;
  float* const* part_scratch = nullptr;
};

class Layer {
 public:
  virtual ~Layer() = default;

  // Memory needs at a shape. Neither may decrease as the active widths grow:
  // the network sizes buffers once, at full width.
  virtual int64_t ScratchFloats(const LayerShape& /*shape*/) const { return 0; }
  virtual int64_t SavedIntsPerImage(const LayerShape& /*shape*/) const { return 0; }

  // out = layer(in) for n images. `params` is null for layers without weights.
  virtual void Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
                       const LayerBuffers& buffers) const = 0;

  // Given out_grad = dLoss/dout (which the layer may overwrite), writes
  // in_grad = dLoss/din (not accumulated; skipped when in_grad is null) and
  // ADDS dLoss/dparams to the active block of *param_grads (null for layers
  // without weights). `in` and `out` are what Forward read and wrote. in_grad
  // may equal out_grad only for ReLU (in place).
  virtual void Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in, const float* out,
                        float* out_grad, float* in_grad, LayerParams* param_grads,
                        const LayerBuffers& buffers) const = 0;
};

// One switch over LayerSpec::kind. `fused_relu` (conv and fc only) applies a
// ReLU to the output in the same pass (the network fuses a ReLU layer that
// directly follows a conv or fc layer).
std::unique_ptr<Layer> MakeLayer(const LayerSpec& spec, bool fused_relu);

}  // namespace rcdnn::models
