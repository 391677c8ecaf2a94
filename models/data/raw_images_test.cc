#include "models/data/raw_images.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::data {
namespace {

RawImages ThreeImages() {
  RawImages images;
  images.channels = 1;
  images.height = 1;
  images.width = 2;
  images.pixels = {10, 11, 20, 21, 30, 31};
  images.labels = {1, 2, 3};
  images.sources = {{"a", "00"}};
  return images;
}

TEST(RawImagesTest, SelectCopiesImagesAndLabelsInIndexOrder) {
  const RawImages picked = Select(ThreeImages(), {2, 0});
  EXPECT_EQ(picked.size(), 2);
  EXPECT_EQ(picked.pixels, (std::vector<uint8_t>{30, 31, 10, 11}));
  EXPECT_EQ(picked.labels, (std::vector<uint8_t>{3, 1}));
  EXPECT_THROW(Select(ThreeImages(), {3}), Error);
  EXPECT_THROW(Select(ThreeImages(), {-1}), Error);
}

TEST(RawImagesTest, AppendChecksShapes) {
  RawImages all;
  Append(all, ThreeImages());
  Append(all, ThreeImages());
  EXPECT_EQ(all.size(), 6);
  EXPECT_EQ(all.width, 2);
  RawImages other = ThreeImages();
  other.width = 1;
  other.pixels.resize(3);
  EXPECT_THROW(Append(all, other), Error);
}

TEST(RawImagesTest, CombinedChecksumDependsOnOrderAndContent) {
  const SourceFile a{"a", "01"}, b{"b", "02"};
  EXPECT_EQ(CombinedChecksum({a, b}), CombinedChecksum({a, b}));
  EXPECT_NE(CombinedChecksum({a, b}), CombinedChecksum({b, a}));
  EXPECT_NE(CombinedChecksum({a, b}), CombinedChecksum({a, {"b", "03"}}));
  EXPECT_EQ(CombinedChecksum({a, b}).size(), 64u);
}

}  // namespace
}  // namespace rcdnn::data
