#include "models/runtime/storage.h"

#include <set>

#include "common/error.h"

namespace rcdnn::models::runtime {

StoredModel ReadStoredModel(const std::string& path) {
  const Model model = LoadModel(path);
  StoredModel stored;
  stored.path = path;
  const auto method = model.metadata.find("method");
  if (method == model.metadata.end() || method->second.empty()) {
    throw Error("model file '" + path + "' has no 'method' metadata (golden or incremental)");
  }
  stored.method = method->second;
  stored.final_widths = model.schedule.back();
  stored.increments = model.NumIncrements();
  stored.storage = ReadModelStorage(path);
  stored.network = model.spec.name;
  return stored;
}

StorageTable ComputeStorageTable(const NetSpec& spec, const std::vector<StoredModel>& models) {
  StorageTable table;
  table.network = spec.name;
  const Widths full = FullWidths(spec);
  const StoredModel* incremental = nullptr;
  const StoredModel* full_golden = nullptr;
  std::set<Widths> golden_widths;
  for (const StoredModel& m : models) {
    if (m.network != spec.name) {
      throw Error("model file '" + m.path + "' is a " + m.network + " model, not " + spec.name);
    }
    if (m.method.rfind("incremental", 0) == 0) {
      if (incremental != nullptr) {
        throw Error("model file '" + m.path + "': two incremental models given (also '" + incremental->path + "')");
      }
      incremental = &m;
    } else if (m.method == "golden") {
      if (!golden_widths.insert(m.final_widths).second) {
        throw Error("model file '" + m.path + "': two golden models of width " + WidthsToString(m.final_widths));
      }
      if (m.final_widths == full) {
        full_golden = &m;
      } else {
        table.golden_models_extra++;
        table.big_little_extra_bytes += m.storage.TensorBytes();
      }
    } else {
      throw Error("model file '" + m.path + "' has method '" + m.method + "', expected golden or incremental*");
    }
  }
  if (full_golden != nullptr) {
    table.reference_bytes = full_golden->storage.TensorBytes();
    table.reference = "full golden model " + full_golden->path;
  } else if (incremental != nullptr && !incremental->storage.head_bytes.empty() && incremental->final_widths == full) {
    table.reference_bytes = incremental->storage.sliced_bytes + incremental->storage.head_bytes.back();
    table.reference = "shared weights + final head of " + incremental->path + " (no full golden model given)";
  } else {
    throw Error("Table 6: no reference network: give the full golden model (width " + WidthsToString(full) +
                ") or a full-width incremental model");
  }
  if (table.reference_bytes <= 0) throw Error("Table 6: the reference model '" + table.reference + "' holds no bytes");
  if (incremental != nullptr) {
    table.has_incremental = true;
    const auto& heads = incremental->storage.head_bytes;
    for (size_t i = 0; i + 1 < heads.size(); ++i) table.incremental_extra_bytes += heads[i];
    table.incremental_overhead =
        static_cast<double>(table.incremental_extra_bytes) / static_cast<double>(table.reference_bytes);
  }
  table.big_little_overhead =
      static_cast<double>(table.big_little_extra_bytes) / static_cast<double>(table.reference_bytes);
  return table;
}

}  // namespace rcdnn::models::runtime
