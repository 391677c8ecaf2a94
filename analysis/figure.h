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

// A block diagram's elements, in the panel's own coordinates (x_min..x_max,
// y_min..y_max, all four set). Text is one label per line, so that line
// spacing follows the font (gnuplot's character units), not the coordinates.
struct DiagramBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // lower-left and upper-right corners
  std::string title;                      // bold where the terminal can, one line below the top edge
  std::vector<std::string> lines;         // centred in the box (below the title where there is one)
  std::string fill = "#ffffff";           // "#rrggbb"
  bool emphasis = false;                  // a thick border: the block the figure highlights
};

struct DiagramText {
  enum class Align { kLeft, kCenter, kRight };
  double x = 0, y = 0;  // the anchor; several lines are centred on it vertically
  std::vector<std::string> lines;
  Align align = Align::kCenter;
};

struct DiagramArrow {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // from, to (the head is at `to`)
  bool head = true;                       // false: one segment of a routed connection
  bool dashed = false;                    // control rather than data
  // Drawn at the segment's midpoint moved by (label_dx, label_dy) panel units.
  std::vector<std::string> label;
  double label_dx = 0, label_dy = 0;
  DiagramText::Align label_align = DiagramText::Align::kCenter;
};

struct Diagram {
  std::vector<DiagramBox> boxes;  // drawn first, later ones on top
  std::vector<DiagramArrow> arrows;
  std::vector<DiagramText> texts;
  bool empty() const { return boxes.empty() && arrows.empty() && texts.empty(); }
};

// A panel draws either series on axes or, when `diagram` is not empty, a
// diagram with axes, grid and key off (and no series).
struct Panel {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::optional<double> x_min, x_max, y_min, y_max;
  Diagram diagram{};  // the initializer keeps aggregate initialisations that omit it warning-free
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
// when the figure has no panel, a panel neither series nor diagram (or
// both), a series mismatched x/y/label lengths, or a diagram panel unset
// ranges, an empty or inverted box, a non-finite coordinate or a fill that
// is not "#rrggbb".
std::vector<std::string> DrawFigure(const Figure& figure, const std::string& dir);

// The gnuplot script DrawFigure sends for one terminal (for tests and
// debugging): data blocks, then the plots into `output`.
std::string GnuplotScript(const Figure& figure, const std::string& terminal, const std::string& output);

}  // namespace rcdnn::analysis
