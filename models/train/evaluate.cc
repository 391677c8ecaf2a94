#include "models/train/evaluate.h"

#include <algorithm>

#include "common/error.h"
#include "models/engine/softmax_loss.h"

namespace rcdnn::models {

Predictions Evaluate(const Network& net, const NetParams& params, const data::ImageSet& images, const Widths& widths,
                     int head, int64_t limit) {
  const NetSpec& spec = net.spec();
  const int64_t count = limit < 0 ? images.size() : std::min<int64_t>(limit, images.size());
  if (count <= 0) throw Error("cannot evaluate network '" + spec.name + "' on an empty image set");
  const int image_floats = spec.input_channels * spec.input_height * spec.input_width;
  if (images.channels * images.height * images.width != image_floats) {
    throw Error("images do not fit network '" + spec.name + "' (" + std::to_string(images.channels) + "x" +
                std::to_string(images.height) + "x" + std::to_string(images.width) + ")");
  }
  const int classes = spec.NumClasses();
  constexpr int kBatch = 256;
  RowMatrix logits(kBatch, classes);
  Workspace workspace;
  Predictions out;
  out.predicted.resize(count);
  out.label.assign(images.labels.begin(), images.labels.begin() + count);
  out.margin.resize(count);
  for (int64_t begin = 0; begin < count; begin += kBatch) {
    const int n = static_cast<int>(std::min<int64_t>(kBatch, count - begin));
    auto block = logits.topRows(n);
    net.Forward(params, images.images.data() + begin * image_floats, n, widths, head, &workspace, block);
    for (int i = 0; i < n; ++i) {
      int top = 0;
      float margin = 0;
      TopTwoMargin(logits.row(i).data(), classes, &top, &margin);
      out.predicted[begin + i] = static_cast<uint8_t>(top);
      out.margin[begin + i] = margin;
      out.correct += top == out.label[begin + i] ? 1 : 0;
    }
  }
  return out;
}

}  // namespace rcdnn::models
