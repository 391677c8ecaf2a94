#include "models/subnets/subnet_util.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/error.h"
#include "models/train/test_net.h"

namespace rcdnn::models::subnets {
namespace {

NetParams Filled(const NetSpec& spec, float value, int heads = 1) {
  NetParams p = ZerosLike(spec, heads);
  for (auto& l : p.sliced) {
    l.weights.setConstant(value);
    l.bias.setConstant(value);
  }
  for (auto& h : p.heads) {
    h.weights.setConstant(value);
    h.bias.setConstant(value);
  }
  return p;
}

TEST(SubnetUtil, AddActiveBlocksTouchesOnlyTheBlock) {
  const NetSpec spec = testing::TinySpec();  // conv1 8 (1x3x3), ip1 12 (8*4*4 inputs), head 3x12
  const Widths w{2, 3};
  NetParams to = Filled(spec, 1.0f);
  AddActiveBlocks(spec, w, 0, Filled(spec, 2.0f), &to);
  EXPECT_EQ(to.sliced[0].weights.topLeftCorner(2, 9).minCoeff(), 3.0f);
  EXPECT_EQ(to.sliced[0].weights.bottomRows(6).maxCoeff(), 1.0f);
  EXPECT_EQ(to.sliced[0].bias.head(2).minCoeff(), 3.0f);
  EXPECT_EQ(to.sliced[0].bias.tail(6).maxCoeff(), 1.0f);
  EXPECT_EQ(to.sliced[1].weights.topLeftCorner(3, 2 * 16).minCoeff(), 3.0f);
  EXPECT_EQ(to.sliced[1].weights.rightCols(6 * 16).maxCoeff(), 1.0f);
  EXPECT_EQ(to.heads[0].weights.leftCols(3).minCoeff(), 3.0f);
  EXPECT_EQ(to.heads[0].weights.rightCols(9).maxCoeff(), 1.0f);
  EXPECT_EQ(to.heads[0].bias.minCoeff(), 3.0f);  // the classes are always active
}

TEST(SubnetUtil, CopyActiveBlocksCopiesTheBlockAcrossHeads) {
  const NetSpec spec = testing::TinySpec();
  NetParams from = Filled(spec, 5.0f, 2);
  from.heads[1].weights.setConstant(7.0f);
  NetParams to = ZerosLike(spec, 1);
  CopyActiveBlocks(spec, {4, 6}, from, 1, &to, 0);
  EXPECT_EQ(to.sliced[0].weights.topRows(4).minCoeff(), 5.0f);
  EXPECT_EQ(to.sliced[0].weights.bottomRows(4).maxCoeff(), 0.0f);
  EXPECT_EQ(to.sliced[1].weights.topLeftCorner(6, 64).minCoeff(), 5.0f);
  EXPECT_EQ(to.sliced[1].weights.rightCols(64).maxCoeff(), 0.0f);
  EXPECT_EQ(to.heads[0].weights.leftCols(6).minCoeff(), 7.0f);
  EXPECT_EQ(to.heads[0].weights.rightCols(6).maxCoeff(), 0.0f);
}

TEST(SubnetUtil, UnionWidthsIsThePerLayerMaximum) {
  const NetSpec spec = testing::TinySpec();
  EXPECT_EQ(UnionWidths(spec, {{2, 12}, {8, 3}, {4, 6}}), (Widths{8, 12}));
  EXPECT_THROW(UnionWidths(spec, {}), Error);
  EXPECT_THROW(UnionWidths(spec, {{9, 3}}), Error);
}

TEST(SubnetUtil, SharedModelNamesItsSubnetsThroughAModelFile) {
  const NetSpec spec = testing::TinySpec();
  const std::vector<Widths> family{{2, 3}, {8, 6}, {4, 12}};
  NetParams params = ZerosLike(spec, 1);
  InitParams(spec, 3, &params);
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/shared.model";
  SaveModel(path, SharedModel(spec, family, params));
  const Model loaded = LoadModel(path);
  EXPECT_EQ(loaded.schedule, (std::vector<Widths>{{8, 12}}));
  const std::vector<SubnetEntry> entries = SubnetsOf(loaded);
  ASSERT_EQ(entries.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(entries[i].widths, family[i]);
    EXPECT_EQ(entries[i].head, 0);
  }
  EXPECT_EQ(loaded.params.sliced[1].weights, params.sliced[1].weights);

  Model incremental;
  incremental.spec = spec;
  incremental.schedule = {{2, 3}, {8, 12}};
  const std::vector<SubnetEntry> increments = SubnetsOf(incremental);
  ASSERT_EQ(increments.size(), 2u);
  EXPECT_EQ(increments[1].widths, (Widths{8, 12}));
  EXPECT_EQ(increments[1].head, 1);

  Model bad = loaded;
  bad.metadata["subnet_widths"] = "2,x";
  EXPECT_THROW(SubnetsOf(bad), Error);
  bad.schedule = {{4, 6}};
  bad.metadata["subnet_widths"] = "8,12";
  EXPECT_THROW(SubnetsOf(bad), Error);  // wider than the stored weights
}

TEST(SubnetUtil, BatchLoaderFollowsBatchOrder) {
  const auto train = testing::SyntheticImages(20, 1);
  BatchLoader loader(train, 8, 9);
  BatchOrder order(20, 8, 9);
  loader.Load(3);
  const std::vector<int64_t>& batch = order.Batch(3);
  for (int b = 0; b < 8; ++b) {
    EXPECT_EQ(loader.labels()[b], train.labels[batch[b]]);
    EXPECT_EQ(loader.images()[b * 64 + 5], train.images[batch[b] * 64 + 5]);
  }
}

}  // namespace
}  // namespace rcdnn::models::subnets
