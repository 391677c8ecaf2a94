// The runtime schemes of Section 4 on recorded predictions: the Eq. 1-4
// sweep and thresholds (Table 7), Algorithm 3 (Tables 8, 9), Big/Little,
// storage (Table 6), score-margin histograms (Figure 7) and Algorithm 2 on a
// budget schedule (Figure 11). Everything is computed first; then the trace
// CSV and the Table 7 optimum file are written atomically, and the results go
// into the store as one run.
#include <boost/program_options.hpp>

#include <cstdio>
#include <string>

#include "common/cli.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/sha256.h"
#include "models/runtime/analysis.h"
#include "models/runtime/optimum_file.h"
#include "results/provenance.h"
#include "results/store.h"

namespace po = boost::program_options;
using rcdnn::models::runtime::RuntimeOptions;

namespace {

// The predictions came from an evaluate run on some data set; the tables
// print which, so this run records the same one.
void CopyDataset(const std::string& evaluation_db, rcdnn::results::RunInfo* info) {
  for (const rcdnn::results::RunRow& run : rcdnn::results::Store::OpenReadOnly(evaluation_db).ListRuns()) {
    if (run.info.dataset_name.empty()) continue;
    info->dataset_name = run.info.dataset_name;
    info->dataset_display_name = run.info.dataset_display_name;
    info->dataset_sha256 = run.info.dataset_sha256;
    return;
  }
  throw rcdnn::Error("--evaluation-db " + evaluation_db +
                     " holds no run that read a data set; pass the shard that evaluate --db wrote");
}

}  // namespace

