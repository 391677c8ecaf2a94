#include "analysis/figure.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <dirent.h>

#include "analysis/test_store.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::analysis {
namespace {

Figure Sample() {
  Panel curves{"LeNet on Fashion-MNIST (stand-in for MNIST)", "relative runtime", "accuracy", {}, 0, 1.05, 0, 1};
  curves.series.push_back({"golden \"quoted\" models", {0.1, 0.5, 1.0}, {0.7, 0.8, 0.85}, {"5/20", "10/20", "20/20"},
                           Series::Style::kLinesPoints});
  curves.series.push_back({"budget point", {1.0}, {0.86}, {}, Series::Style::kPoints});
  Panel histogram{"margins", "score margin", "images", {}, 0, 1, 0, std::nullopt};
  histogram.series.push_back({"channels 5/20", {0.0, 0.5}, {3, 7}, {}, Series::Style::kSteps});
  return Figure{"figtest", "A test figure", {curves, histogram}, 2, 400, 300};
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Figure, DrawsPngAndSvgWithTheLegend) {
  const std::string dir = testing::TempDir("figure");
  const std::vector<std::string> files = DrawFigure(Sample(), dir);
  ASSERT_EQ(files, (std::vector<std::string>{dir + "/figtest.png", dir + "/figtest.svg"}));
  const std::string png = ReadFileToString(files[0]);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const std::string svg = ReadFileToString(files[1]);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("Fashion-MNIST (stand-in for MNIST)"), std::string::npos);
  EXPECT_NE(svg.find("5/20"), std::string::npos);  // point labels
  // Nothing else is left behind (no temporary files).
  EXPECT_EQ(FilesIn(dir), (std::vector<std::string>{"figtest.png", "figtest.svg"}));
}

TEST(Figure, ScriptQuotesAndUsesTheTerminal) {
  const std::string script = GnuplotScript(Sample(), "svg", "/out/x.svg");
  EXPECT_NE(script.find("set terminal svg size 800,340"), std::string::npos);
  EXPECT_NE(script.find("set output \"/out/x.svg\""), std::string::npos);
  EXPECT_NE(script.find("title \"golden \\\"quoted\\\" models\""), std::string::npos);
  EXPECT_NE(script.find("set multiplot layout 1,2"), std::string::npos);
  // A step series gets a closing point at the right edge of its last bin.
  EXPECT_NE(script.find("\n1 7 \"\"\nEOD"), std::string::npos);
}

// The script of Sample() as it was before panels could carry diagrams: data
// figures must draw exactly as before.
TEST(Figure, DataFigureScriptIsUnchanged) {
  const std::string expected = R"gp(reset
$d0_0 << EOD
0.10000000000000001 0.69999999999999996 "5/20"
0.5 0.80000000000000004 "10/20"
1 0.84999999999999998 "20/20"
EOD
$d0_1 << EOD
1 0.85999999999999999 ""
EOD
$d1_0 << EOD
0 3 ""
0.5 7 ""
1 7 ""
EOD
set terminal svg size 800,340 noenhanced font 'DejaVu Sans,12' background rgb 'white'
set output "/out/x"
set multiplot layout 1,2 title "A test figure"
set title "LeNet on Fashion-MNIST (stand-in for MNIST)"
set xlabel "relative runtime" offset 0,0.4
set ylabel "accuracy"
set xrange [0:1.05]
set yrange [0:1]
set grid
set key below maxrows 3 width 2 samplen 3
plot $d0_0 using 1:2 with linespoints pointsize 1 linewidth 2 linecolor 1 title "golden \"quoted\" models", $d0_0 using 1:2:3 with labels offset 0,0.9 font ',8' textcolor lt 1 notitle, $d0_1 using 1:2 with points pointtype 7 pointsize 1.8 linecolor 2 title "budget point"
set title "margins"
set xlabel "score margin" offset 0,0.4
set ylabel "images"
set xrange [0:1]
set yrange [0:*]
set grid
set key below maxrows 3 width 2 samplen 3
plot $d1_0 using 1:2 with steps linewidth 2 linecolor 1 title "channels 5/20"
unset multiplot
unset output
)gp";
  EXPECT_EQ(GnuplotScript(Sample(), "svg", "/out/x"), expected);
  std::string png = expected;
  const std::string svg_terminal =
      "set terminal svg size 800,340 noenhanced font 'DejaVu Sans,12' background rgb 'white'";
  png.replace(png.find(svg_terminal), svg_terminal.size(),
              "set terminal pngcairo size 800,340 noenhanced font 'DejaVu Sans,10'");
  EXPECT_EQ(GnuplotScript(Sample(), "pngcairo", "/out/x"), png);
}

Panel DiagramPanel() {
  Panel panel{"a tile", "", "", {}, 0, 100, 0, 50};
  panel.diagram.boxes.push_back({10, 20, 40, 45, "NBin: input buffer", {"5 KB", "61.25 mW"}, "#dbe9f6", false});
  panel.diagram.boxes.push_back({60, 20, 90, 45, "Margin controller", {"12 ns"}, "#fbd5b5", true});
  panel.diagram.arrows.push_back({40, 30, 60, 30, true, false, {"16 inputs / cycle"}, 0, 2, DiagramText::Align::kCenter});
  panel.diagram.arrows.push_back({75, 45, 75, 49, false, true, {}, 0, 0, DiagramText::Align::kCenter});
  panel.diagram.texts.push_back({50, 5, {"solid: data", "dashed: control"}, DiagramText::Align::kLeft});
  return panel;
}

