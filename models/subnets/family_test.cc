#include "models/subnets/family.h"

#include <gtest/gtest.h>

#include <set>

#include "common/error.h"
#include "models/train/test_net.h"

namespace rcdnn::models::subnets {
namespace {

// conv1 8 filters, ip1 12 outputs: levels 1/4..1 give 2,4,6,8 x 3,6,9,12, 16 distinct widths.
NetSpec Tiny() { return testing::TinySpec(); }

NetSpec ThreeLayers() {
  return ParseNetSpec(
      "network three\n"
      "input channels=1 height=12 width=12\n"
      "conv name=conv1 filters=16 kernel=3 stride=1 pad=0\n"
      "pool name=pool1 op=max kernel=2 stride=2 pad=0\n"
      "conv name=conv2 filters=17 kernel=3 stride=1 pad=0\n"
      "fc name=ip1 outputs=33\n"
      "relu name=relu1\n"
      "fc name=ip2 outputs=10\n",
      "three.net");
}

std::string ErrorOf(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SubnetFamily, IsReproducibleAndDependsOnTheSeed) {
  const NetSpec spec = ThreeLayers();
  SubnetFamilyOptions options;
  options.count = 12;
  const std::vector<Widths> a = MakeSubnetFamily(spec, options);
  EXPECT_EQ(a, MakeSubnetFamily(spec, options));
  bool some_seed_differs = false;
  for (uint64_t seed = 2; seed < 6; ++seed) {
    options.seed = seed;
    some_seed_differs = some_seed_differs || MakeSubnetFamily(spec, options) != a;
  }
  EXPECT_TRUE(some_seed_differs);
}

TEST(SubnetFamily, HoldsValidDistinctWidthsTheUniformOnesAndIsSortedByMacs) {
  for (const NetSpec& spec : {Tiny(), ThreeLayers()}) {
    SubnetFamilyOptions options;
    options.count = 9;
    const std::vector<Widths> family = MakeSubnetFamily(spec, options);
    ASSERT_EQ(family.size(), 9u) << spec.name;
    EXPECT_EQ(std::set<Widths>(family.begin(), family.end()).size(), family.size());
    for (const Widths& w : family) EXPECT_NO_THROW(ValidateWidths(spec, w));
    for (double level : options.levels) {
      EXPECT_NE(std::find(family.begin(), family.end(), UniformWidths(spec, level)), family.end()) << level;
    }
    int non_uniform = 0;
    for (size_t i = 0; i < family.size(); ++i) {
      if (i > 0) {
        EXPECT_LE(SubnetMacs(spec, family[i - 1]), SubnetMacs(spec, family[i]));
      }
      non_uniform += IsUniform(spec, family[i], options.levels) ? 0 : 1;
      // Every member's layers sit on the grid.
      const Widths full = FullWidths(spec);
      for (size_t j = 0; j < full.size(); ++j) {
        bool on_grid = false;
        for (double level : options.levels) on_grid = on_grid || UniformWidths(spec, level)[j] == family[i][j];
        EXPECT_TRUE(on_grid) << WidthsToString(family[i]);
      }
    }
    EXPECT_EQ(non_uniform, 5);
  }
}

TEST(SubnetFamily, OneDrawPerMacStratum) {
  // 12 non-uniform candidates in 4 strata of 3 (sorted by MACs): one member
  // from each, so the non-uniform members spread over the whole MAC range.
  const NetSpec spec = Tiny();
  std::vector<std::pair<int64_t, Widths>> candidates;
  for (int a : {2, 4, 6, 8}) {
    for (int b : {3, 6, 9, 12}) {
      const Widths w{a, b};
      if (!IsUniform(spec, w, {0.25, 0.5, 0.75, 1.0})) candidates.emplace_back(SubnetMacs(spec, w), w);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  ASSERT_EQ(candidates.size(), 12u);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SubnetFamilyOptions options;
    options.count = 8;
    options.seed = seed;
    std::vector<int> strata;
    for (const Widths& w : MakeSubnetFamily(spec, options)) {
      if (IsUniform(spec, w, options.levels)) continue;
      for (size_t k = 0; k < candidates.size(); ++k) {
        if (candidates[k].second == w) strata.push_back(static_cast<int>(k / 3));
      }
    }
    EXPECT_EQ(strata, (std::vector<int>{0, 1, 2, 3})) << "seed " << seed;
  }
  SubnetFamilyOptions all;
  all.count = 16;  // the whole grid
  EXPECT_EQ(MakeSubnetFamily(spec, all).size(), 16u);
}

TEST(SubnetFamily, BadOptionsNameTheProblem) {
  const NetSpec spec = Tiny();
  SubnetFamilyOptions options;
  options.count = 3;
  EXPECT_NE(ErrorOf([&] { MakeSubnetFamily(spec, options); }).find("below the 4 uniform"), std::string::npos);
  options.count = 17;
  EXPECT_NE(ErrorOf([&] { MakeSubnetFamily(spec, options); }).find("more than the 16 distinct"), std::string::npos);
  options.count = 5;
  options.levels = {0.5, 1.5};
  EXPECT_NE(ErrorOf([&] { MakeSubnetFamily(spec, options); }).find("outside (0, 1]"), std::string::npos);
  options.levels = {};
  EXPECT_NE(ErrorOf([&] { MakeSubnetFamily(spec, options); }).find("no width levels"), std::string::npos);
}

}  // namespace
}  // namespace rcdnn::models::subnets
