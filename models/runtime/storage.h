// Table 6: extra weight storage of runtime configurability, read from the
// model files themselves (ReadModelStorage: bytes of the stored tensors,
// weights and biases, float32).
//
//   ours       = the incremental model's per-increment classifier heads
//                beyond the final one;
//   Big/Little = every golden model except the full one (storing separate
//                networks per size, Park et al. / "golden models");
// both normalised to the original network: the full golden model's tensor
// bytes (or, when no full golden model is given, the incremental model's
// shared weights plus its final head, which have the same shapes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"
#include "models/train/model_file.h"

namespace rcdnn::models::runtime {

struct StoredModel {
  std::string path;
  std::string network;       // the spec's network name
  std::string method;       // metadata "method": golden, incremental, incremental_golden_init, ...
  Widths final_widths;      // width of its last increment
  int increments = 0;
  ModelStorage storage;
};

// Reads one model file (metadata and byte counts). Throws rcdnn::Error naming
// the file (missing, corrupt, no method).
StoredModel ReadStoredModel(const std::string& path);

struct StorageTable {
  std::string network;
  int64_t reference_bytes = 0;
  std::string reference;            // which model the reference is
  bool has_incremental = false;
  int64_t incremental_extra_bytes = 0;
  double incremental_overhead = 0;  // extra / reference
  int golden_models_extra = 0;      // golden models counted for Big/Little
  int64_t big_little_extra_bytes = 0;
  double big_little_overhead = 0;   // extra / reference; 0 when golden_models_extra == 0
};

// Throws rcdnn::Error when a model was trained on another network, its
// method is neither golden nor incremental*, two incremental models or two
// golden models of one width are given, or no reference can be formed.
StorageTable ComputeStorageTable(const NetSpec& spec, const std::vector<StoredModel>& models);

}  // namespace rcdnn::models::runtime
