#include "models/subnets/family.h"

#include <algorithm>
#include <set>

#include "common/error.h"

namespace rcdnn::models::subnets {
namespace {

constexpr int64_t kMaxGrid = int64_t{1} << 20;

struct ByMacs {
  bool operator()(const std::pair<int64_t, Widths>& a, const std::pair<int64_t, Widths>& b) const {
    return a.first != b.first ? a.first < b.first : a.second < b.second;
  }
};

}  // namespace

uint64_t BoundedDraw(uint64_t bound, std::mt19937_64* rng) {
  if (bound == 0) throw Error("BoundedDraw: bound must be at least 1");
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t draw;
  do {
    draw = (*rng)();
  } while (draw >= limit);
  return draw % bound;
}

int64_t SubnetMacs(const NetSpec& spec, const Widths& widths) { return TotalMacs(InferShapes(spec, widths)); }

bool IsUniform(const NetSpec& spec, const Widths& widths, const std::vector<double>& levels) {
  for (double level : levels) {
    if (UniformWidths(spec, level) == widths) return true;
  }
  return false;
}

std::vector<Widths> MakeSubnetFamily(const NetSpec& spec, const SubnetFamilyOptions& options) {
  if (options.levels.empty()) throw Error("sub-net family: no width levels given (e.g. 0.25,0.5,0.75,1)");
  for (double level : options.levels) {
    if (!(level > 0.0 && level <= 1.0)) {
      throw Error("sub-net family: width level " + std::to_string(level) + " is outside (0, 1]");
    }
  }
  const int layers = static_cast<int>(spec.SlicedLayerIndices().size());
  const int64_t levels = static_cast<int64_t>(options.levels.size());
  int64_t grid = 1;
  for (int j = 0; j < layers; ++j) {
    grid *= levels;
    if (grid > kMaxGrid) {
      throw Error("sub-net family: " + std::to_string(levels) + " levels over " + std::to_string(layers) +
                  " sliced layers of '" + spec.name + "' is more than 2^20 combinations; give fewer levels");
    }
  }
  std::set<Widths> uniform;
  for (double level : options.levels) uniform.insert(UniformWidths(spec, level));
  std::set<Widths> seen;
  std::vector<std::pair<int64_t, Widths>> candidates;
  std::vector<double> fractions(layers);
  for (int64_t code = 0; code < grid; ++code) {
    int64_t rest = code;
    for (int j = 0; j < layers; ++j) {
      fractions[j] = options.levels[rest % levels];
      rest /= levels;
    }
    Widths widths = PerLayerWidths(spec, fractions);
    if (uniform.count(widths) > 0 || !seen.insert(widths).second) continue;
    candidates.emplace_back(SubnetMacs(spec, widths), std::move(widths));
  }
  std::sort(candidates.begin(), candidates.end(), ByMacs{});
  const int uniform_count = static_cast<int>(uniform.size());
  if (options.count < uniform_count) {
    throw Error("sub-net family: --subnets " + std::to_string(options.count) + " is below the " +
                std::to_string(uniform_count) + " uniform sub-nets the family always holds");
  }
  const int64_t strata = options.count - uniform_count;
  const int64_t n = static_cast<int64_t>(candidates.size());
  if (strata > n) {
    throw Error("sub-net family: --subnets " + std::to_string(options.count) + " is more than the " +
                std::to_string(n + uniform_count) + " distinct widths the levels give '" + spec.name + "'");
  }
  std::vector<std::pair<int64_t, Widths>> members;
  for (const Widths& widths : uniform) members.emplace_back(SubnetMacs(spec, widths), widths);
  std::mt19937_64 rng(options.seed);
  for (int64_t s = 0; s < strata; ++s) {
    const int64_t begin = s * n / strata, end = (s + 1) * n / strata;
    members.push_back(candidates[begin + static_cast<int64_t>(BoundedDraw(end - begin, &rng))]);
  }
  std::sort(members.begin(), members.end(), ByMacs{});
  std::vector<Widths> family;
  for (auto& member : members) family.push_back(std::move(member.second));
  return family;
}

}  // namespace rcdnn::models::subnets
