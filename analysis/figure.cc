#include "analysis/figure.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <gnuplot-iostream.h>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::analysis {
namespace {

// A string as a gnuplot double-quoted literal.
std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

std::string Num(double value) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", value);
  return text;
}

std::string Range(const std::optional<double>& low, const std::optional<double>& high) {
  return "[" + (low ? Num(*low) : std::string("*")) + ":" + (high ? Num(*high) : std::string("*")) + "]";
}

void Validate(const Figure& figure) {
  if (figure.id.empty()) throw Error("figure '" + figure.title + "' has no id");
  if (figure.panels.empty()) throw Error("figure " + figure.id + " has no panel");
  if (figure.columns < 1) throw Error("figure " + figure.id + ": columns must be >= 1");
  for (const Panel& panel : figure.panels) {
    if (panel.series.empty()) throw Error("figure " + figure.id + ": panel '" + panel.title + "' has no series");
    for (const Series& s : panel.series) {
      if (s.x.size() != s.y.size() || (!s.labels.empty() && s.labels.size() != s.x.size()) || s.x.empty()) {
        throw Error("figure " + figure.id + ": series '" + s.title + "' has " + std::to_string(s.x.size()) +
                    " x, " + std::to_string(s.y.size()) + " y and " + std::to_string(s.labels.size()) +
                    " labels (need as many, and at least one point)");
      }
    }
  }
}

// Ignores SIGPIPE while gnuplot is fed, so a gnuplot that exits early on an
// error makes our writes fail (reported below) instead of killing the process.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_);
  }
  ~IgnoreSigpipe() { sigaction(SIGPIPE, &old_, nullptr); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

 private:
  struct sigaction old_;
};

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string ReadIfPresent(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string PngTerminal() {
  static const std::string terminal = [] {
    FILE* pipe = popen("gnuplot -e 'set terminal' 2>&1", "r");
    if (pipe == nullptr) throw Error("cannot run gnuplot (install gnuplot-nox: scripts/setup)");
    std::string listing;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) listing.append(buffer, n);
    const int status = pclose(pipe);
    if (status != 0 || listing.find("png") == std::string::npos) {
      throw Error("gnuplot is missing or offers no PNG terminal (install gnuplot-nox: scripts/setup); it said: " +
                  listing.substr(0, 300));
    }
    return std::string(listing.find("pngcairo") != std::string::npos ? "pngcairo" : "png");
  }();
  return terminal;
}

