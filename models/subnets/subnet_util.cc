#include "models/subnets/subnet_util.h"

#include <algorithm>
#include <sstream>

#include "common/error.h"

namespace rcdnn::models::subnets {
void AddActiveBlocks(const NetSpec& spec, const Widths& widths, int head, const NetParams& from, NetParams* to) {
  const auto shapes = InferShapes(spec, widths);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t j = 0; j < sliced.size(); ++j) {
    const auto [rows, cols] = ActiveWeightBlock(shapes, sliced[j]);
    to->sliced[j].weights.topLeftCorner(rows, cols) += from.sliced[j].weights.topLeftCorner(rows, cols);
    to->sliced[j].bias.head(rows) += from.sliced[j].bias.head(rows);
  }
  const auto [rows, cols] = ActiveWeightBlock(shapes, spec.ClassifierIndex());
  to->heads.at(head).weights.topLeftCorner(rows, cols) += from.heads.at(head).weights.topLeftCorner(rows, cols);
  to->heads[head].bias.head(rows) += from.heads[head].bias.head(rows);
}

Widths UnionWidths(const NetSpec& spec, const std::vector<Widths>& list) {
  if (list.empty()) throw Error(spec.name + ": the list of sub-net widths is empty");
  Widths result = list[0];
  for (const Widths& widths : list) {
    ValidateWidths(spec, widths);
    for (size_t j = 0; j < result.size(); ++j) result[j] = std::max(result[j], widths[j]);
  }
  return result;
}

BatchLoader::BatchLoader(const data::ImageSet& train, int batch_size, uint64_t seed)
    : train_(train),
      batch_size_(batch_size),
      image_floats_(int64_t{train.channels} * train.height * train.width),
      order_(train.size(), batch_size, seed),
      images_(static_cast<size_t>(batch_size) * image_floats_),
      labels_(batch_size) {}

void BatchLoader::Load(int64_t iter) {
  const std::vector<int64_t>& batch = order_.Batch(iter);
  for (int b = 0; b < batch_size_; ++b) {
    std::copy_n(train_.images.data() + batch[b] * image_floats_, image_floats_,
                images_.data() + static_cast<size_t>(b) * image_floats_);
    labels_[b] = train_.labels[batch[b]];
  }
}

Model SharedModel(const NetSpec& spec, const std::vector<Widths>& family, NetParams params) {
  Model model;
  model.spec = spec;
  model.schedule = {UnionWidths(spec, family)};
  model.params = std::move(params);
  std::string list;
  for (const Widths& widths : family) list += (list.empty() ? "" : ";") + WidthsToString(widths);
  model.metadata["subnet_widths"] = list;
  return model;
}

std::vector<SubnetEntry> SubnetsOf(const Model& model) {
  std::vector<SubnetEntry> entries;
  const auto it = model.metadata.find("subnet_widths");
  if (it == model.metadata.end()) {
    for (int i = 0; i < model.NumIncrements(); ++i) entries.push_back({model.schedule[i], i});
    return entries;
  }
  const Widths stored = model.schedule.back();
  std::istringstream list(it->second);
  for (std::string item; std::getline(list, item, ';');) {
    Widths widths;
    std::istringstream numbers(item);
    for (std::string number; std::getline(numbers, number, ',');) {
      try {
        widths.push_back(std::stoi(number));
      } catch (const std::exception&) {
        throw Error("model metadata subnet_widths has a malformed entry '" + item + "'");
      }
    }
    ValidateWidths(model.spec, widths);
    for (size_t j = 0; j < widths.size(); ++j) {
      if (widths[j] > stored[j]) {
        throw Error("model metadata subnet_widths names " + item + ", wider than the stored weights " +
                    WidthsToString(stored));
      }
    }
    entries.push_back({widths, 0});
  }
  if (entries.empty()) throw Error("model metadata subnet_widths is empty");
  return entries;
}

void CheckTrainingSet(const NetSpec& spec, const data::ImageSet& train) {
  if (train.size() == 0) throw Error("training set is empty: nothing to train on");
  if (train.channels != spec.input_channels || train.height != spec.input_height || train.width != spec.input_width) {
    throw Error("training images are " + std::to_string(train.channels) + "x" + std::to_string(train.height) + "x" +
                std::to_string(train.width) + " but network '" + spec.name + "' takes " +
                std::to_string(spec.input_channels) + "x" + std::to_string(spec.input_height) + "x" +
                std::to_string(spec.input_width));
  }
}

}  // namespace rcdnn::models::subnets
