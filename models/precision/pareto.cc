#include "models/precision/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace rcdnn::precision {

bool Dominates(const Objectives& a, const Objectives& b) {
  const bool no_worse = a.energy_uj <= b.energy_uj && a.accuracy >= b.accuracy;
  const bool better = a.energy_uj < b.energy_uj || a.accuracy > b.accuracy;
  return no_worse && better;
}

namespace {

void CheckFinite(const std::vector<Objectives>& points) {
  for (size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(points[i].energy_uj) || !std::isfinite(points[i].accuracy)) {
      throw Error("pareto: point " + std::to_string(i) + " has a non-finite energy or accuracy");
    }
  }
}

}  // namespace

std::vector<size_t> ParetoFront(const std::vector<Objectives>& points) {
  CheckFinite(points);
  std::vector<size_t> order(points.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Cheapest first; at equal energy the most accurate first; then by index.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].energy_uj != points[b].energy_uj) return points[a].energy_uj < points[b].energy_uj;
    return points[a].accuracy > points[b].accuracy;
  });
  // Sweep: a point is on the front iff it is strictly more accurate than
  // every cheaper-or-equal point before it.
  std::vector<size_t> front;
  double best = -std::numeric_limits<double>::infinity();
  for (size_t i : order) {
    if (points[i].accuracy > best) {
      front.push_back(i);
      best = points[i].accuracy;
    }
  }
  return front;
}

std::vector<int> NonDominatedRanks(const std::vector<Objectives>& points) {
  CheckFinite(points);
  const size_t n = points.size();
  std::vector<int> rank(n, -1);
  std::vector<int> dominated_by(n, 0);
  std::vector<std::vector<size_t>> dominates(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      if (Dominates(points[i], points[j])) dominates[i].push_back(j);
      if (Dominates(points[j], points[i])) ++dominated_by[i];
    }
  }
  std::vector<size_t> current;
  for (size_t i = 0; i < n; ++i) {
    if (dominated_by[i] == 0) current.push_back(i);
  }
  int r = 0;
  while (!current.empty()) {
    std::vector<size_t> next;
    for (size_t i : current) {
      rank[i] = r;
      for (size_t j : dominates[i]) {
        if (--dominated_by[j] == 0) next.push_back(j);
      }
    }
    std::sort(next.begin(), next.end());
    current.swap(next);
    ++r;
  }
  return rank;
}

std::vector<double> CrowdingDistance(const std::vector<Objectives>& points, const std::vector<size_t>& members) {
  const size_t m = members.size();
  std::vector<double> distance(m, 0.0);
  if (m <= 2) {
    std::fill(distance.begin(), distance.end(), std::numeric_limits<double>::infinity());
    return distance;
  }
  for (int objective = 0; objective < 2; ++objective) {
    auto value = [&](size_t k) {
      return objective == 0 ? points[members[k]].energy_uj : points[members[k]].accuracy;
    };
    std::vector<size_t> order(m);
    for (size_t k = 0; k < m; ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return value(a) < value(b); });
    const double span = value(order.back()) - value(order.front());
    distance[order.front()] = distance[order.back()] = std::numeric_limits<double>::infinity();
    if (span <= 0) continue;
    for (size_t k = 1; k + 1 < m; ++k) {
      distance[order[k]] += (value(order[k + 1]) - value(order[k - 1])) / span;
    }
  }
  return distance;
}

}  // namespace rcdnn::precision
