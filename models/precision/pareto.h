// Pareto fronts in energy-accuracy space: lower energy and higher accuracy
// are better. Also NSGA-II's two orderings (Deb et al., IEEE TEC 2002):
// non-dominated sorting into ranks and the crowding distance within a rank.
#pragma once

#include <cstddef>
#include <vector>

namespace rcdnn::precision {

struct Objectives {
  double energy_uj = 0;  // minimised
  double accuracy = 0;   // maximised
};

// a dominates b: a is no worse in both objectives and strictly better in one.
// Equal points do not dominate each other.
bool Dominates(const Objectives& a, const Objectives& b);

// Indices of the non-dominated points, by increasing energy (then decreasing
// accuracy). Of several identical points (equal energy AND accuracy) only the
// first (lowest index) is kept, so the front has no duplicates. Throws
// rcdnn::Error when a value is NaN or infinite.
std::vector<size_t> ParetoFront(const std::vector<Objectives>& points);

// NSGA-II rank of every point: 0 for the non-dominated ones, 1 for those
// dominated only by rank-0 points, and so on (identical points share a rank).
std::vector<int> NonDominatedRanks(const std::vector<Objectives>& points);

// Crowding distance of each of `members` (indices into points, usually one
// rank) in the same order: the two extremes of each objective get infinity,
// the others the sum over objectives of the normalised gap between their
// neighbours. Ties in an objective are ordered by index (deterministic).
std::vector<double> CrowdingDistance(const std::vector<Objectives>& points, const std::vector<size_t>& members);

}  // namespace rcdnn::precision
