#include "analysis/figure.h"

#include <gtest/gtest.h>

#include <algorithm>
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
