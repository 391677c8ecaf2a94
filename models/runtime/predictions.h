// The per-image predictions CSV that models/train/evaluate writes
// (--predictions), read into one array triple (label, predicted, margin) per
// (network, method, increment, width, split).
//
//   network,method,increment,width,split,index,label,predicted,margin
//   lenet,incremental_golden_init,1,"5,13,125",val,0,7,7,0.981
//
// increment is 1-based (0 for channel-shutdown rows); a golden model has one
// increment, so golden rows are told apart by width. split is val or test;
// margin is the difference of the two largest softmax probabilities, in
// [0, 1]. Within one (network, method, increment, width, split) the indices
// must run 0, 1, 2, ... in file order. Every error names the file and line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/spec/shapes.h"

namespace rcdnn::models::runtime {

// Predictions of one sub-network on one image set.
struct PredictionSet {
  std::vector<int> label;
  std::vector<int> predicted;
  std::vector<double> margin;

  int64_t size() const { return static_cast<int64_t>(label.size()); }
  bool Correct(int64_t k) const { return predicted[k] == label[k]; }
  double Accuracy() const;  // 0 for an empty set
};

struct PredictionKey {
  std::string network;
  std::string method;
  int increment = 0;
  Widths widths;
  std::string split;
  bool operator<(const PredictionKey& other) const;
};

struct PredictionsFile {
  std::string source;  // the path (or name) it was read from, for messages
  std::map<PredictionKey, PredictionSet> sets;
};

// Throws rcdnn::Error "<source>:<line>: ..." for a bad header, a malformed
// line, an out-of-order index or an out-of-range value, and
// "<source> has no prediction rows" for a file with a header only.
PredictionsFile ParsePredictionsCsv(const std::string& text, const std::string& source_name);
PredictionsFile ReadPredictionsCsv(const std::string& path);  // also: missing file

// Methods present for `network`, in name order.
std::vector<std::string> MethodsOf(const PredictionsFile& file, const std::string& network);

// Increments 1..N of one method on one split, all on the same images.
struct IncrementSeries {
  std::string network, method, split;
  std::vector<Widths> widths;                // per increment
  std::vector<PredictionSet> increments;     // per increment
  int NumIncrements() const { return static_cast<int>(increments.size()); }
  int64_t NumImages() const { return increments.empty() ? 0 : increments[0].size(); }
};

// The increments 1..`expected_increments` (0: all there are). Throws when the
// method has no rows on that split (an empty set), when increments are
// missing or fewer than asked, or when two increments disagree on the images
// (count or labels).
IncrementSeries SelectIncrements(const PredictionsFile& file, const std::string& network, const std::string& method,
                                 const std::string& split, int expected_increments);

// One model per width (golden models), in ascending order of the first
// layer's width. Throws when a width appears under two increments or when
// two widths disagree on the images. Empty when the method is absent.
struct WidthPredictions {
  Widths widths;
  PredictionSet predictions;
};
std::vector<WidthPredictions> SelectByWidth(const PredictionsFile& file, const std::string& network,
                                            const std::string& method, const std::string& split);

// Throws rcdnn::Error naming `what` unless a and b hold the same images
// (count and labels).
void CheckSameImages(const PredictionSet& a, const PredictionSet& b, const std::string& what);

}  // namespace rcdnn::models::runtime
