// Figures of the reproduction, drawn by gnuplot (driven through
// gnuplot-iostream) into PNG (pngcairo, or libgd's png where gnuplot lacks
// cairo) and SVG. A Figure is plain data: panels of series, laid out in a
// grid; legends carry the data set's display name ("LeNet on Fashion-MNIST
// (stand-in for MNIST)"), never a name the data does not have.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rcdnn::analysis {

struct Series {
  enum class Style { kLinesPoints, kPoints, kSteps };
  std::string title;  // legend entry
  std::vector<double> x, y;
  std::vector<std::string> labels;  // optional, one per point, drawn beside it ("8/32")
  Style style = Style::kLinesPoints;
};

struct Panel {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::optional<double> x_min, x_max, y_min, y_max;
};

struct Figure {
  std::string id;     // file stem: "fig9" -> fig9.png, fig9.svg
  std::string title;  // drawn above the panels
  std::vector<Panel> panels;
  int columns = 1;          // panels per row
  int panel_width_px = 640;
  int panel_height_px = 440;
};

// The PNG terminal this machine's gnuplot offers: "pngcairo" when
// `gnuplot -e "set terminal"` lists it, else "png". Throws rcdnn::Error when
// gnuplot cannot be run or has neither.
std::string PngTerminal();

// Draws <dir>/<id>.png and <dir>/<id>.svg (each written under a temporary
// name and renamed, so a failed draw leaves no half file); returns both
// paths. Throws rcdnn::Error with gnuplot's message when gnuplot fails, and
// when the figure has no panel, a panel no series, or a series mismatched
// x/y/label lengths.
std::vector<std::string> DrawFigure(const Figure& figure, const std::string& dir);

// The gnuplot script DrawFigure sends for one terminal (for tests and
// debugging): data blocks, then the plots into `output`.
std::string GnuplotScript(const Figure& figure, const std::string& terminal, const std::string& output);

}  // namespace rcdnn::analysis
