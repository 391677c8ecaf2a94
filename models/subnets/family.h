// The sub-net family of Yang & Fan's non-uniform dynamic DNN: per-layer
// width fractions drawn from a small grid, thinned reproducibly to a given
// number of sub-nets spread over MACs, the uniform ones always included.
//
//   SubnetFamilyOptions options;  // levels {0.25, 0.5, 0.75, 1}, count 8, seed 1
//   std::vector<Widths> family = MakeSubnetFamily(spec, options);
//
// How (the abstract is silent; this is our choice):
//  1. Every combination of one level per sliced layer (levels^layers of them)
//     becomes a Widths through PerLayerWidths (round half up, at least 1);
//     duplicates after rounding are dropped.
//  2. The uniform ones (UniformWidths of each level) are always members.
//  3. The remaining non-uniform candidates are sorted by MACs (ties: widths
//     lexicographically) and cut into count - #uniform contiguous strata of
//     (nearly) equal size; one member is drawn from each stratum with a
//     seeded std::mt19937_64 and our own unbiased bounded draw (no std::
//     distribution). So the sample covers the MAC range of the grid.
//  4. The family is returned sorted by MACs (ties: widths), smallest first.
// Same spec, levels, count and seed -> the same family on every machine.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models::subnets {

struct SubnetFamilyOptions {
  std::vector<double> levels = {0.25, 0.5, 0.75, 1.0};  // per-layer fractions, each in (0, 1]
  int count = 8;                                        // sub-nets in the family, uniform ones included
  uint64_t seed = 1;                                    // seeds the draw within each stratum
};

// Throws rcdnn::Error naming the option when a level is outside (0, 1], the
// grid is too large to enumerate (more than 2^20 combinations), or count is
// below the number of uniform members or above the number of distinct widths.
std::vector<Widths> MakeSubnetFamily(const NetSpec& spec, const SubnetFamilyOptions& options);

// MACs of one image's forward pass at `widths`.
int64_t SubnetMacs(const NetSpec& spec, const Widths& widths);

// Whether `widths` is UniformWidths(spec, f) for one of `levels`.
bool IsUniform(const NetSpec& spec, const Widths& widths, const std::vector<double>& levels);

// Draw in [0, bound) from the engine, unbiased by rejection (bound >= 1).
uint64_t BoundedDraw(uint64_t bound, std::mt19937_64* rng);

}  // namespace rcdnn::models::subnets
