// render: merges result shards into <out-dir>/results.db and draws the
// paper's tables and figures from it, and the report.
//
//   render --artifact fig9 --shards a.db b.db --out-dir artifacts/out
//   render --artifact all --shards artifacts/*.db --out-dir artifacts/out
#include <boost/program_options.hpp>
#include <cstdio>
#include <string>

#include "analysis/artifacts/artifacts.h"
#include "analysis/render.h"
#include "common/cli.h"

namespace po = boost::program_options;
using rcdnn::analysis::RenderOptions;

int main(int argc, char** argv) {
  RenderOptions options;
  po::options_description flags;
  flags.add_options()  //
      ("artifact", po::value(&options.artifacts)->multitoken()->required(),
       ("what to render: " + rcdnn::analysis::ArtifactIds() + ", report, all (several allowed)").c_str())  //
      ("shards", po::value(&options.shards)->multitoken(), "result shards (.db) to merge (replacing the stored runs of their targets)")  //
      ("out-dir", po::value(&options.out_dir)->required(), "output folder (holds results.db)")  //
      ("paper", po::value(&options.paper_values)->default_value(options.paper_values),
       "the paper's values (CSV)")  //
      ("paper-figures", po::value(&options.paper_figures)->default_value(options.paper_figures),
       "the paper's figure descriptions (CSV)")  //
      ("spec-dir", po::value(&options.spec_dir)->default_value(options.spec_dir),
       "folder of the network specs <network>.net")  //
      ("workspace-version", po::value(&options.workspace_version),
       "the source tree's version (e.g. git describe), shown in report.html");
  po::variables_map vm;
  const int parsed = rcdnn::cli::ParseFlags(
      argc, argv, "render",
      "render: the paper's tables and figures from result shards\n\n"
      "Merges every --shards file into <out-dir>/results.db (their runs replace the stored runs\n"
      "of the same targets), then writes each artifact's\n"
      "<id>.csv and <id>.md (tables) and <id>.png and <id>.svg (figures) into --out-dir;\n"
      "'report' or 'all' renders every artifact and report.html.",
      flags, &vm);
  if (parsed >= 0) return parsed;
  int status = 0;
  const int failed = rcdnn::cli::RunMain("render", [&] {
    // Defaults name files of the runfiles/execroot tree; what the user typed
    // is relative to where they ran bazel.
    if (!vm["paper"].defaulted()) options.paper_values = rcdnn::ResolveUserPath(options.paper_values);
    if (!vm["paper-figures"].defaulted()) options.paper_figures = rcdnn::ResolveUserPath(options.paper_figures);
    if (!vm["spec-dir"].defaulted()) options.spec_dir = rcdnn::ResolveUserPath(options.spec_dir);
    options.out_dir = rcdnn::ResolveUserPath(options.out_dir);
    for (std::string& shard : options.shards) shard = rcdnn::ResolveUserPath(shard);
    options.command_line = "render";
    for (int i = 1; i < argc; ++i) options.command_line += std::string(" ") + argv[i];

    const rcdnn::analysis::RenderResult result = rcdnn::analysis::Render(options);
    std::printf("render: merged %d run(s) from %zu shard(s) into %s\n", result.runs_merged, options.shards.size(),
                result.db_path.c_str());
    for (const std::string& file : result.files) std::printf("render: wrote %s\n", file.c_str());
    for (const std::string& missing : result.missing) std::printf("render: missing %s\n", missing.c_str());
    for (const std::string& error : result.errors) std::fprintf(stderr, "render: failed %s\n", error.c_str());
    status = result.errors.empty() ? 0 : 1;
  });
  return failed != 0 ? failed : status;
}
