#include "models/runtime/predictions.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "common/atomic_file.h"
#include "common/error.h"
#include "models/runtime/parse_util.h"

namespace rcdnn::models::runtime {
namespace {

constexpr char kHeader[] = "network,method,increment,width,split,index,label,predicted,margin";
constexpr int kFields = 9;
constexpr int64_t kMaxClass = 1000000;

Widths ParseWidths(const std::string& text, const std::string& where) {
  Widths widths;
  std::istringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    const int64_t w = ParseInt(item, where, "width entry");
    if (w < 1 || w > 1000000) throw Error(where + ": width entry " + item + " is outside [1, 1000000]");
    widths.push_back(static_cast<int>(w));
  }
  if (widths.empty()) throw Error(where + ": empty width (expected e.g. \"5,13,125\")");
  return widths;
}

std::string KeyText(const PredictionKey& key) {
  return key.network + "/" + key.method + "/increment " + std::to_string(key.increment) + "/width " +
         WidthsToString(key.widths) + "/" + key.split;
}

}  // namespace

double PredictionSet::Accuracy() const {
  if (label.empty()) return 0.0;
  int64_t correct = 0;
  for (int64_t k = 0; k < size(); ++k) correct += Correct(k);
  return static_cast<double>(correct) / static_cast<double>(size());
}

bool PredictionKey::operator<(const PredictionKey& other) const {
  return std::tie(network, method, increment, widths, split) <
         std::tie(other.network, other.method, other.increment, other.widths, other.split);
}

PredictionsFile ParsePredictionsCsv(const std::string& text, const std::string& source_name) {
  PredictionsFile file;
  file.source = source_name;
  std::istringstream in(text);
  std::string line;
  int line_number = 0;
  bool have_header = false;
  int64_t rows = 0;
  PredictionKey last_key;
  PredictionSet* last_set = nullptr;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = source_name + ":" + std::to_string(line_number);
    if (!have_header) {
      if (line != kHeader) {
        throw Error(where + ": bad header '" + line + "', expected '" + kHeader + "'");
      }
      have_header = true;
      continue;
    }
    if (line.empty()) continue;
    const std::vector<std::string> f = SplitCsvLine(line, where);
    if (static_cast<int>(f.size()) != kFields) {
      throw Error(where + ": expected " + std::to_string(kFields) + " fields (" + kHeader + "), got " +
                  std::to_string(f.size()));
    }
    PredictionKey key;
    key.network = f[0];
    key.method = f[1];
    if (key.network.empty() || key.method.empty()) throw Error(where + ": empty network or method");
    const int64_t increment = ParseInt(f[2], where, "increment");
    if (increment < 0 || increment > 1000) throw Error(where + ": increment " + f[2] + " is outside [0, 1000]");
    key.increment = static_cast<int>(increment);
    key.widths = ParseWidths(f[3], where);
    key.split = f[4];
    if (key.split != "val" && key.split != "test") {
      throw Error(where + ": split '" + key.split + "' is neither val nor test");
    }
    const int64_t index = ParseInt(f[5], where, "index");
    const int64_t label = ParseInt(f[6], where, "label");
    const int64_t predicted = ParseInt(f[7], where, "predicted");
    const double margin = ParseDouble(f[8], where, "margin");
    if (label < 0 || label > kMaxClass) throw Error(where + ": label " + f[6] + " is out of range");
    if (predicted < 0 || predicted > kMaxClass) throw Error(where + ": predicted " + f[7] + " is out of range");
    if (margin < 0.0 || margin > 1.0) throw Error(where + ": margin " + f[8] + " is outside [0, 1]");
    if (last_set == nullptr || key < last_key || last_key < key) {
      last_set = &file.sets[key];
      last_key = key;
    }
    if (index != last_set->size()) {
      throw Error(where + ": index " + f[5] + " of " + KeyText(key) + " is out of order, expected " +
                  std::to_string(last_set->size()) + " (indices run 0, 1, 2, ... per model and split)");
    }
    last_set->label.push_back(static_cast<int>(label));
    last_set->predicted.push_back(static_cast<int>(predicted));
    last_set->margin.push_back(margin);
    ++rows;
  }
  if (!have_header) throw Error(source_name + " is empty (expected the header '" + std::string(kHeader) + "')");
  if (rows == 0) throw Error(source_name + " has no prediction rows, only a header");
  return file;
}

