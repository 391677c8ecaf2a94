#include "models/data/raw_images.h"

#include <algorithm>

#include "common/error.h"
#include "common/sha256.h"

namespace rcdnn::data {

RawImages Select(const RawImages& images, const std::vector<int64_t>& indices) {
  RawImages out;
  out.channels = images.channels;
  out.height = images.height;
  out.width = images.width;
  out.sources = images.sources;
  const int64_t bytes = images.image_bytes();
  out.pixels.resize(indices.size() * bytes);
  out.labels.resize(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    const int64_t index = indices[i];
    if (index < 0 || index >= images.size()) {
      throw Error("data: image index " + std::to_string(index) + " is outside a set of " +
                  std::to_string(images.size()) + " images");
    }
    std::copy_n(images.pixels.begin() + index * bytes, bytes, out.pixels.begin() + i * bytes);
    out.labels[i] = images.labels[index];
  }
  return out;
}

void Append(RawImages& images, const RawImages& more) {
  if (images.channels == 0 && images.height == 0 && images.width == 0 && images.labels.empty()) {
    images.channels = more.channels;
    images.height = more.height;
    images.width = more.width;
  }
  if (images.channels != more.channels || images.height != more.height || images.width != more.width) {
    throw Error("data: cannot append " + std::to_string(more.channels) + "x" + std::to_string(more.height) +
                "x" + std::to_string(more.width) + " images to " + std::to_string(images.channels) + "x" +
                std::to_string(images.height) + "x" + std::to_string(images.width) + " images");
  }
  images.pixels.insert(images.pixels.end(), more.pixels.begin(), more.pixels.end());
  images.labels.insert(images.labels.end(), more.labels.begin(), more.labels.end());
  images.sources.insert(images.sources.end(), more.sources.begin(), more.sources.end());
}

std::string CombinedChecksum(const std::vector<SourceFile>& sources) {
  Sha256 hasher;
  for (const SourceFile& source : sources) hasher.Update(source.name + " " + source.sha256 + "\n");
  return hasher.HexDigest();
}

}  // namespace rcdnn::data
