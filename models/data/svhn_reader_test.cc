#include "models/data/svhn_reader.h"

#include <gtest/gtest.h>

#include "models/data/test_files.h"

namespace rcdnn::data {
namespace {

using testing::ErrorOf;
using testing::FreshDir;
using testing::MatSpec;
using testing::Pattern;
using testing::WriteSvhnMat;

void ExpectPatternInNchw(const RawImages& raw) {
  ASSERT_EQ(raw.pixels.size(), static_cast<size_t>(raw.size()) * 3072);
  for (int64_t n = 0; n < raw.size(); ++n) {
    for (int ch = 0; ch < 3; ++ch) {
      for (int r = 0; r < 32; ++r) {
        for (int c = 0; c < 32; ++c) {
          ASSERT_EQ(raw.pixels[((n * 3 + ch) * 32 + r) * 32 + c], Pattern(n, ch, r, c))
              << "image " << n << " channel " << ch << " row " << r << " col " << c;
        }
      }
    }
  }
}

TEST(SvhnReaderTest, HandMadeCornersLandWhereNchwPutsThem) {
  // Independent of Pattern: one bright pixel per plane at a known MATLAB
  // position X(r, c, ch, n) (0-based) must appear at row r, column c.
  const std::string path = FreshDir("svhn_corner") + "/train_32x32.mat";
  std::vector<uint8_t> x(32 * 32 * 3 * 2, 0);
  x[1 + 32 * (30 + 32 * (0 + 3 * 0))] = 200;  // X(1, 30, R, 0): row 1, col 30.
  x[31 + 32 * (0 + 32 * (2 + 3 * 1))] = 100;  // X(31, 0, B, 1): row 31, col 0.
  size_t x_dims[4] = {32, 32, 3, 2}, y_dims[2] = {2, 1};
  double y[2] = {10, 3};
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  ASSERT_NE(mat, nullptr);
  matvar_t* xv = Mat_VarCreate("X", MAT_C_UINT8, MAT_T_UINT8, 4, x_dims, x.data(), 0);
  matvar_t* yv = Mat_VarCreate("y", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, y_dims, y, 0);
  ASSERT_EQ(Mat_VarWrite(mat, xv, MAT_COMPRESSION_NONE), 0);
  ASSERT_EQ(Mat_VarWrite(mat, yv, MAT_COMPRESSION_NONE), 0);
  Mat_VarFree(xv);
  Mat_VarFree(yv);
  Mat_Close(mat);

  const RawImages raw = ReadSvhnMat(path);
  EXPECT_EQ(raw.labels, (std::vector<uint8_t>{0, 3}));  // Label 10 is digit 0.
  int nonzero = 0;
  for (uint8_t p : raw.pixels) nonzero += p != 0;
  EXPECT_EQ(nonzero, 2);
  EXPECT_EQ(raw.pixels[(0 * 3 + 0) * 1024 + 1 * 32 + 30], 200);
  EXPECT_EQ(raw.pixels[(1 * 3 + 2) * 1024 + 31 * 32 + 0], 100);
}

TEST(SvhnReaderTest, ReadsUncompressedAndCompressedMat5) {
  const std::string dir = FreshDir("svhn_mat5");
  for (auto compression : {MAT_COMPRESSION_NONE, MAT_COMPRESSION_ZLIB}) {
    MatSpec spec;
    spec.compression = compression;
    const std::string path = dir + "/train_32x32.mat";
    ASSERT_TRUE(WriteSvhnMat(path, 7, testing::CyclicSvhnLabels(7), spec));
    const RawImages raw = ReadSvhnMat(path);
    EXPECT_EQ(raw.size(), 7);
    EXPECT_EQ(raw.channels, 3);
    EXPECT_EQ(raw.labels, testing::CyclicLabels(7));
    ExpectPatternInNchw(raw);
    ASSERT_EQ(raw.sources.size(), 1u);
    EXPECT_EQ(raw.sources[0].name, "train_32x32.mat");
  }
}

TEST(SvhnReaderTest, ReadsMat73WhenLibmatioHasHdf5) {
  const std::string path = FreshDir("svhn_mat73") + "/test_32x32.mat";
  MatSpec spec;
  spec.version = MAT_FT_MAT73;
  if (!WriteSvhnMat(path, 3, testing::CyclicSvhnLabels(3), spec)) GTEST_SKIP() << "libmatio built without HDF5";
  const RawImages raw = ReadSvhnMat(path);
  EXPECT_EQ(raw.labels, testing::CyclicLabels(3));
  ExpectPatternInNchw(raw);
}

TEST(SvhnReaderTest, AcceptsUint8LabelsRowVectorAndASingleImage) {
  const std::string dir = FreshDir("svhn_variants");
  MatSpec spec;
  spec.y_class = MAT_C_UINT8;
  spec.y_dims = {1, 5};
  ASSERT_TRUE(WriteSvhnMat(dir + "/a.mat", 5, {1, 2, 3, 10, 9}, spec));
  EXPECT_EQ(ReadSvhnMat(dir + "/a.mat").labels, (std::vector<uint8_t>{1, 2, 3, 0, 9}));
  MatSpec single;
  single.x_dims = {32, 32, 3};  // MATLAB drops the trailing singleton dimension.
  ASSERT_TRUE(WriteSvhnMat(dir + "/b.mat", 1, {4}, single));
  const RawImages raw = ReadSvhnMat(dir + "/b.mat");
  EXPECT_EQ(raw.size(), 1);
  ExpectPatternInNchw(raw);
}

TEST(SvhnReaderTest, MissingFileAndNonMatFileNameThePath) {
  const std::string dir = FreshDir("svhn_missing");
  EXPECT_NE(ErrorOf([&] { ReadSvhnMat(dir + "/train_32x32.mat"); }).find(dir + "/train_32x32.mat"), std::string::npos);
  testing::WriteBytes(dir + "/text.mat", "not a mat file at all");
  EXPECT_NE(ErrorOf([&] { ReadSvhnMat(dir + "/text.mat"); }).find(dir + "/text.mat"), std::string::npos);
}

TEST(SvhnReaderTest, MissingXOrYIsAnError) {
  const std::string dir = FreshDir("svhn_missing_var");
  MatSpec no_x, no_y;
  no_x.write_x = false;
  no_y.write_y = false;
  ASSERT_TRUE(WriteSvhnMat(dir + "/no_x.mat", 2, {1, 2}, no_x));
  ASSERT_TRUE(WriteSvhnMat(dir + "/no_y.mat", 2, {1, 2}, no_y));
  std::string message = ErrorOf([&] { ReadSvhnMat(dir + "/no_x.mat"); });
  EXPECT_NE(message.find(dir + "/no_x.mat"), std::string::npos) << message;
  EXPECT_NE(message.find("no variable 'X'"), std::string::npos) << message;
  message = ErrorOf([&] { ReadSvhnMat(dir + "/no_y.mat"); });
  EXPECT_NE(message.find(dir + "/no_y.mat"), std::string::npos) << message;
  EXPECT_NE(message.find("no variable 'y'"), std::string::npos) << message;
}

TEST(SvhnReaderTest, WrongXShapeOrClassIsAnError) {
  const std::string dir = FreshDir("svhn_shape");
  MatSpec small, as_double, rank2;
  small.x_dims = {28, 28, 3, 2};
  as_double.x_class = MAT_C_DOUBLE;
  rank2.x_dims = {1024, 6};
  ASSERT_TRUE(WriteSvhnMat(dir + "/small.mat", 2, {1, 2}, small));
  ASSERT_TRUE(WriteSvhnMat(dir + "/double.mat", 2, {1, 2}, as_double));
  ASSERT_TRUE(WriteSvhnMat(dir + "/rank2.mat", 2, {1, 2}, rank2));
  for (const std::string name : {"small.mat", "double.mat", "rank2.mat"}) {
    const std::string message = ErrorOf([&] { ReadSvhnMat(dir + "/" + name); });
    EXPECT_NE(message.find(dir + "/" + name), std::string::npos) << message;
    EXPECT_NE(message.find("32x32x3xN"), std::string::npos) << message;
  }
}

TEST(SvhnReaderTest, LabelCountMismatchIsAnError) {
  const std::string path = FreshDir("svhn_count") + "/train_32x32.mat";
  ASSERT_TRUE(WriteSvhnMat(path, 3, {1, 2}));
  const std::string message = ErrorOf([&] { ReadSvhnMat(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("X holds 3 images"), std::string::npos) << message;
}

TEST(SvhnReaderTest, LabelsOutsideOneToTenAreErrors) {
  const std::string dir = FreshDir("svhn_labels");
  const std::vector<std::vector<double>> bad = {{1, 0}, {1, 11}, {2.5, 1}, {-1, 3}};
  for (size_t i = 0; i < bad.size(); ++i) {
    const std::string path = dir + "/bad" + std::to_string(i) + ".mat";
    ASSERT_TRUE(WriteSvhnMat(path, 2, bad[i]));
    const std::string message = ErrorOf([&] { ReadSvhnMat(path); });
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("1..10"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace rcdnn::data
