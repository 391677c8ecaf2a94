#include "analysis/figure.h"

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <initializer_list>
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

bool Finite(std::initializer_list<double> values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

void ValidateDiagram(const std::string& id, const Panel& panel) {
  const std::string where = "figure " + id + ": diagram panel '" + panel.title + "'";
  if (!panel.series.empty()) throw Error(where + " also has series (draw them in a panel of their own)");
  if (!panel.x_min || !panel.x_max || !panel.y_min || !panel.y_max || !Finite({*panel.x_min, *panel.x_max, *panel.y_min, *panel.y_max}) ||
      *panel.x_min >= *panel.x_max || *panel.y_min >= *panel.y_max) {
    throw Error(where + " needs finite x_min < x_max and y_min < y_max: its elements are placed in those coordinates");
  }
  for (const DiagramBox& box : panel.diagram.boxes) {
    const std::string name = where + ", box '" + box.title + "'";
    if (!Finite({box.x0, box.y0, box.x1, box.y1}) || box.x0 >= box.x1 || box.y0 >= box.y1) {
      throw Error(name + " needs finite corners with x0 < x1 and y0 < y1");
    }
    const bool hex = box.fill.size() == 7 && box.fill[0] == '#' &&
                     box.fill.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
    if (!hex) throw Error(name + ": fill '" + box.fill + "' is not a colour \"#rrggbb\"");
  }
  for (const DiagramArrow& arrow : panel.diagram.arrows) {
    if (!Finite({arrow.x0, arrow.y0, arrow.x1, arrow.y1, arrow.label_dx, arrow.label_dy}) ||
        (arrow.x0 == arrow.x1 && arrow.y0 == arrow.y1)) {
      throw Error(where + ": an arrow needs finite coordinates and two distinct ends");
    }
  }
  for (const DiagramText& text : panel.diagram.texts) {
    if (!Finite({text.x, text.y})) throw Error(where + ": a text needs a finite position");
  }
}

const char* AlignWord(DiagramText::Align align) {
  switch (align) {
    case DiagramText::Align::kLeft:
      return "left";
    case DiagramText::Align::kRight:
      return "right";
    case DiagramText::Align::kCenter:
      break;
  }
  return "center";
}

// Lines centred vertically on (x, y), shifted `shift` character heights up;
// one label per line so that spacing follows the font.
std::string LabelLines(const std::vector<std::string>& lines, double x, double y, DiagramText::Align align, double shift,
                       const std::string& font) {
  std::string s;
  const double n = static_cast<double>(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const double offset = (n - 1) / 2 - static_cast<double>(i) + shift;
    s += "set label " + Quote(lines[i]) + " at " + Num(x) + "," + Num(y) + " " + AlignWord(align) + " offset 0," +
         Num(offset) + (font.empty() ? "" : " font " + Quote(font)) + " front\n";
  }
  return s;
}

// A diagram panel: boxes (objects behind), their text, arrows and free text
// (in front), on an empty plot with axes off; then the settings it changed
// are restored for any panel after it.
std::string DiagramScript(const Panel& panel, const std::string& terminal) {
  // svg cannot take a bold face through the font name: a larger size instead.
  const std::string title_font = terminal == "svg" ? ",13" : "DejaVu Sans:Bold";
  std::string s = "set title " + Quote(panel.title) + "\n";
  s += "unset xlabel\nunset ylabel\n";
  s += "set xrange " + Range(panel.x_min, panel.x_max) + "\n";
  s += "set yrange " + Range(panel.y_min, panel.y_max) + "\n";
  s += "unset grid\nunset key\nunset border\nunset xtics\nunset ytics\n";
  for (const DiagramBox& box : panel.diagram.boxes) {
    s += "set object rectangle from " + Num(box.x0) + "," + Num(box.y0) + " to " + Num(box.x1) + "," + Num(box.y1) +
         " back fillcolor rgb " + Quote(box.fill) + " fillstyle solid 1.0 border linecolor rgb \"black\" linewidth " +
         (box.emphasis ? "3" : "1.2") + "\n";
    const double cx = (box.x0 + box.x1) / 2, cy = (box.y0 + box.y1) / 2;
    if (!box.title.empty()) s += LabelLines({box.title}, cx, box.y1, DiagramText::Align::kCenter, -1, title_font);
    s += LabelLines(box.lines, cx, cy, DiagramText::Align::kCenter, box.title.empty() ? 0 : -0.5, "");
  }
  for (const DiagramArrow& arrow : panel.diagram.arrows) {
    s += "set arrow from " + Num(arrow.x0) + "," + Num(arrow.y0) + " to " + Num(arrow.x1) + "," + Num(arrow.y1) +
         (arrow.head ? " head filled size character 1.2,20" : " nohead") + " linewidth 1.5 dashtype " +
         (arrow.dashed ? "2" : "1") + " linecolor rgb \"black\" front\n";
    s += LabelLines(arrow.label, (arrow.x0 + arrow.x1) / 2 + arrow.label_dx, (arrow.y0 + arrow.y1) / 2 + arrow.label_dy,
                    arrow.label_align, 0, "");
  }
  for (const DiagramText& text : panel.diagram.texts) s += LabelLines(text.lines, text.x, text.y, text.align, 0, "");
  s += "plot NaN notitle\n";
  s += "unset object\nunset label\nunset arrow\nset border\nset xtics\nset ytics\n";
  return s;
}

void Validate(const Figure& figure) {
  if (figure.id.empty()) throw Error("figure '" + figure.title + "' has no id");
  if (figure.panels.empty()) throw Error("figure " + figure.id + " has no panel");
  if (figure.columns < 1) throw Error("figure " + figure.id + ": columns must be >= 1");
  for (const Panel& panel : figure.panels) {
    if (!panel.diagram.empty()) {
      ValidateDiagram(figure.id, panel);
      continue;
    }
    if (panel.series.empty()) throw Error("figure " + figure.id + ": panel '" + panel.title + "' has no series (nor a diagram)");
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
    if (!panel.diagram.empty()) {
      s += DiagramScript(panel, terminal);
      continue;
    }
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
