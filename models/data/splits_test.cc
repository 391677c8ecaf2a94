#include "models/data/splits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "common/error.h"
#include "models/data/test_files.h"

namespace rcdnn::data {
namespace {

// The expected values below come from an independent Python re-implementation
// of std::mt19937_64 (checked against the standard's 10000th-output value),
// BoundedDraw and the Fisher-Yates loop. They pin the split bit for bit.

TEST(SplitsTest, Mt19937_64IsTheStandardEngine) {
  std::mt19937_64 rng;  // Default seed 5489.
  rng.discard(9999);
  EXPECT_EQ(rng(), 9981545732273789042ull);  // [rand.predef] in the C++ standard.
}

TEST(SplitsTest, BoundedDrawIsPinnedAndInRange) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> draws;
  for (int i = 0; i < 8; ++i) draws.push_back(BoundedDraw(rng, 7));
  EXPECT_EQ(draws, (std::vector<uint64_t>{2, 2, 4, 5, 2, 0, 6, 4}));
  for (uint64_t bound : {1ull, 2ull, 3ull, 1000ull, (1ull << 63) + 1}) {
    for (int i = 0; i < 100; ++i) EXPECT_LT(BoundedDraw(rng, bound), bound);
  }
  EXPECT_THROW(BoundedDraw(rng, 0), Error);
}

TEST(SplitsTest, BoundedDrawIsRoughlyUniform) {
  std::mt19937_64 rng(3);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60000; ++i) counts[BoundedDraw(rng, 6)]++;
  for (int count : counts) EXPECT_NEAR(count, 10000, 400);  // About 4.4 standard deviations.
}

TEST(SplitsTest, FisherYatesIsPinnedAndAPermutation) {
  std::vector<int64_t> items(10);
  std::iota(items.begin(), items.end(), 0);
  std::mt19937_64 rng(20160101);
  FisherYatesShuffle(items, rng);
  EXPECT_EQ(items, (std::vector<int64_t>{3, 9, 8, 5, 6, 7, 2, 0, 4, 1}));
  std::vector<int64_t> big(1001);
  std::iota(big.begin(), big.end(), 0);
  FisherYatesShuffle(big, rng);
  std::sort(big.begin(), big.end());
  for (int64_t i = 0; i <= 1000; ++i) ASSERT_EQ(big[i], i);
}

TEST(SplitsTest, HoldOutFractionPerClassIsPinned) {
  const std::vector<uint8_t> labels = testing::CyclicLabels(50);  // 5 per class.
  const IndexSplit split = HoldOutFractionPerClass(labels, 0.4, 7);
  EXPECT_EQ(split.held_out, (std::vector<int64_t>{10, 13, 17, 19, 21, 22, 25, 26, 28, 29, 30, 32, 34, 35, 37, 38,
                                                  41, 43, 44, 46}));
  EXPECT_EQ(split.kept.size(), 30u);
  EXPECT_TRUE(std::is_sorted(split.kept.begin(), split.kept.end()));
}

TEST(SplitsTest, HoldOutTakesATenthOfEachClassRounded) {
  // MNIST's t10k class sizes: 10% rounds to 98 114 103 101 98 89 96 103 97 101 = 1000.
  const std::vector<int64_t> sizes = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  const std::vector<int64_t> expected = {98, 114, 103, 101, 98, 89, 96, 103, 97, 101};
  std::vector<uint8_t> labels;
  for (int c = 0; c < 10; ++c) labels.insert(labels.end(), sizes[c], static_cast<uint8_t>(c));
  const IndexSplit split = HoldOutFractionPerClass(labels, 0.1, 20160101);
  std::vector<int64_t> held(10, 0), kept(10, 0);
  for (int64_t i : split.held_out) held[labels[i]]++;
  for (int64_t i : split.kept) kept[labels[i]]++;
  EXPECT_EQ(held, expected);
  for (int c = 0; c < 10; ++c) EXPECT_EQ(held[c] + kept[c], sizes[c]);
  std::vector<int64_t> all = split.held_out;
  all.insert(all.end(), split.kept.begin(), split.kept.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "an index is in both parts";
  EXPECT_EQ(all.size(), labels.size());
}

TEST(SplitsTest, SameSeedSameSplitOtherSeedOtherSplit) {
  const std::vector<uint8_t> labels = testing::CyclicLabels(2000);
  const IndexSplit a = HoldOutFractionPerClass(labels, 0.1, 42);
  const IndexSplit b = HoldOutFractionPerClass(labels, 0.1, 42);
  const IndexSplit c = HoldOutFractionPerClass(labels, 0.1, 43);
  EXPECT_EQ(a.held_out, b.held_out);
  EXPECT_EQ(a.kept, b.kept);
  EXPECT_NE(a.held_out, c.held_out);
  EXPECT_EQ(a.held_out.size(), c.held_out.size());
}

TEST(SplitsTest, HoldOutCountPerClassNeedsEnoughOfEachClass) {
  const std::vector<uint8_t> labels = testing::CyclicLabels(100);
  const IndexSplit split = HoldOutCountPerClass(labels, 4, 1, "tiny");
  EXPECT_EQ(split.held_out.size(), 40u);
  EXPECT_EQ(split.kept.size(), 60u);
  try {
    HoldOutCountPerClass(labels, 11, 1, "'train_32x32.mat'");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'train_32x32.mat' has only 10 images of class 0"), std::string::npos)
        << e.what();
  }
}

TEST(SplitsTest, BalancedPrefixRoundRobinsOverClasses) {
  // Classes 0,0,0,0,1,1,2: round-robin takes 0,1,2 then 0,1 then 0,...
  const std::vector<uint8_t> labels = {0, 0, 0, 0, 1, 1, 2};
  EXPECT_EQ(BalancedPrefix(labels, 3), (std::vector<int64_t>{0, 4, 6}));
  EXPECT_EQ(BalancedPrefix(labels, 5), (std::vector<int64_t>{0, 1, 4, 5, 6}));
  EXPECT_EQ(BalancedPrefix(labels, 6), (std::vector<int64_t>{0, 1, 2, 4, 5, 6}));
  EXPECT_EQ(BalancedPrefix(labels, -1).size(), 7u);
  EXPECT_EQ(BalancedPrefix(labels, 100).size(), 7u);
  EXPECT_TRUE(BalancedPrefix(labels, 0).empty());
}

}  // namespace
}  // namespace rcdnn::data
