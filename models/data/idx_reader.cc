#include "models/data/idx_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/error.h"
#include "common/sha256.h"

namespace rcdnn::data {
namespace {

constexpr uint32_t kImagesMagic = 2051;
constexpr uint32_t kLabelsMagic = 2049;
// Far above MNIST's 47 MB; guards against reading a huge or endless stream.
constexpr uint64_t kMaxIdxBytes = uint64_t{1} << 30;
constexpr uint32_t kMaxSide = 1 << 16;

// The whole (decompressed) content of `path`.
std::string ReadMaybeGzipped(const std::string& path) {
  unsigned char magic[2] = {0, 0};
  size_t magic_bytes = 0;
  {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) throw Error("cannot open idx file '" + path + "': " + std::strerror(errno));
    magic_bytes = std::fread(magic, 1, 2, file.get());
  }
  const bool gzipped = magic_bytes == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  std::string content;
  if (!gzipped) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) throw Error("cannot open idx file '" + path + "': " + std::strerror(errno));
    char buffer[1 << 16];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
      content.append(buffer, n);
      if (content.size() > kMaxIdxBytes) throw Error("idx file '" + path + "' is larger than 1 GiB; not an MNIST-style file");
    }
    if (std::ferror(file.get())) throw Error("read error in idx file '" + path + "'");
    return content;
  }
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw Error("cannot open gzipped idx file '" + path + "'");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(file, &gzclose);
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n <= 0) break;  // End of stream, or an error that gzerror reports below.
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > kMaxIdxBytes) {
      throw Error("gzipped idx file '" + path + "' decompresses to more than 1 GiB; not an MNIST-style file");
    }
  }
  int errnum = Z_OK;
  const char* message = gzerror(file, &errnum);
  if (errnum != Z_OK) {
    throw Error("gzipped idx file '" + path + "' is truncated or corrupt (zlib: " + message +
                "); fetch it again");
  }
  return content;
}

uint32_t BigEndian32(const std::string& bytes, size_t offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + offset;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void CheckMagic(const std::string& path, uint32_t magic, uint32_t expected, const char* what) {
  if (magic == expected) return;
  std::string hint;
  if (magic == kImagesMagic) hint = " (this is an image file)";
  if (magic == kLabelsMagic) hint = " (this is a label file)";
  throw Error("'" + path + "' is not an idx " + what + " file: magic number " + std::to_string(magic) +
              hint + ", expected " + std::to_string(expected));
}

void CheckPayload(const std::string& path, uint64_t header_bytes, uint64_t expected, uint64_t actual) {
  if (actual == expected) return;
  const std::string counts = "expected " + std::to_string(expected) + " bytes after the " +
                             std::to_string(header_bytes) + "-byte header, found " + std::to_string(actual);
  if (actual < expected) throw Error("idx file '" + path + "' is truncated: " + counts + "; fetch it again");
  throw Error("idx file '" + path + "' is longer than its header says: " + counts);
}

std::string WithoutGz(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  return name;
}

}  // namespace

IdxImages ReadIdxImages(const std::string& path) {
  const std::string content = ReadMaybeGzipped(path);
  constexpr size_t kHeader = 16;
  if (content.size() >= 4) CheckMagic(path, BigEndian32(content, 0), kImagesMagic, "image");
  if (content.size() < kHeader) {
    throw Error("idx image file '" + path + "' is truncated: its header needs 16 bytes, found " +
                std::to_string(content.size()));
  }
  const uint32_t count = BigEndian32(content, 4), rows = BigEndian32(content, 8), cols = BigEndian32(content, 12);
  if (count == 0 || rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide) {
    throw Error("idx image file '" + path + "' has bad dimensions " + std::to_string(count) + " x " +
                std::to_string(rows) + " x " + std::to_string(cols) + " (need 1..2^32 images of 1..65536 pixels a side)");
  }
  const uint64_t expected = uint64_t{count} * rows * cols;
  CheckPayload(path, kHeader, expected, content.size() - kHeader);
  IdxImages images;
  images.count = count;
  images.rows = static_cast<int>(rows);
  images.cols = static_cast<int>(cols);
  images.pixels.assign(content.begin() + kHeader, content.end());
  images.sha256 = Sha256Hex(content);
  return images;
}

IdxLabels ReadIdxLabels(const std::string& path) {
  const std::string content = ReadMaybeGzipped(path);
  constexpr size_t kHeader = 8;
  if (content.size() >= 4) CheckMagic(path, BigEndian32(content, 0), kLabelsMagic, "label");
  if (content.size() < kHeader) {
    throw Error("idx label file '" + path + "' is truncated: its header needs 8 bytes, found " +
                std::to_string(content.size()));
  }
  const uint32_t count = BigEndian32(content, 4);
  if (count == 0) throw Error("idx label file '" + path + "' holds no labels (count 0 in its header)");
  CheckPayload(path, kHeader, count, content.size() - kHeader);
  IdxLabels labels;
  labels.labels.assign(content.begin() + kHeader, content.end());
  for (size_t i = 0; i < labels.labels.size(); ++i) {
    if (labels.labels[i] > 9) {
      throw Error("idx label file '" + path + "' has label " + std::to_string(labels.labels[i]) + " at item " +
                  std::to_string(i) + "; labels must be 0..9");
    }
  }
  labels.sha256 = Sha256Hex(content);
  return labels;
}

RawImages ReadIdxPair(const std::string& images_path, const std::string& labels_path) {
  IdxImages images = ReadIdxImages(images_path);
  IdxLabels labels = ReadIdxLabels(labels_path);
  if (static_cast<int64_t>(labels.labels.size()) != images.count) {
    throw Error("idx files disagree: '" + images_path + "' holds " + std::to_string(images.count) +
                " images but '" + labels_path + "' holds " + std::to_string(labels.labels.size()) +
                " labels; the two files must come from the same split");
  }
  RawImages raw;
  raw.channels = 1;
  raw.height = images.rows;
  raw.width = images.cols;
  raw.pixels = std::move(images.pixels);
  raw.labels = std::move(labels.labels);
  raw.sources = {{WithoutGz(images_path), images.sha256}, {WithoutGz(labels_path), labels.sha256}};
  return raw;
}

}  // namespace rcdnn::data
