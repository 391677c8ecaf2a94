// Images as the readers return them: uint8 pixels in NCHW order with their
// labels, before any preprocessing, plus the checksums of the files they came
// from. Splitting and subsetting work on this form (cheap: one byte a pixel);
// only the final sets are converted to floats (preprocess.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rcdnn::data {

// One file a reader consumed: a canonical name (independent of where the file
// was found or whether it was gzipped) and the SHA-256 of its content.
struct SourceFile {
  std::string name;
  std::string sha256;
};

struct RawImages {
  int channels = 0, height = 0, width = 0;
  std::vector<uint8_t> pixels;  // N*C*H*W, NCHW row-major.
  std::vector<uint8_t> labels;  // N class indices, 0..9.
  std::vector<SourceFile> sources;

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  int64_t image_bytes() const { return int64_t{channels} * height * width; }
};

// The images at `indices`, in that order (sources are copied). Throws
// rcdnn::Error on an index out of range.
RawImages Select(const RawImages& images, const std::vector<int64_t>& indices);

// Appends `more` to `images`; the shapes must match (throws rcdnn::Error
// otherwise). An empty `images` with shape 0x0x0 takes the shape of `more`.
void Append(RawImages& images, const RawImages& more);

// SHA-256 over "<name> <sha256>\n" for each source, in the given order: the
// data set's content checksum.
std::string CombinedChecksum(const std::vector<SourceFile>& sources);

}  // namespace rcdnn::data
