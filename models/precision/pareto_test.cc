#include "models/precision/pareto.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"

namespace rcdnn::precision {
namespace {

TEST(Dominates, NeedsNoWorseInBothAndBetterInOne) {
  EXPECT_TRUE(Dominates({1, 0.9}, {2, 0.9}));   // cheaper, as accurate
  EXPECT_TRUE(Dominates({1, 0.9}, {1, 0.8}));   // as cheap, more accurate
  EXPECT_FALSE(Dominates({1, 0.9}, {1, 0.9}));  // equal: neither dominates
  EXPECT_FALSE(Dominates({1, 0.8}, {2, 0.9}));  // a trade-off
}

// Hand-made: a chain of trade-offs, dominated points, an energy tie, an
// accuracy tie and an exact duplicate.
TEST(ParetoFront, KeepsOnlyNonDominatedPointsOncePerDuplicate) {
  const std::vector<Objectives> points = {
      {10, 0.90},  // 0 front
      {5, 0.80},   // 1 front
      {5, 0.70},   // 2 same energy as 1, less accurate: dominated
      {20, 0.90},  // 3 same accuracy as 0, dearer: dominated
      {10, 0.90},  // 4 duplicate of 0: dropped (0 kept)
      {30, 0.95},  // 5 front
      {25, 0.85},  // 6 dominated by 0
      {1, 0.10},   // 7 front (cheapest)
  };
  const std::vector<size_t> front = ParetoFront(points);
  EXPECT_EQ(front, (std::vector<size_t>{7, 1, 0, 5}));
  for (size_t i : front) {
    for (const Objectives& q : points) EXPECT_FALSE(Dominates(q, points[i])) << i;
  }
}

TEST(ParetoFront, EdgeCases) {
  EXPECT_TRUE(ParetoFront({}).empty());
  EXPECT_EQ(ParetoFront({{3, 0.5}}), (std::vector<size_t>{0}));
  // All identical: one point.
  EXPECT_EQ(ParetoFront({{3, 0.5}, {3, 0.5}, {3, 0.5}}), (std::vector<size_t>{0}));
  // A point dominating all others.
  EXPECT_EQ(ParetoFront({{3, 0.5}, {1, 0.9}, {2, 0.6}}), (std::vector<size_t>{1}));
  EXPECT_THROW(ParetoFront({{std::nan(""), 0.5}}), Error);
  EXPECT_THROW(ParetoFront({{1, std::numeric_limits<double>::infinity()}}), Error);
}

TEST(ParetoFront, AgreesWithBruteForceOnAGrid) {
  std::vector<Objectives> points;
  for (int i = 0; i < 60; ++i) points.push_back({static_cast<double>((i * 37) % 11), ((i * 53) % 13) / 13.0});
  const std::vector<size_t> front = ParetoFront(points);
  for (size_t i = 0; i < points.size(); ++i) {
    bool dominated = false, earlier_duplicate = false;
    for (size_t j = 0; j < points.size(); ++j) {
      dominated |= Dominates(points[j], points[i]);
      earlier_duplicate |= j < i && points[j].energy_uj == points[i].energy_uj && points[j].accuracy == points[i].accuracy;
    }
    const bool on_front = std::find(front.begin(), front.end(), i) != front.end();
    EXPECT_EQ(on_front, !dominated && !earlier_duplicate) << i;
  }
}

TEST(NonDominatedRanks, PeelsFrontsAndSharesRanksForDuplicates) {
  const std::vector<Objectives> points = {{1, 0.5}, {2, 0.9}, {2, 0.6}, {3, 0.6}, {1, 0.5}, {4, 0.1}};
  EXPECT_EQ(NonDominatedRanks(points), (std::vector<int>{0, 0, 1, 2, 0, 3}));
}

TEST(CrowdingDistance, ExtremesAreInfiniteInteriorsNormalised) {
  const std::vector<Objectives> points = {{0, 0.0}, {1, 0.5}, {4, 1.0}};
  const std::vector<double> d = CrowdingDistance(points, {0, 1, 2});
  EXPECT_TRUE(std::isinf(d[0]));
  EXPECT_TRUE(std::isinf(d[2]));
  EXPECT_DOUBLE_EQ(d[1], (4.0 - 0.0) / 4.0 + (1.0 - 0.0) / 1.0);
}

}  // namespace
}  // namespace rcdnn::precision
