#include "analysis/regression/expected_values.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::analysis {
namespace {

constexpr char kHeader[] = "dataset,network,name,method,width,increment,split,key,value,tolerance";

std::string KeyOf(const ExpectedValue& v) {
  return v.dataset + "|" + v.network + "|" + v.name + "|" + v.method + "|" + v.width + "|" +
         std::to_string(v.increment) + "|" + v.split + "|" + v.key;
}

std::string Describe(const ExpectedValue& v) {
  std::ostringstream out;
  out << v.name << " of " << v.network << " (" << v.dataset << ") method=" << v.method << " width=" << v.width;
  if (v.increment) out << " increment=" << v.increment;
  if (!v.split.empty()) out << " split=" << v.split;
  if (!v.key.empty()) out << " " << v.key;
  return out.str();
}

// Splits one CSV line; widths are quoted ("5,13,125").
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

}  // namespace

double DefaultTolerance(const std::string& name) {
  if (name == "accuracy") return 0.03;
  if (name == "energy_savings_pct" || name == "time_savings_pct" || name == "accuracy_drop_pct") return 5.0;
  if (name == "mean_deployed_fraction") return 0.1;
  if (name == "fixed_point_accuracy_drop_pct") return 1.5;  // points; one of 200 smoke images is 0.5
  return 1e-9;  // images, storage_bytes, relative_macs, storage_overhead_pct
}

bool IsRegressionMetric(const std::string& name) {
  static const std::set<std::string> kNames = {"accuracy",
                                               "images",
                                               "relative_macs",
                                               "storage_bytes",
                                               "energy_savings_pct",
                                               "time_savings_pct",
                                               "accuracy_drop_pct",
                                               "mean_deployed_fraction",
                                               "storage_overhead_pct",
                                               "fixed_point_accuracy_drop_pct"};
  return kNames.count(name) > 0;
}

std::vector<ExpectedValue> ReadExpected(const std::string& path) {
  std::istringstream in(ReadFileToString(path));
  std::string line;
  if (!std::getline(in, line) || line != kHeader) {
    throw Error(path + ":1: expected the header '" + std::string(kHeader) + "'");
  }
  std::vector<ExpectedValue> values;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const auto cells = SplitCsv(line);
    if (cells.size() != 10) {
      throw Error(path + ":" + std::to_string(line_number) + ": expected 10 columns, found " +
                  std::to_string(cells.size()));
    }
    ExpectedValue v;
    v.dataset = cells[0];
    v.network = cells[1];
    v.name = cells[2];
    v.method = cells[3];
    v.width = cells[4];
    v.split = cells[6];
    v.key = cells[7];
    v.line = line_number;
    try {
      v.increment = cells[5].empty() ? 0 : std::stoi(cells[5]);
      v.value = std::stod(cells[8]);
      v.tolerance = std::stod(cells[9]);
    } catch (const std::exception&) {
      throw Error(path + ":" + std::to_string(line_number) + ": increment, value and tolerance must be numbers");
    }
    if (v.tolerance < 0) throw Error(path + ":" + std::to_string(line_number) + ": negative tolerance");
    values.push_back(v);
  }
  return values;
}

// A CSV field: quoted when it holds a comma (a width, a key like format=<16,10>).
std::string CsvField(const std::string& text) {
  return text.find(',') == std::string::npos ? text : "\"" + text + "\"";
}

std::string FormatExpected(const std::vector<ExpectedValue>& values) {
  std::ostringstream out;
  out << kHeader << "\n";
  out.precision(17);
  for (const ExpectedValue& v : values) {
    out << v.dataset << "," << v.network << "," << v.name << "," << v.method << ",\"" << v.width << "\","
        << (v.increment ? std::to_string(v.increment) : "") << "," << v.split << "," << CsvField(v.key) << "," << v.value << ","
        << v.tolerance << "\n";
  }
  return out.str();
}

std::vector<ExpectedValue> CollectActual(const results::Store& store) {
  std::map<int64_t, std::string> dataset_of_run;
  for (const results::RunRow& run : store.ListRuns()) {
    if (run.status == results::RunStatus::kComplete) dataset_of_run[run.id] = run.info.dataset_name;
  }
  std::vector<ExpectedValue> values;
  for (const results::MetricRow& row : store.QueryMetrics({})) {
    const results::Metric& m = row.metric;
    if (!IsRegressionMetric(m.name) || !dataset_of_run.count(row.run_id)) continue;
    ExpectedValue v;
    v.dataset = dataset_of_run[row.run_id];
    v.network = m.network;
    v.name = m.name;
    v.method = m.method;
    v.width = m.width;
    v.increment = m.increment.value_or(0);
    v.split = m.split;
    v.key = m.key;
    v.value = m.value;
    v.tolerance = DefaultTolerance(m.name);
    values.push_back(v);
  }
  std::sort(values.begin(), values.end(), [](const ExpectedValue& a, const ExpectedValue& b) {
    return KeyOf(a) < KeyOf(b);
  });
  values.erase(std::unique(values.begin(), values.end(),
                           [](const ExpectedValue& a, const ExpectedValue& b) { return KeyOf(a) == KeyOf(b); }),
               values.end());
  return values;
}

Comparison Compare(const std::vector<ExpectedValue>& expected, const std::vector<ExpectedValue>& actual) {
  Comparison result;
  std::map<std::string, const ExpectedValue*> actual_by_key;
  std::set<std::string> actual_datasets;
  for (const ExpectedValue& v : actual) {
    actual_by_key[KeyOf(v)] = &v;
    actual_datasets.insert(v.dataset);
  }
  std::set<std::string> skipped;
  for (const ExpectedValue& e : expected) {
    if (!actual_datasets.count(e.dataset)) {
      skipped.insert(e.dataset);
      continue;
    }
    ++result.checked;
    const auto it = actual_by_key.find(KeyOf(e));
    if (it == actual_by_key.end()) {
      result.failures.push_back("missing: " + Describe(e) + " (expected " + std::to_string(e.value) + ", line " +
                                std::to_string(e.line) + ")");
      continue;
    }
    const double diff = std::fabs(it->second->value - e.value);
    if (!(diff <= e.tolerance)) {
      std::ostringstream out;
      out.precision(6);
      out << "out of band: " << Describe(e) << ": got " << it->second->value << ", expected " << e.value << " ± "
          << e.tolerance << " (line " << e.line << ")";
      result.failures.push_back(out.str());
    }
  }
  result.skipped_datasets.assign(skipped.begin(), skipped.end());
  return result;
}

}  // namespace rcdnn::analysis
