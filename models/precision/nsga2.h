// The meta-heuristic: an NSGA-II-style genetic search (Deb et al., IEEE TEC
// 2002) over integer genomes, two objectives (energy down, accuracy up).
// Chosen over simulated annealing because the goal is a whole Pareto front:
// NSGA-II keeps a population spread along the front (non-dominated rank,
// then crowding distance) and yields every trade-off in one run, where
// annealing needs one scalarised run per trade-off weight or constraint.
//
// One generation: binary tournaments on (rank, crowding distance) pick
// parents; uniform crossover (probability crossover_rate, else the first
// parent is copied); per-gene mutation with probability mutation_rate (<= 0:
// 1 / genes), which moves the gene one candidate up or down (bits are
// ordinal, half the time) or to a uniformly drawn other candidate; a child
// already evaluated is mutated again (up to 8 tries), so the evaluation
// budget buys new configurations. Parents and children are merged and the
// best `population` by (rank, crowding distance, first evaluated) survive.
//
// Every evaluated genome is cached; the search stops after `generations`
// generations or `max_evaluations` distinct evaluations. The result's front
// is the Pareto front of EVERY configuration evaluated, not only of the last
// population. Random draws: std::mt19937_64 seeded with `seed`, bounded
// draws by rejection (no std:: distributions), so a seed gives the same
// search on every machine.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "models/precision/pareto.h"

namespace rcdnn::precision {

struct Nsga2Options {
  int population = 12;
  int generations = 4;
  int max_evaluations = 0;       // 0: no limit beyond the generations
  double crossover_rate = 0.9;
  double mutation_rate = 0;      // <= 0: 1 / genes
  uint64_t seed = 1;
  std::vector<std::vector<int>> initial;  // genomes placed in the first population (rest random)
};

struct Evaluated {
  std::vector<int> genome;
  Objectives objectives;
};

struct Nsga2Result {
  std::vector<Evaluated> evaluated;  // every distinct genome, in evaluation order
  std::vector<size_t> front;         // indices into evaluated: ParetoFront of all of them
  int generations_run = 0;
};

using EvaluateFn = std::function<Objectives(const std::vector<int>& genome)>;
// Called after each evaluation with (evaluations so far, the limit or an estimate).
using ProgressFn = std::function<void(int done, int total)>;

// `choices[g]` is the number of candidates of gene g (each >= 1). Throws
// rcdnn::Error for an empty genome, a population below 2, or an initial
// genome of the wrong shape.
Nsga2Result RunNsga2(const std::vector<int>& choices, const Nsga2Options& options, const EvaluateFn& evaluate,
                     const ProgressFn& progress = nullptr);

// Uniform in [0, bound), bound >= 1: rejection of the draws below
// 2^64 mod bound, then reduction (the method of models/data/splits.h).
uint64_t BoundedDraw(std::mt19937_64& rng, uint64_t bound);
// Uniform in [0, 1) from the top 53 bits of one draw.
double UnitDraw(std::mt19937_64& rng);

}  // namespace rcdnn::precision