TEST(Figure, DiagramScriptDrawsBoxesArrowsAndLabelsWithAxesOff) {
  const Figure figure{"diagram", "A diagram", {DiagramPanel()}, 1, 800, 400};
  const std::string script = GnuplotScript(figure, "pngcairo", "/out/d.png");
  for (const char* part : {
           "set title \"a tile\"\n",
           "set xrange [0:100]\nset yrange [0:50]\n",
           "unset grid\nunset key\nunset border\nunset xtics\nunset ytics\n",
           "set object rectangle from 10,20 to 40,45 back fillcolor rgb \"#dbe9f6\" fillstyle solid 1.0 border "
           "linecolor rgb \"black\" linewidth 1.2\n",
           // The highlighted block has a thick border.
           "set object rectangle from 60,20 to 90,45 back fillcolor rgb \"#fbd5b5\" fillstyle solid 1.0 border "
           "linecolor rgb \"black\" linewidth 3\n",
           // Title one line below the top edge, bold; the lines centred below it.
           "set label \"NBin: input buffer\" at 25,45 center offset 0,-1 font \"DejaVu Sans:Bold\" front\n",
           "set label \"5 KB\" at 25,32.5 center offset 0,0 front\n",
           "set label \"61.25 mW\" at 25,32.5 center offset 0,-1 front\n",
           "set arrow from 40,30 to 60,30 head filled size character 1.2,20 linewidth 1.5 dashtype 1 linecolor rgb "
           "\"black\" front\n",
           "set label \"16 inputs / cycle\" at 50,32 center offset 0,0 front\n",
           "set arrow from 75,45 to 75,49 nohead linewidth 1.5 dashtype 2 linecolor rgb \"black\" front\n",
           "set label \"solid: data\" at 50,5 left offset 0,0.5 front\n",
           "set label \"dashed: control\" at 50,5 left offset 0,-0.5 front\n",
           "plot NaN notitle\nunset object\nunset label\nunset arrow\nset border\nset xtics\nset ytics\n"}) {
    EXPECT_NE(script.find(part), std::string::npos) << part << "\nnot in\n" << script;
  }
  EXPECT_EQ(script.find("EOD"), std::string::npos);  // no data blocks
  // svg takes no bold face through the font name: a larger size instead.
  EXPECT_NE(GnuplotScript(figure, "svg", "/out/d.svg")
                .find("set label \"NBin: input buffer\" at 25,45 center offset 0,-1 font \",13\" front"),
            std::string::npos);
}

TEST(Figure, DrawsADiagramBesideADataPanel) {
  const std::string dir = testing::TempDir("diagram");
  Figure figure = Sample();
  figure.panels.insert(figure.panels.begin(), DiagramPanel());
  figure.id = "diagram";
  const std::vector<std::string> files = DrawFigure(figure, dir);
  ASSERT_EQ(files.size(), 2u);
  const std::string png = ReadFileToString(files[0]);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const std::string svg = ReadFileToString(files[1]);
  for (const char* text : {"NBin: input buffer", "61.25 mW", "16 inputs / cycle", "dashed: control", "5/20"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  }
  // The data panels after the diagram get their border and tics back.
  const std::string script = GnuplotScript(figure, "svg", "/out/x.svg");
  EXPECT_LT(script.find("set border\nset xtics\nset ytics\n"), script.find("set title \"LeNet on"));
}

TEST(Figure, RejectsMalformedDiagrams) {
  const auto rejects = [](const Panel& panel, const std::string& message) {
    try {
      GnuplotScript(Figure{"bad", "", {panel}, 1, 400, 300}, "svg", "/out/x.svg");
      ADD_FAILURE() << "expected an error: " << message;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  };
  Panel p = DiagramPanel();
  p.y_max.reset();
  rejects(p, "needs finite x_min < x_max and y_min < y_max");
  p = DiagramPanel();
  p.diagram.boxes[0].x1 = 5;  // left of x0
  rejects(p, "box 'NBin: input buffer' needs finite corners");
  p = DiagramPanel();
  p.diagram.boxes[1].fill = "orange";
  rejects(p, "fill 'orange' is not a colour");
  p = DiagramPanel();
  p.diagram.arrows[0].x1 = 40;
  p.diagram.arrows[0].y1 = 30;
  rejects(p, "two distinct ends");
  p = DiagramPanel();
  p.diagram.texts[0].x = std::nan("");
  rejects(p, "a text needs a finite position");
  p = DiagramPanel();
  p.series.push_back({"s", {1}, {1}, {}, Series::Style::kPoints});
  rejects(p, "also has series");
}

TEST(Figure, PngTerminalIsOneGnuplotOffers) {
  const std::string terminal = PngTerminal();
  EXPECT_TRUE(terminal == "pngcairo" || terminal == "png") << terminal;
}

TEST(Figure, RejectsMalformedFigures) {
  Figure f = Sample();
  f.panels[0].series[0].labels.pop_back();
  EXPECT_THROW(DrawFigure(f, testing::TempDir("bad1")), Error);
  f = Sample();
  f.panels[1].series.clear();
  EXPECT_THROW(DrawFigure(f, testing::TempDir("bad2")), Error);
  f = Sample();
  f.panels.clear();
  EXPECT_THROW(DrawFigure(f, testing::TempDir("bad3")), Error);
}

TEST(Figure, FailureIsAnErrorAndLeavesNoFile) {
  try {
    DrawFigure(Sample(), "/nonexistent-folder-for-figure-test");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gnuplot failed to draw figtest"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rcdnn::analysis