int main(int argc, char** argv) {
  RuntimeOptions o;
  std::string db_path, trace_path, optimum_path, evaluation_db, profile = "paper", target = "runtime";
  po::options_description flags;
  flags.add_options()
      ("predictions", po::value(&o.predictions_path)->required(),
       "per-image predictions CSV from evaluate --predictions (incremental and golden rows)")
      ("spec", po::value(&o.spec_path)->required(), "network spec (models/spec/*.net); picks the CSV's network")
      ("cost", po::value(&o.cost_path)->default_value(""),
       "cost file 'increment,energy_uj,time_us' per increment; default: relative MACs from the spec")
      ("budget", po::value(&o.budget_path)->default_value(""),
       "budget schedule 'from_image energy_uj delay_us' for Algorithm 2 (Figure 11)")
      ("thresholds", po::value(&o.thresholds_path)->default_value(""),
       "also run Algorithm 3 with these thresholds ('increment theta' lines, e.g. the paper's Table 7)")
      ("models", po::value(&o.model_paths)->multitoken(), "model files (incremental + golden) for Table 6")
      ("db", po::value(&db_path)->default_value(""), "results store to write the run into (created if absent)")
      ("evaluation-db", po::value(&evaluation_db)->default_value(""),
       "results shard of the evaluate run that wrote --predictions: its data set is recorded with this run")
      ("trace-out", po::value(&trace_path)->default_value(""), "write Figure 11's per-image trace CSV here (needs --budget)")
      ("optimum-out", po::value(&optimum_path)->default_value(""),
       "write Table 7's optimal fractions (the no-reuse Eq. 1 sweep) here, for //models/train:train_optimum")
      ("method-prefix", po::value(&o.method_prefix)->default_value(""),
       "read and write every method with this prefix (e.g. table7_ for the models of the Table 7 optimum); "
       "--incremental-method and --golden-method are given without it")
      ("incremental-method", po::value(&o.incremental_method)->default_value(""),
       "method of the incremental rows (default: incremental_golden_init if present, else incremental)")
      ("golden-method", po::value(&o.golden_method)->default_value(o.golden_method), "method of the golden rows")
      ("increments", po::value(&o.increments)->default_value(o.increments),
       "use increments 1..N of the incremental model (0: all in the CSV; more than the CSV has is an error)")
      ("max-accuracy-drop", po::value(&o.max_accuracy_drop)->default_value(o.max_accuracy_drop),
       "max-drop criterion: allowed accuracy drop vs the full network, absolute (0.01 = 1 point)")
      ("min-first-fraction", po::value(&o.min_first_fraction)->default_value(o.min_first_fraction),
       "Eq. 4 sweep: smallest fraction of the first increment")
      ("sweep-step", po::value(&o.sweep_step)->default_value(o.sweep_step), "Eq. 4 sweep: fraction grid step")
      ("max-increments", po::value(&o.max_increments)->default_value(o.max_increments), "Eq. 4 sweep: largest N")
      ("sweep-cost", po::value(&o.sweep_cost)->default_value(o.sweep_cost),
       "Eq. 1 cost of a fraction f: 'fraction' (f, the paper) or 'relative-macs'")
      ("threshold-step", po::value(&o.threshold_step)->default_value(o.threshold_step), "theta grid step")
      ("margin-bins", po::value(&o.margin_bins)->default_value(o.margin_bins), "Figure 7 histogram bins")
      ("little-fraction", po::value(&o.little_fraction)->default_value(o.little_fraction),
       "Big/Little: uniform width of the little golden model (0: the incremental model's first increment)")
      ("profile", po::value(&profile)->default_value(profile), "profile label recorded with the run")
      ("target", po::value(&target)->default_value(target), "target label recorded with the run");
  const int parsed = rcdnn::cli::ParseFlags(
      argc, argv, "runtime",
      "Runtime energy-saving schemes (Tann et al. 2016, Section 4) on evaluate's predictions CSV.", flags);
  if (parsed >= 0) return parsed;
  return rcdnn::cli::RunMain("runtime", [&] {
    if (!trace_path.empty() && o.budget_path.empty()) throw rcdnn::Error("--trace-out needs --budget");
    o.predictions_path = rcdnn::ResolveUserPath(o.predictions_path);
    o.spec_path = rcdnn::ResolveUserPath(o.spec_path);
    o.cost_path = rcdnn::ResolveUserPath(o.cost_path);
    o.budget_path = rcdnn::ResolveUserPath(o.budget_path);
    o.thresholds_path = rcdnn::ResolveUserPath(o.thresholds_path);
    for (std::string& path : o.model_paths) path = rcdnn::ResolveUserPath(path);
    rcdnn::results::RunInfo data_source;  // checked before the analysis runs
    if (!evaluation_db.empty()) CopyDataset(rcdnn::ResolveUserPath(evaluation_db), &data_source);
    const rcdnn::models::runtime::RuntimeReport report = rcdnn::models::runtime::RunRuntimeAnalysis(o);
    std::vector<rcdnn::results::ArtifactRecord> artifacts;
    if (!trace_path.empty()) {
      rcdnn::WriteFileAtomically(rcdnn::ResolveUserPath(trace_path), report.trace_csv);
      artifacts.push_back({"fig11_trace", rcdnn::ResolveUserPath(trace_path), rcdnn::Sha256Hex(report.trace_csv)});
    }
    if (!optimum_path.empty()) {
      const std::string text =
          rcdnn::models::runtime::FormatOptimumFile(report.optimum_fractions, report.optimum_description);
      rcdnn::WriteFileAtomically(rcdnn::ResolveUserPath(optimum_path), text);
      artifacts.push_back({"table7_optimum", rcdnn::ResolveUserPath(optimum_path), rcdnn::Sha256Hex(text)});
    }
    std::fputs(report.text.c_str(), stdout);
    if (!db_path.empty()) {
      rcdnn::results::RunInfo info = rcdnn::results::CurrentMachineInfo();
      info.target = target;
      info.profile = profile;
      info.build_flags = "see .bazelrc";
      info.dataset_name = data_source.dataset_name;
      info.dataset_display_name = data_source.dataset_display_name;
      info.dataset_sha256 = data_source.dataset_sha256;
      info.config_json = "target=" + target + "\nprofile=" + profile + "\n" + report.config;
      info.run_key = rcdnn::results::RunKey(info.code_version, target, info.config_json);
      rcdnn::results::Store store = rcdnn::results::Store::Open(rcdnn::ResolveUserPath(db_path));
      store.WriteRun(info, report.metrics, artifacts);
      std::fprintf(stderr, "runtime: wrote %zu metrics to %s\n", report.metrics.size(), db_path.c_str());
    }
  });
}
