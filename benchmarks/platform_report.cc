#include "benchmarks/platform_report.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/error.h"
#include "results/provenance.h"

namespace rcdnn::benchmarks {
namespace {

std::string Format(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

// Columns left-aligned, separated by two spaces.
void PrintAligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out << "  " << line << "\n";
  }
}

// JSON string literal with the escapes RFC 8259 requires.
std::string JsonString(const std::string& text) {
  std::string json = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      json += '\\';
      json += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
      json += escaped;
    } else {
      json += c;
    }
  }
  return json + "\"";
}

std::string BatchKey(int batch) { return "batch=" + std::to_string(batch); }

}  // namespace

const IncrementTiming& Reference(const NetworkTiming& network) {
  if (network.increments.empty()) throw Error(network.network + ": no increments were timed");
  return *std::max_element(network.increments.begin(), network.increments.end(),
                           [](const IncrementTiming& a, const IncrementTiming& b) { return a.macs < b.macs; });
}

std::vector<Inversion> FindInversions(const NetworkTiming& network, bool batched) {
  std::vector<Inversion> inversions;
  for (const IncrementTiming& narrow : network.increments) {
    for (const IncrementTiming& wide : network.increments) {
      const LatencyStats& n = batched ? narrow.batched : narrow.batch1;
      const LatencyStats& w = batched ? wide.batched : wide.batch1;
      if (n.samples == 0 || w.samples == 0) continue;
      if (narrow.macs < wide.macs && n.median_us > w.median_us) {
        inversions.push_back({narrow.increment.number, wide.increment.number, n.median_us, w.median_us,
                              n.p10_us > w.p90_us});
      }
    }
  }
  return inversions;
}

void PrintReport(const PlatformRun& run, std::ostream& out) {
  out << "Platform (" << run.method << (run.method_prefix.empty() ? "" : ", stored as " + run.StoredMethod())
      << "):\n";
  for (const auto& [key, value] : run.platform) out << "  " << key << ": " << value << "\n";
  for (const auto& [key, value] : run.conditions) out << "  " << key << ": " << value << "\n";
  out << "  energy: " << (run.energy_measured ? run.energy_source : "NOT MEASURED (" + run.energy_source + ")")
      << "\n";
  out << "Method: per increment, " << run.warmup << " warm-up + " << run.repetitions
      << " timed batch-1 forward passes";
  if (run.batch > 1) out << ", then " << run.warmup << " + " << run.batch_repetitions << " of batch " << run.batch;
  out << "; threads = " << run.threads
      << (run.method == "cpu" ? " (a batch of 1 always runs on one thread)" : "") << ".\n"
      << "rel. latency = median / median of the widest increment; rel. MACs = MACs / MACs of the same.\n";
  for (size_t k = 0; k < run.networks.size(); ++k) {
    const NetworkTiming& network = run.networks[k];
    const IncrementTiming& reference = Reference(network);
    const std::vector<Inversion> inversions1 = FindInversions(network, false);
    const std::vector<Inversion> inversions_b = FindInversions(network, true);
    out << "\n" << network.network;
    if (k < run.weights.size()) out << " — weights: " << run.weights[k];
    out << "\n";
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"incr", "fraction", "widths", "MMAC/img", "b1 median us", "b1 p10-p90 us",
                                       "rel. latency", "rel. MACs"};
    const int batch = reference.batch;
    if (batch > 1) {
      header.push_back("b" + std::to_string(batch) + " median us");
      header.push_back("b" + std::to_string(batch) + " us/img");
      header.push_back("b" + std::to_string(batch) + " rel.");
    }
    header.push_back("energy uJ/img");
    header.push_back("flags");
    rows.push_back(header);
    for (const IncrementTiming& t : network.increments) {
      std::vector<std::string> row = {
          std::to_string(t.increment.number),
          t.increment.label.empty() ? "-" : t.increment.label,
          models::WidthsToString(t.increment.widths),
          Format("%.3f", t.macs / 1e6),
          Format("%.2f", t.batch1.median_us),
          Format("%.2f", t.batch1.p10_us) + "-" + Format("%.2f", t.batch1.p90_us),
          Format("%.3f", t.batch1.median_us / reference.batch1.median_us),
          Format("%.3f", static_cast<double>(t.macs) / static_cast<double>(reference.macs))};
      if (batch > 1) {
        row.push_back(Format("%.1f", t.batched.median_us));
        row.push_back(Format("%.2f", t.batched.median_us / t.batch));
        row.push_back(Format("%.3f", t.batched.median_us / reference.batched.median_us));
      }
      row.push_back(t.energy_uj_per_image ? Format("%.2f", *t.energy_uj_per_image) : "NOT MEASURED");
      std::string flags;
      for (const auto& [list, what] : {std::pair{&inversions1, "INVERSION(b1)"}, {&inversions_b, "INVERSION(batch)"}}) {
        if (std::any_of(list->begin(), list->end(),
                        [&](const Inversion& i) { return i.narrow == t.increment.number; })) {
          flags += (flags.empty() ? "" : " ") + std::string(what);
        }
      }
      row.push_back(flags);
      rows.push_back(row);
    }
    PrintAligned(rows, out);
    if (inversions1.empty() && inversions_b.empty()) {
      out << "  inversions: none (every narrower increment is faster than every wider one)\n";
    }
    for (const auto& [list, what] : {std::pair{&inversions1, "batch 1"}, {&inversions_b, "whole batch"}}) {
      for (const Inversion& i : *list) {
        out << "  INVERSION (" << what << "): increment " << i.narrow << " takes " << Format("%.2f", i.narrow_us)
            << " us > increment " << i.wide << " (wider) " << Format("%.2f", i.wide_us) << " us"
            << (i.beyond_spread ? " [beyond the p10-p90 spreads]" : " [within the p10-p90 spreads: may be noise]")
            << "\n";
      }
    }
  }
}