std::string GnuplotScript(const Figure& figure, const std::string& terminal, const std::string& output) {
  Validate(figure);
  const int rows = (static_cast<int>(figure.panels.size()) + figure.columns - 1) / figure.columns;
  const int columns = std::min<int>(figure.columns, figure.panels.size());
  const int width = columns * figure.panel_width_px;
  const int height = rows * figure.panel_height_px + (figure.title.empty() ? 0 : 40);
  std::string s = "reset\n";
  for (size_t p = 0; p < figure.panels.size(); ++p) {
    const Panel& panel = figure.panels[p];
    for (size_t k = 0; k < panel.series.size(); ++k) {
      const Series& series = panel.series[k];
      s += "$d" + std::to_string(p) + "_" + std::to_string(k) + " << EOD\n";
      for (size_t i = 0; i < series.x.size(); ++i) {
        s += Num(series.x[i]) + " " + Num(series.y[i]) + " " + Quote(series.labels.empty() ? "" : series.labels[i]) + "\n";
      }
      // Steps: x are the left edges of equal-width bins; close the last bin.
      if (series.style == Series::Style::kSteps && series.x.size() >= 2) {
        const size_t n = series.x.size();
        s += Num(2 * series.x[n - 1] - series.x[n - 2]) + " " + Num(series.y[n - 1]) + " \"\"\n";
      }
      s += "EOD\n";
    }
  }
  if (terminal == "svg") {
    s += "set terminal svg size " + std::to_string(width) + "," + std::to_string(height) +
         " noenhanced font 'DejaVu Sans,12' background rgb 'white'\n";
  } else {
    s += "set terminal " + terminal + " size " + std::to_string(width) + "," + std::to_string(height) +
         " noenhanced" + (terminal == "pngcairo" ? " font 'DejaVu Sans,10'" : "") + "\n";
  }
  s += "set output " + Quote(output) + "\n";
  s += "set multiplot layout " + std::to_string(rows) + "," + std::to_string(columns) +
       (figure.title.empty() ? "" : " title " + Quote(figure.title)) + "\n";
  for (size_t p = 0; p < figure.panels.size(); ++p) {
    const Panel& panel = figure.panels[p];
    s += "set title " + Quote(panel.title) + "\n";
    s += "set xlabel " + Quote(panel.x_label) + " offset 0,0.4\n";
    s += "set ylabel " + Quote(panel.y_label) + "\n";
    s += "set xrange " + Range(panel.x_min, panel.x_max) + "\n";
    s += "set yrange " + Range(panel.y_min, panel.y_max) + "\n";
    s += "set grid\nset key below maxrows 3 width 2 samplen 3\n";
    std::string plot;
    for (size_t k = 0; k < panel.series.size(); ++k) {
      const Series& series = panel.series[k];
      const std::string data = "$d" + std::to_string(p) + "_" + std::to_string(k);
      const char* style = series.style == Series::Style::kPoints  ? "points pointtype 7 pointsize 1.8"
                          : series.style == Series::Style::kSteps ? "steps linewidth 2"
                                                                  : "linespoints pointsize 1 linewidth 2";
      plot += (plot.empty() ? "plot " : ", ") + data + " using 1:2 with " + style + " linecolor " +
              std::to_string(k + 1) + " title " + Quote(series.title);
      if (!series.labels.empty()) {
        plot += ", " + data + " using 1:2:3 with labels offset 0,0.9 font ',8' textcolor lt " + std::to_string(k + 1) +
                " notitle";
      }
    }
    s += plot + "\n";
  }
  s += "unset multiplot\nunset output\n";
  return s;
}

std::vector<std::string> DrawFigure(const Figure& figure, const std::string& dir) {
  Validate(figure);
  const std::string stem = dir + "/" + figure.id;
  const std::string tmp = dir + "/." + figure.id + ".tmp." + std::to_string(getpid());
  const std::string png_tmp = tmp + ".png", svg_tmp = tmp + ".svg", err = tmp + ".err", status = tmp + ".status";
  const std::string script =
      GnuplotScript(figure, PngTerminal(), png_tmp) + GnuplotScript(figure, "svg", svg_tmp);
  {
    IgnoreSigpipe ignore;
    // gnuplot's messages go to a file; its exit status to another (the pipe's
    // own status is the shell's, which always succeeds).
    Gnuplot gp("gnuplot 2>" + ShellQuote(err) + "; echo $? >" + ShellQuote(status));
    gp << script;
    gp.flush();
  }  // ~Gnuplot closes the pipe and waits for gnuplot
  const std::string messages = ReadIfPresent(err);
  const std::string code = ReadIfPresent(status);
  std::remove(err.c_str());
  std::remove(status.c_str());
  const bool ok = code == "0\n" && !ReadIfPresent(png_tmp).empty() && !ReadIfPresent(svg_tmp).empty();
  if (!ok) {
    std::remove(png_tmp.c_str());
    std::remove(svg_tmp.c_str());
    throw Error("gnuplot failed to draw " + figure.id + " (exit status '" + (code.empty() ? "?" : code.substr(0, code.size() - 1)) +
                "'): " + messages.substr(0, 600));
  }
  for (const auto& [from, to] : {std::pair{png_tmp, stem + ".png"}, std::pair{svg_tmp, stem + ".svg"}}) {
    if (std::rename(from.c_str(), to.c_str()) != 0) throw Error("cannot rename " + from + " to " + to);
  }
  return {stem + ".png", stem + ".svg"};
}

}  // namespace rcdnn::analysis
