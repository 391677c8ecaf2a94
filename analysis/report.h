// The report: one self-contained HTML page (figures embedded as base64 PNG
// data URIs, inline CSS, no external resources) that opens with the paper's
// claims against our measurements, then shows every table and figure with
// the paper's values beside ours, the provenance of our numbers, and, where
// data is missing, what is missing and the command that produces it.
#pragma once

#include <string>
#include <vector>

#include "analysis/artifact.h"
#include "analysis/claims.h"
#include "analysis/paper_values.h"
#include "analysis/store_view.h"

namespace rcdnn::analysis {

// One artifact after rendering.
struct RenderedArtifact {
  ArtifactEntry entry;
  ArtifactOutput output;
  std::vector<std::string> files;  // what was written (PNG files are embedded)
  std::string error;               // the artifact function's error, if it failed
};

struct ReportInfo {
  std::string command;       // how the report was made
  std::string generated_at;  // ISO 8601 UTC
  std::string workspace_version;  // the source tree rendered from ("" when unknown)
};

std::string ReportHtml(const StoreView& store, const std::vector<PaperFigure>& paper_figures,
                       const std::vector<Claim>& claims, const std::vector<RenderedArtifact>& artifacts,
                       const ReportInfo& info);

// RFC 4648 base64 (for data URIs).
std::string Base64(const std::string& bytes);

}  // namespace rcdnn::analysis
