#include "models/data/preprocess.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::data {
namespace {

RawImages TwoImages() {
  RawImages images;
  images.channels = 2;
  images.height = 1;
  images.width = 2;
  images.pixels = {0, 255, 10, 20, /* image 1: */ 2, 1, 30, 40};
  images.labels = {4, 7};
  return images;
}

TEST(PreprocessTest, ScaleToUnitDividesBy256LikeCaffeLenet) {
  const ImageSet set = ScaleToUnit(TwoImages());
  EXPECT_EQ(set.channels, 2);
  EXPECT_EQ(set.height, 1);
  EXPECT_EQ(set.width, 2);
  EXPECT_EQ(set.labels, (std::vector<uint8_t>{4, 7}));
  ASSERT_EQ(set.images.size(), 8u);
  EXPECT_EQ(set.images[0], 0.0f);
  EXPECT_EQ(set.images[1], 255.0f * 0.00390625f);  // Exact: 0.99609375.
  EXPECT_EQ(set.images[1], 0.99609375f);
}

TEST(PreprocessTest, MeanImageIsPerPixel) {
  EXPECT_EQ(MeanImage(TwoImages()), (std::vector<float>{1, 128, 20, 30}));
  EXPECT_THROW(MeanImage(RawImages()), Error);
}

TEST(PreprocessTest, SubtractMeanKeepsTheRawRange) {
  const RawImages images = TwoImages();
  const ImageSet set = SubtractMean(images, MeanImage(images));
  EXPECT_EQ(set.images, (std::vector<float>{-1, 127, -10, -10, 1, -127, 10, 10}));
  EXPECT_THROW(SubtractMean(images, {1, 2}), Error);
}

}  // namespace
}  // namespace rcdnn::data
