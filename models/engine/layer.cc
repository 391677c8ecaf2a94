#include "models/engine/layer.h"

#include <string>

#include "common/error.h"
#include "models/engine/conv_layer.h"
#include "models/engine/fc_layer.h"
#include "models/engine/pool_layer.h"
#include "models/engine/relu_layer.h"

namespace rcdnn::models {

std::unique_ptr<Layer> MakeLayer(const LayerSpec& spec, bool fused_relu) {
  if (fused_relu && !spec.HasWeights()) {
    throw Error(std::string("layer '") + spec.name + "': a ReLU can only be fused into a conv or fc layer, not " +
                LayerKindName(spec.kind));
  }
  switch (spec.kind) {
    case LayerKind::kConv:
      return std::make_unique<ConvLayer>(spec, fused_relu);
    case LayerKind::kFc:
      return std::make_unique<FcLayer>(fused_relu);
    case LayerKind::kMaxPool:
    case LayerKind::kAvgPool:
      return std::make_unique<PoolLayer>(spec);
    case LayerKind::kRelu:
      return std::make_unique<ReluLayer>();
  }
  return nullptr;
}

}  // namespace rcdnn::models
