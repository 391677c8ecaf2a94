// Model files: one trained model (shared weights, one classifier per
// increment, the spec, the width schedule, provenance) in one versioned,
// checksummed binary file.
//
// Layout (little-endian):
//   "RCDNNMF1"                 8-byte magic
//   u32 format_version         currently 1
//   sections, each: u32 tag, u64 byte_length, bytes
//     tag 1 METADATA  "key=value\n" lines (method, provenance, ...)
//     tag 2 SPEC      the network spec text, exactly as parsed
//     tag 3 SCHEDULE  one line per increment: comma-separated widths
//     tag 4 TENSOR    u32 name_length, name, u32 rows, u32 cols, rows*cols f32
//   32-byte SHA-256 of every byte before it.
//
// Only the blocks a model can use are stored: sliced layer j keeps the
// largest width of its schedule (rows) times the largest input width (cols),
// and head i keeps its increment's input columns. So a 25% golden model is a
// quarter-size file, and Table 6's storage overhead is read off the files.
// Writes are atomic (temp file + rename); a truncated or altered file is
// refused with an error naming the file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {

struct Model {
  NetSpec spec;
  std::vector<Widths> schedule;  // one sub-network per increment (= per head)
  NetParams params;              // full-width shapes in memory; zeros outside the stored blocks
  std::map<std::string, std::string> metadata;  // method, dataset, seed, profile, code_version, ...

  int NumIncrements() const { return static_cast<int>(schedule.size()); }
};

struct ModelStorage {
  int64_t sliced_bytes = 0;  // shared weights and biases of the sliced layers
  std::vector<int64_t> head_bytes;  // per increment
  int64_t total_file_bytes = 0;
  int64_t TensorBytes() const;
};

void SaveModel(const std::string& path, const Model& model);

// Throws rcdnn::Error naming the file when it is missing, truncated, altered
// (checksum), of another format or version, or inconsistent with its spec.
Model LoadModel(const std::string& path);

// Byte counts of the tensors a model file holds, read from the file itself.
ModelStorage ReadModelStorage(const std::string& path);

}  // namespace rcdnn::models
