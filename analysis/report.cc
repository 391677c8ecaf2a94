#include "analysis/report.h"

#include <algorithm>
#include <map>

#include "common/atomic_file.h"

namespace rcdnn::analysis {
namespace {

const char kStyle[] = R"(body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.85em}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left}
th{background:#eee}img{max-width:100%;border:1px solid #ddd}code{background:#f4f4f4;padding:1px 3px}
.note{color:#555;font-size:.85em;margin:.2em 0}.missing{background:#fff4e0;border-left:4px solid #e0a000;padding:.4em .8em}
.error{background:#fde8e8;border-left:4px solid #c00;padding:.4em .8em}.provenance{font-size:.8em;color:#444}
.holds{background:#e3f6e3}.does-not-hold{background:#fde3e3}.not-measured-yet{background:#f0f0f0}
details{margin:.4em 0}summary{cursor:pointer;color:#225})";

// Marks <body data-images-ok="yes"> once every <img> has decoded (for the
// headless-browser test); "no" when one failed.
const char kImageCheck[] = R"(<script>
function rcdnnCheckImages(){var imgs=document.images,ok=true;
for(var i=0;i<imgs.length;i++){if(!imgs[i].complete||imgs[i].naturalWidth===0){ok=false;}}
document.body.setAttribute('data-images-ok',ok?'yes':'no');
document.body.setAttribute('data-image-count',String(imgs.length));}
window.addEventListener('load',rcdnnCheckImages);
</script>)";

std::string E(const std::string& text) { return HtmlEscape(text); }

std::string VerdictClass(Verdict v) {
  std::string text = ToString(v);
  std::replace(text.begin(), text.end(), ' ', '-');
  return text;
}

std::string ProvenanceHtml(const StoreView& store, const std::set<int64_t>& run_ids) {
  if (run_ids.empty()) return "";
  Table t{"provenance", "", {"run", "target", "profile", "data set", "data set SHA-256", "code version", "machine",
                             "seed", "threads", "finished"}, {}, {}};
  for (int64_t id : run_ids) {
    const results::RunInfo& r = store.Run(id).info;
    t.rows.push_back({std::to_string(id), r.target, r.profile, r.dataset_display_name,
                      r.dataset_sha256.empty() ? "(none read)" : r.dataset_sha256, r.code_version, r.machine,
                      std::to_string(r.seed), std::to_string(r.threads), r.finished_at});
  }
  return "<details class=\"provenance\"><summary>Provenance: " + std::to_string(run_ids.size()) +
         " run(s)</summary>\n" + ToHtml(t) + "</details>\n";
}

std::string ClaimsHtml(const std::vector<Claim>& claims) {
  std::string html = "<table id=\"claims\">\n<thead><tr><th>paper's claim</th><th>paper</th><th>ours</th>"
                     "<th>data set</th><th>profile</th><th>verdict</th><th>criterion</th><th>missing</th></tr></thead>"
                     "\n<tbody>\n";
  for (const Claim& c : claims) {
    html += "<tr class=\"" + VerdictClass(c.verdict) + "\" data-claim=\"" + E(c.id) + "\"><td>" + E(c.claim) +
            "</td><td>" + E(c.paper) + "</td><td>" + E(c.ours.empty() ? "—" : c.ours) + "</td><td>" +
            E(c.datasets.empty() ? "—" : c.datasets) + "</td><td>" + E(c.profiles.empty() ? "—" : c.profiles) +
            "</td><td><b>" + E(ToString(c.verdict)) + "</b>" +
            (c.networks_measured > 0 ? "<br>(" + std::to_string(c.networks_measured) + " of 3 networks measured)" : "") +
            "</td><td>" + E(c.criterion) + "</td><td>" +
            E(c.missing) + "</td></tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

std::string ArtifactHtml(const StoreView& store, const std::vector<PaperFigure>& paper_figures,
                         const RenderedArtifact& a) {
  std::string html = "<section id=\"" + E(a.entry.id) + "\">\n<h2>" + E(a.entry.title) + "</h2>\n";
  for (const PaperFigure& f : paper_figures) {
    if (f.id == a.entry.id) {
      html += "<p class=\"note\">Paper: “" + E(f.title) + "” — shows " + E(f.shows) + ". " + E(f.note) + ".</p>\n";
    }
  }
  if (!a.error.empty()) {
    html += "<div class=\"error\">This artifact failed: " + E(a.error) + "</div>\n";
  }
  const ArtifactOutput& out = a.output;
  if (!out.missing.empty()) {
    html += "<div class=\"missing\"><b>Missing data</b><ul>\n";
    for (const Missing& m : out.missing) {
      html += "<li>" + E(m.what) + "<br>produce it with: <code>" + E(m.command) + "</code></li>\n";
    }
    html += "</ul></div>\n";
  }
  for (const std::string& file : a.files) {
    if (file.size() < 4 || file.compare(file.size() - 4, 4, ".png") != 0) continue;
    const std::string name = file.substr(file.find_last_of('/') + 1);
    html += "<figure><img alt=\"" + E(name) + "\" src=\"data:image/png;base64," + Base64(ReadFileToString(file)) +
            "\"><figcaption class=\"note\">" + E(name) + " (SVG beside it in the output folder)</figcaption></figure>\n";
  }
  for (const Table& t : out.tables) {
    const bool is_figure_data = !out.figures.empty();
    if (is_figure_data) html += "<details><summary>" + E(t.title) + " (" + std::to_string(t.rows.size()) + " rows)</summary>\n";
    else html += "<h3>" + E(t.title) + "</h3>\n";
    html += ToHtml(t);
    if (is_figure_data) html += "</details>\n";
  }
  for (const std::string& note : out.notes) html += "<p class=\"note\">" + E(note) + "</p>\n";
  html += ProvenanceHtml(store, out.run_ids);
  return html + "</section>\n";
}

// "a, b, c", or "—" for none.
std::string JoinOrDash(const std::set<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? std::string("—") : text;
}

// The runs' code versions: each tool's own digest unless RCDNN_CODE_VERSION
// named one (common/code_version.h), so a dozen tools of one build give a
// dozen digests. Listed when few; counted, with where to look, when many.
std::string CodeVersionsSummary(const std::set<std::string>& versions) {
  constexpr size_t kListed = 4;
  if (versions.size() <= kListed) return "Code versions: " + E(JoinOrDash(versions)) + ".";
  return "Code versions: " + std::to_string(versions.size()) +
         " (a digest of each tool binary that ran; every run's own is in its provenance line and in "
         "<code>results.db</code>'s <code>runs.code_version</code>).";
}

}  // namespace

std::string Base64(const std::string& bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string ReportHtml(const StoreView& store, const std::vector<PaperFigure>& paper_figures,
                       const std::vector<Claim>& claims, const std::vector<RenderedArtifact>& artifacts,
                       const ReportInfo& info) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<title>Reproduction report: Tann et al. 2016, runtime configurable DNNs</title>\n<style>" +
                     std::string(kStyle) + "</style>\n" + kImageCheck + "\n</head>\n<body>\n";
  html += "<h1>Reproduction report: Tann et al. 2016, “Runtime Configurable Deep Neural Networks for "
          "Energy-Accuracy Trade-off”</h1>\n";
  std::set<std::string> profiles, datasets, versions;
  for (const results::RunRow& r : store.runs()) {
    if (r.status != results::RunStatus::kComplete) continue;
    profiles.insert(r.info.profile);
    if (!r.info.dataset_display_name.empty()) datasets.insert(r.info.dataset_display_name);
    versions.insert(r.info.code_version);
  }
  html += "<p class=\"note\">Generated " + E(info.generated_at) + " from <code>" + E(store.path()) + "</code> (" +
          std::to_string(store.runs().size()) + " runs) by <code>" + E(info.command) + "</code>" +
          (info.workspace_version.empty() ? "" : " in a source tree at <code>" + E(info.workspace_version) + "</code>") +
          ".<br>Profiles: " + E(JoinOrDash(profiles)) + ". Data sets: " + E(JoinOrDash(datasets)) + ". " +
          CodeVersionsSummary(versions);
  if (store.superseded() > 0) {
    html += "<br>" + std::to_string(store.superseded()) +
            " stored metric(s) were measured again by a later run with a different value (e.g. by an older code "
            "version); the later value is shown, and results.db keeps both.";
  }
  if (store.repeated_agreeing() > 0) {
    html += "<br>" + std::to_string(store.repeated_agreeing()) +
            " stored metric(s) were recorded by two runs with the same value (the runtime analysis re-records the "
            "accuracies it reads); each is shown once.";
  }
  html += "</p>\n<section id=\"claims-summary\">\n<h2>The paper's claims</h2>\n" + ClaimsHtml(claims) +
          "<p class=\"note\">A verdict is “not measured yet” whenever the numbers behind it are absent; “data set” "
          "is the one actually used (a stand-in is named as such).</p>\n</section>\n";
  html += "<nav><p>";
  for (const RenderedArtifact& a : artifacts) html += "<a href=\"#" + E(a.entry.id) + "\">" + E(a.entry.id) + "</a> ";
  html += "</p></nav>\n";
  for (const RenderedArtifact& a : artifacts) html += ArtifactHtml(store, paper_figures, a);
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace rcdnn::analysis
