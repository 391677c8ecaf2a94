#include "models/precision/nsga2.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/error.h"

namespace rcdnn::precision {
namespace {

// A toy precision problem: gene g's bits are kBits[index]; energy weighs
// genes unequally (a big layer and a small one), accuracy needs each gene's
// bits up to a per-gene threshold. Uniform genomes waste bits on the cheap
// layer or starve the sensitive one: a mixed genome should dominate them.
const std::vector<int> kBits = {4, 6, 8, 12};
const std::vector<double> kEnergyWeight = {10.0, 1.0, 5.0};
const std::vector<int> kNeeded = {6, 12, 8};

Objectives Toy(const std::vector<int>& genome) {
  Objectives o;
  o.accuracy = 1.0;
  for (size_t g = 0; g < genome.size(); ++g) {
    const int bits = kBits[genome[g]];
    o.energy_uj += kEnergyWeight[g] * bits;
    o.accuracy *= std::min(1.0, static_cast<double>(bits) / kNeeded[g]);
  }
  return o;
}

TEST(BoundedDraw, StaysInRangeAndIsSeeded) {
  std::mt19937_64 a(7), b(7);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = BoundedDraw(a, 6);
    EXPECT_LT(x, 6u);
    EXPECT_EQ(x, BoundedDraw(b, 6));
    const double u = UnitDraw(a);
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
    UnitDraw(b);
  }
  EXPECT_THROW(BoundedDraw(a, 0), Error);
}

TEST(Nsga2, SameSeedSameSearchOtherSeedOtherSearch) {
  Nsga2Options options;
  options.population = 6;
  options.generations = 3;
  options.seed = 42;
  const std::vector<int> choices(3, 4);
  const Nsga2Result a = RunNsga2(choices, options, Toy);
  const Nsga2Result b = RunNsga2(choices, options, Toy);
  ASSERT_EQ(a.evaluated.size(), b.evaluated.size());
  for (size_t i = 0; i < a.evaluated.size(); ++i) EXPECT_EQ(a.evaluated[i].genome, b.evaluated[i].genome);
  EXPECT_EQ(a.front, b.front);
  options.seed = 43;
  const Nsga2Result c = RunNsga2(choices, options, Toy);
  bool differs = c.evaluated.size() != a.evaluated.size();
  for (size_t i = 0; !differs && i < a.evaluated.size(); ++i) differs = a.evaluated[i].genome != c.evaluated[i].genome;
  EXPECT_TRUE(differs);
}

TEST(Nsga2, EvaluatesEachGenomeOnceWithinTheBudget) {
  Nsga2Options options;
  options.population = 8;
  options.generations = 5;
  options.max_evaluations = 30;
  std::map<std::vector<int>, int> calls;
  int progress_calls = 0;
  const Nsga2Result r = RunNsga2(
      std::vector<int>(3, 4), options,
      [&](const std::vector<int>& g) {
        ++calls[g];
        return Toy(g);
      },
      [&](int, int) { ++progress_calls; });
  EXPECT_LE(r.evaluated.size(), 30u);
  EXPECT_EQ(static_cast<int>(r.evaluated.size()), progress_calls);
  for (const auto& [genome, n] : calls) EXPECT_EQ(n, 1);
  // The front is the Pareto front of everything evaluated.
  std::vector<Objectives> all;
  for (const Evaluated& e : r.evaluated) all.push_back(e.objectives);
  EXPECT_EQ(r.front, ParetoFront(all));
}

// On the toy objective the search finds, for every uniform genome, a point
// at least as good in both objectives, and strictly better than some.
TEST(Nsga2, FindsPointsAtLeastAsGoodAsEveryUniformGenome) {
  Nsga2Options options;
  options.population = 10;
  options.generations = 6;
  options.seed = 3;
  const Nsga2Result r = RunNsga2(std::vector<int>(3, 4), options, Toy);
  bool strictly_better_somewhere = false;
  for (int u = 0; u < 4; ++u) {
    const Objectives uniform = Toy({u, u, u});
    bool covered = false;
    for (size_t i : r.front) {
      const Objectives& q = r.evaluated[i].objectives;
      covered |= q.energy_uj <= uniform.energy_uj && q.accuracy >= uniform.accuracy;
      strictly_better_somewhere |= Dominates(q, uniform);
    }
    EXPECT_TRUE(covered) << "uniform " << kBits[u] << " bits";
  }
  EXPECT_TRUE(strictly_better_somewhere);
}

TEST(Nsga2, InitialGenomesAreEvaluatedFirstAndCheckedForShape) {
  Nsga2Options options;
  options.population = 4;
  options.generations = 1;
  options.initial = {{3, 3, 3}, {0, 0, 0}};
  const Nsga2Result r = RunNsga2(std::vector<int>(3, 4), options, Toy);
  EXPECT_EQ(r.evaluated[0].genome, (std::vector<int>{3, 3, 3}));
  EXPECT_EQ(r.evaluated[1].genome, (std::vector<int>{0, 0, 0}));
  options.initial = {{3, 3}};
  EXPECT_THROW(RunNsga2(std::vector<int>(3, 4), options, Toy), Error);
  options.initial = {{3, 3, 4}};
  EXPECT_THROW(RunNsga2(std::vector<int>(3, 4), options, Toy), Error);
  options.initial.clear();
  options.population = 1;
  EXPECT_THROW(RunNsga2(std::vector<int>(3, 4), options, Toy), Error);
  options.population = 4;
  EXPECT_THROW(RunNsga2({}, options, Toy), Error);
}

TEST(Nsga2, TinySpaceDoesNotLoopForever) {
  Nsga2Options options;
  options.population = 10;  // only 2 distinct genomes exist
  options.generations = 3;
  const Nsga2Result r = RunNsga2({2}, options, [](const std::vector<int>& g) {
    return Objectives{static_cast<double>(g[0]), static_cast<double>(g[0])};
  });
  EXPECT_EQ(r.evaluated.size(), 2u);
  EXPECT_EQ(r.front.size(), 2u);
}

}  // namespace
}  // namespace rcdnn::precision