PredictionsFile ReadPredictionsCsv(const std::string& path) {
  return ParsePredictionsCsv(ReadFileToString(path), path);
}

std::vector<std::string> MethodsOf(const PredictionsFile& file, const std::string& network) {
  std::set<std::string> methods;
  for (const auto& [key, set] : file.sets) {
    if (key.network == network) methods.insert(key.method);
  }
  return {methods.begin(), methods.end()};
}

void CheckSameImages(const PredictionSet& a, const PredictionSet& b, const std::string& what) {
  if (a.size() != b.size()) {
    throw Error(what + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
                " images (both must be evaluated on the same image set)");
  }
  for (int64_t k = 0; k < a.size(); ++k) {
    if (a.label[k] != b.label[k]) {
      throw Error(what + ": image " + std::to_string(k) + " has label " + std::to_string(a.label[k]) + " vs " +
                  std::to_string(b.label[k]) + " (not the same image set)");
    }
  }
}

IncrementSeries SelectIncrements(const PredictionsFile& file, const std::string& network, const std::string& method,
                                 const std::string& split, int expected_increments) {
  std::map<int, std::pair<Widths, const PredictionSet*>> by_increment;
  for (const auto& [key, set] : file.sets) {
    if (key.network != network || key.method != method || key.split != split || key.increment == 0) continue;
    if (!by_increment.emplace(key.increment, std::make_pair(key.widths, &set)).second) {
      throw Error(file.source + ": " + network + "/" + method + " increment " + std::to_string(key.increment) +
                  " appears with two widths on " + split);
    }
  }
  const std::string what = file.source + ": " + network + "/" + method + " on " + split;
  if (by_increment.empty()) throw Error(what + ": no rows (empty " + split + " set)");
  const int present = static_cast<int>(by_increment.size());
  if (by_increment.rbegin()->first != present) {
    throw Error(what + ": increments are not 1.." + std::to_string(present) + " (largest is " +
                std::to_string(by_increment.rbegin()->first) + ")");
  }
  if (expected_increments < 0) throw Error("number of increments must be >= 0, got " + std::to_string(expected_increments));
  if (expected_increments > present) {
    throw Error(what + ": " + std::to_string(expected_increments) + " increments asked, the file has " +
                std::to_string(present));
  }
  const int n = expected_increments == 0 ? present : expected_increments;
  IncrementSeries series;
  series.network = network;
  series.method = method;
  series.split = split;
  for (int i = 1; i <= n; ++i) {
    series.widths.push_back(by_increment.at(i).first);
    series.increments.push_back(*by_increment.at(i).second);
    if (i > 1) {
      CheckSameImages(series.increments[0], series.increments.back(),
                      what + ", increments 1 and " + std::to_string(i));
    }
  }
  if (series.NumImages() == 0) throw Error(what + ": empty " + split + " set");
  return series;
}

std::vector<WidthPredictions> SelectByWidth(const PredictionsFile& file, const std::string& network,
                                            const std::string& method, const std::string& split) {
  std::vector<WidthPredictions> out;
  std::set<Widths> seen;
  for (const auto& [key, set] : file.sets) {
    if (key.network != network || key.method != method || key.split != split) continue;
    if (!seen.insert(key.widths).second) {
      throw Error(file.source + ": " + network + "/" + method + " width " + WidthsToString(key.widths) +
                  " appears under two increments on " + split + " (one model per width expected)");
    }
    out.push_back({key.widths, set});
  }
  std::sort(out.begin(), out.end(), [](const WidthPredictions& a, const WidthPredictions& b) {
    return std::tie(a.widths[0], a.widths) < std::tie(b.widths[0], b.widths);
  });
  for (size_t i = 1; i < out.size(); ++i) {
    CheckSameImages(out[0].predictions, out[i].predictions,
                    file.source + ": " + network + "/" + method + " on " + split + ", widths " +
                        WidthsToString(out[0].widths) + " and " + WidthsToString(out[i].widths));
  }
  return out;
}

}  // namespace rcdnn::models::runtime
