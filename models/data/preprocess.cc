#include "models/data/preprocess.h"

#include <string>

#include "common/error.h"

namespace rcdnn::data {
namespace {

ImageSet ShapeOf(const RawImages& images) {
  ImageSet set;
  set.channels = images.channels;
  set.height = images.height;
  set.width = images.width;
  set.labels = images.labels;
  set.images.resize(images.pixels.size());
  return set;
}

}  // namespace

ImageSet ScaleToUnit(const RawImages& images) {
  ImageSet set = ShapeOf(images);
  for (size_t i = 0; i < images.pixels.size(); ++i) set.images[i] = images.pixels[i] * kPixelScale;
  return set;
}

std::vector<float> MeanImage(const RawImages& images) {
  if (images.size() == 0) throw Error("data: cannot compute the mean image of an empty set");
  const size_t bytes = images.image_bytes();
  std::vector<double> sum(bytes, 0.0);
  for (int64_t n = 0; n < images.size(); ++n) {
    const uint8_t* pixels = images.pixels.data() + n * bytes;
    for (size_t i = 0; i < bytes; ++i) sum[i] += pixels[i];
  }
  std::vector<float> mean(bytes);
  for (size_t i = 0; i < bytes; ++i) mean[i] = static_cast<float>(sum[i] / static_cast<double>(images.size()));
  return mean;
}

ImageSet SubtractMean(const RawImages& images, const std::vector<float>& mean) {
  const size_t bytes = images.image_bytes();
  if (mean.size() != bytes) {
    throw Error("data: mean image has " + std::to_string(mean.size()) + " values, images have " +
                std::to_string(bytes) + " pixels");
  }
  ImageSet set = ShapeOf(images);
  for (int64_t n = 0; n < images.size(); ++n) {
    const uint8_t* pixels = images.pixels.data() + n * bytes;
    float* out = set.images.data() + n * bytes;
    for (size_t i = 0; i < bytes; ++i) out[i] = pixels[i] - mean[i];
  }
  return set;
}

}  // namespace rcdnn::data
