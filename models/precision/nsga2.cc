#include "models/precision/nsga2.h"

#include <algorithm>
#include <map>
#include <string>

#include "common/error.h"

namespace rcdnn::precision {

uint64_t BoundedDraw(std::mt19937_64& rng, uint64_t bound) {
  if (bound == 0) throw Error("BoundedDraw: bound must be >= 1");
  const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
  for (;;) {
    const uint64_t r = rng();
    if (r >= threshold) return r % bound;
  }
}

double UnitDraw(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

namespace {

using Genome = std::vector<int>;

class Search {
 public:
  Search(const std::vector<int>& choices, const Nsga2Options& options, const EvaluateFn& evaluate,
         const ProgressFn& progress)
      : choices_(choices), options_(options), evaluate_(evaluate), progress_(progress), rng_(options.seed) {
    mutation_rate_ = options.mutation_rate > 0 ? options.mutation_rate : 1.0 / static_cast<double>(choices.size());
    limit_ = options.max_evaluations > 0 ? options.max_evaluations
                                         : options.population * (options.generations + 1);
  }

  bool BudgetLeft() const { return options_.max_evaluations <= 0 || Evaluations() < options_.max_evaluations; }
  int Evaluations() const { return static_cast<int>(result_.evaluated.size()); }

  // Index into result_.evaluated; evaluates at most once per genome.
  size_t Evaluate(const Genome& genome) {
    const auto it = cache_.find(genome);
    if (it != cache_.end()) return it->second;
    const Objectives objectives = evaluate_(genome);
    result_.evaluated.push_back({genome, objectives});
    const size_t index = result_.evaluated.size() - 1;
    cache_[genome] = index;
    if (progress_) progress_(Evaluations(), limit_);
    return index;
  }

  Genome RandomGenome() {
    Genome g(choices_.size());
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<int>(BoundedDraw(rng_, choices_[i]));
    return g;
  }

  void Mutate(Genome* g) {
    for (size_t i = 0; i < g->size(); ++i) {
      if (choices_[i] < 2 || UnitDraw(rng_) >= mutation_rate_) continue;
      int& gene = (*g)[i];
      if (UnitDraw(rng_) < 0.5) {
        // One candidate up or down, reflected at the ends.
        const bool up = BoundedDraw(rng_, 2) == 1;
        gene = up ? (gene + 1 < choices_[i] ? gene + 1 : gene - 1) : (gene > 0 ? gene - 1 : gene + 1);
      } else {
        const int other = static_cast<int>(BoundedDraw(rng_, choices_[i] - 1));
        gene = other >= gene ? other + 1 : other;
      }
    }
  }

  // Ranks and crowding distances of `members` (indices into evaluated).
  void Order(const std::vector<size_t>& members, std::vector<int>* rank, std::vector<double>* crowding) {
    std::vector<Objectives> points;
    for (size_t m : members) points.push_back(result_.evaluated[m].objectives);
    *rank = NonDominatedRanks(points);
    crowding->assign(members.size(), 0.0);
    const int max_rank = members.empty() ? -1 : *std::max_element(rank->begin(), rank->end());
    for (int r = 0; r <= max_rank; ++r) {
      std::vector<size_t> same;
      for (size_t k = 0; k < members.size(); ++k) {
        if ((*rank)[k] == r) same.push_back(k);
      }
      const std::vector<double> d = CrowdingDistance(points, same);
      for (size_t k = 0; k < same.size(); ++k) (*crowding)[same[k]] = d[k];
    }
  }

  // a before b: lower rank, then larger crowding, then evaluated earlier.
  static bool Better(int ra, double ca, size_t ia, int rb, double cb, size_t ib) {
    if (ra != rb) return ra < rb;
    if (ca != cb) return ca > cb;
    return ia < ib;
  }

  Nsga2Result Run() {
    if (choices_.empty()) throw Error("NSGA-II: the genome has no genes");
    for (int c : choices_) {
      if (c < 1) throw Error("NSGA-II: every gene needs at least one candidate");
    }
    if (options_.population < 2) throw Error("NSGA-II: population must be at least 2");
    if (options_.generations < 0) throw Error("NSGA-II: generations must be >= 0");
    std::vector<size_t> population;
    auto add = [&](const Genome& g) {
      const size_t index = Evaluate(g);
      if (std::find(population.begin(), population.end(), index) == population.end()) population.push_back(index);
    };
    for (const Genome& g : options_.initial) {
      if (g.size() != choices_.size()) throw Error("NSGA-II: an initial genome has the wrong number of genes");
      for (size_t i = 0; i < g.size(); ++i) {
        if (g[i] < 0 || g[i] >= choices_[i]) throw Error("NSGA-II: an initial genome has a gene out of range");
      }
      if (static_cast<int>(population.size()) < options_.population && BudgetLeft()) add(g);
    }
    // Random genomes until the population is full (bounded tries: a tiny
    // search space may hold fewer distinct genomes than the population).
    for (int tries = 0; static_cast<int>(population.size()) < options_.population && BudgetLeft() &&
                        tries < 64 * options_.population;
         ++tries) {
      add(RandomGenome());
    }
    for (int gen = 0; gen < options_.generations && BudgetLeft(); ++gen) {
      std::vector<int> rank;
      std::vector<double> crowding;
      Order(population, &rank, &crowding);
      auto tournament = [&]() {
        const size_t a = BoundedDraw(rng_, population.size()), b = BoundedDraw(rng_, population.size());
        return Better(rank[a], crowding[a], population[a], rank[b], crowding[b], population[b]) ? a : b;
      };
      std::vector<size_t> merged = population;
      for (int child = 0; child < options_.population && BudgetLeft(); ++child) {
        const Genome& p1 = result_.evaluated[population[tournament()]].genome;
        const Genome& p2 = result_.evaluated[population[tournament()]].genome;
        Genome c = p1;
        if (UnitDraw(rng_) < options_.crossover_rate) {
          for (size_t i = 0; i < c.size(); ++i) c[i] = BoundedDraw(rng_, 2) ? p2[i] : p1[i];
        }
        Mutate(&c);
        for (int retry = 0; retry < 8 && cache_.count(c); ++retry) Mutate(&c);
        const size_t index = Evaluate(c);
        if (std::find(merged.begin(), merged.end(), index) == merged.end()) merged.push_back(index);
      }
      Order(merged, &rank, &crowding);
      std::vector<size_t> order(merged.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return Better(rank[a], crowding[a], merged[a], rank[b], crowding[b], merged[b]);
      });
      population.clear();
      for (size_t k = 0; k < order.size() && static_cast<int>(population.size()) < options_.population; ++k) {
        population.push_back(merged[order[k]]);
      }
      result_.generations_run = gen + 1;
    }
    std::vector<Objectives> all;
    for (const Evaluated& e : result_.evaluated) all.push_back(e.objectives);
    result_.front = ParetoFront(all);
    return result_;
  }

 private:
  std::vector<int> choices_;
  Nsga2Options options_;
  EvaluateFn evaluate_;
  ProgressFn progress_;
  std::mt19937_64 rng_;
  double mutation_rate_ = 0;
  int limit_ = 0;
  std::map<Genome, size_t> cache_;
  Nsga2Result result_;
};

}  // namespace

Nsga2Result RunNsga2(const std::vector<int>& choices, const Nsga2Options& options, const EvaluateFn& evaluate,
                     const ProgressFn& progress) {
  return Search(choices, options, evaluate, progress).Run();
}

}  // namespace rcdnn::precision