std::vector<results::Metric> PlatformMetrics(const PlatformRun& run) {
  std::vector<results::Metric> metrics;
  for (const NetworkTiming& network : run.networks) {
    const IncrementTiming& reference = Reference(network);
    for (const IncrementTiming& t : network.increments) {
      const std::string width = models::WidthsToString(t.increment.widths);
      auto add = [&](const std::string& name, const std::string& key, double value, const std::string& unit) {
        metrics.push_back({name, network.network, width, run.StoredMethod(), "", key, t.increment.number, value, unit});
      };
      struct Series {
        int batch;
        const LatencyStats* stats;
        const LatencyStats* reference;
      };
      std::vector<Series> series = {{1, &t.batch1, &reference.batch1}};
      if (t.batch > 1) series.push_back({t.batch, &t.batched, &reference.batched});
      for (const Series& s : series) {
        const std::string key = BatchKey(s.batch);
        add("latency_us", key + ";stat=median", s.stats->median_us, "us");
        add("latency_us", key + ";stat=p10", s.stats->p10_us, "us");
        add("latency_us", key + ";stat=p90", s.stats->p90_us, "us");
        add("relative_latency", key, s.stats->median_us / s.reference->median_us, "");
        // Table 5 reads key "total" (batch 1, images fed one at a time).
        add("time_us", s.batch == 1 ? "total" : key, s.stats->median_us / s.batch, "us");
      }
      add("relative_macs", "", static_cast<double>(t.macs) / static_cast<double>(reference.macs), "");
      if (t.energy_uj_per_image) {
        // Batch 1, per image; the counter it was read from is in the run's config (energy_source).
        add("energy_uj", "total", *t.energy_uj_per_image, "uJ");
      }
    }
  }
  return metrics;
}

results::RunInfo PlatformRunInfo(const PlatformRun& run, const std::string& target, const std::string& profile) {
  results::RunInfo info = results::CurrentMachineInfo();
  info.target = target;
  info.profile = profile;
  info.build_flags = run.build_flags;
  info.dataset_name = "";
  info.dataset_display_name = "none (timing on fixed pseudo-random images)";
  info.threads = run.threads;
  if (!run.machine_summary.empty()) info.machine += " / " + run.machine_summary;
  std::map<std::string, std::string> config;  // sorted keys: canonical
  for (const auto& [key, value] : run.platform) config["platform." + key] = value;
  config["method"] = run.StoredMethod();
  config["energy_source"] = run.energy_measured ? run.energy_source : "NOT MEASURED: " + run.energy_source;
  config["threads"] = std::to_string(run.threads);
  config["warmup"] = std::to_string(run.warmup);
  config["repetitions"] = std::to_string(run.repetitions);
  config["batch_repetitions"] = std::to_string(run.batch_repetitions);
  config["batch"] = std::to_string(run.batch);
  config["energy_seconds"] = Format("%g", run.energy_seconds);
  config["machine"] = info.machine;
  for (const auto& [key, value] : run.conditions) info.machine += "; " + key + " " + value;
  config["profile"] = profile;
  for (size_t k = 0; k < run.networks.size(); ++k) {
    config["network." + run.networks[k].network] = k < run.weights.size() ? run.weights[k] : "";
  }
  std::string json = "{";
  for (const auto& [key, value] : config) {
    json += (json.size() > 1 ? "," : "") + JsonString(key) + ":" + JsonString(value);
  }
  info.config_json = json + "}";
  info.run_key = results::RunKey(info.code_version, target, info.config_json);
  return info;
}

int64_t WritePlatformRun(const std::string& db_path, const PlatformRun& run, const std::string& target,
                         const std::string& profile) {
  results::Store store = results::Store::Open(db_path);
  return store.WriteRun(PlatformRunInfo(run, target, profile), PlatformMetrics(run), {});
}

}  // namespace rcdnn::benchmarks
