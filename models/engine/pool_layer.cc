#include "models/engine/pool_layer.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "models/engine/simd_lanes.h"

namespace rcdnn::models {
namespace {

// Geometry of one call, with Caffe's window arithmetic along each axis: the
// window of output o starts at o * stride - pad; it is clipped to [0, size)
// for the values and to [-pad, size + pad) for the average's divisor.
struct PoolGeometry {
  int height, width, out_height, out_width, kernel, stride, pad;
  int Begin(int o) const { return std::max(o * stride - pad, 0); }
  int End(int o, int size) const { return std::min(o * stride - pad + kernel, size); }
  int Padded(int o, int size) const { return std::min(o * stride - pad + kernel, size + pad) - (o * stride - pad); }
};

// Which outputs window column kx reaches: the outputs o in [begin, end) whose
// input column o * stride - pad + kx lies inside [0, width).
struct ColumnPlan {
  int begin = 0, end = 0;
};

ColumnPlan PlanColumns(const PoolGeometry& g, int kx) {
  ColumnPlan plan;
  plan.end = g.out_width;
  while (plan.begin < plan.end && plan.begin * g.stride - g.pad + kx < 0) ++plan.begin;
  while (plan.end > plan.begin && (plan.end - 1) * g.stride - g.pad + kx >= g.width) --plan.end;
  return plan;
}

// Plans for every window column, computed once per call: on the stack for
// kernels up to kMaxPlanned, which covers every real pooling layer.
class ColumnPlans {
 public:
  explicit ColumnPlans(const PoolGeometry& g) {
    ColumnPlan* plans = stack_;
    if (g.kernel > kMaxPlanned) {
      heap_.resize(g.kernel);
      plans = heap_.data();
    }
    for (int kx = 0; kx < g.kernel; ++kx) plans[kx] = PlanColumns(g, kx);
    plans_ = plans;
  }
  const ColumnPlan& operator[](int kx) const { return plans_[kx]; }

 private:
  static constexpr int kMaxPlanned = 32;
  ColumnPlan stack_[kMaxPlanned];
  std::vector<ColumnPlan> heap_;
  const ColumnPlan* plans_;
};

#ifdef __AVX2__
// Candidates row[j * stride], j = 0..L::kCount-1, for stride 1 or 2, reading
// nothing past the last one.
template <class L>
typename L::Floats LoadCandidates(const float* row, int stride) {
  if (stride == 1) return L::Load(row);
  return L::EvenElements(L::Load(row), L::Load(row + L::kCount - 1));
}

// Candidates row[(o + j) * stride + offset] for the outputs o + j in the
// plan, `fill` for the others (a group at the edge of a clipped or padded
// window column). Masked loads touch only the floats inside [0, width), so
// nothing outside the row is read; and not a gather through memory: scalar
// stores read back as one vector miss store-to-load forwarding (a third of
// ALEXnet's pool3 time).
template <class L>
typename L::Floats PartialCandidates(const float* row, int width, int stride, int offset, int o,
                                     const ColumnPlan& plan, typename L::Floats fill) {
  using Ints = typename L::Ints;
  const Ints lanes = L::LaneNumbers();
  const int base = o * stride + offset;
  auto inside = [width](Ints index) {
    return L::And(L::Greater(index, L::FillInts(-1)), L::Greater(L::FillInts(width), index));
  };
  const Ints first = L::Add(lanes, L::FillInts(base));
  typename L::Floats value = L::MaskedLoad(row + base, inside(first));
  if (stride == 2) {
    const Ints second = L::Add(first, L::FillInts(L::kCount - 1));
    value = L::EvenElements(value, L::MaskedLoad(row + base + L::kCount - 1, inside(second)));
  }
  const Ints output = L::Add(lanes, L::FillInts(o));
  const Ints valid =
      L::And(L::Greater(output, L::FillInts(plan.begin - 1)), L::Greater(L::FillInts(plan.end), output));
  return L::Select(fill, value, L::AsFloats(valid));
}

// The candidates of outputs o..o+kCount-1 at one window column: a plain load
// where the whole group is inside its plan, else PartialCandidates.
template <class L>
typename L::Floats Candidates(const float* row, int width, int stride, int offset, int o, const ColumnPlan& plan,
                              typename L::Floats fill) {
  if (o >= plan.begin && o + L::kCount <= plan.end) return LoadCandidates<L>(row + o * stride + offset, stride);
  return PartialCandidates<L>(row, width, stride, offset, o, plan, fill);
}
#endif

// For o in the plan: candidate row[o * stride + offset] with flat index
// index_base + o * stride + offset, kept where strictly greater than best[o].
// The scalar path (strides above 2, rows under 4 outputs).
template <bool kSaveMask>
void MaxUpdate(const float* row, int stride, int offset, int index_base, const ColumnPlan& plan, float* best,
               int32_t* best_index) {
  for (int o = plan.begin; o < plan.end; ++o) {
    const int x = o * stride + offset;
    if (row[x] > best[o]) {
      best[o] = row[x];
      if (kSaveMask) best_index[o] = index_base + x;
    }
  }
}

// sum[o] += row[o * stride + offset] for o in the plan (the scalar path, as MaxUpdate).
void SumUpdate(const float* row, int stride, int offset, const ColumnPlan& plan, float* sum) {
  for (int o = plan.begin; o < plan.end; ++o) sum[o] += row[o * stride + offset];
}

#ifdef __AVX2__
// MaxPoolPlane at strides 1 and 2 on rows of at least L::kCount outputs
// (8 lanes from 8 outputs, 4 lanes for LeNet's pool2 and other rows of 4 to 7,
// where the scalar loop's data-dependent branch mispredicts): a group of
// kCount outputs at a time kept in registers over its whole window, the last
// group shifted back to end at out_width (it recomputes a few outputs to the
// same values). Each output still sees its window in row-major order and
// keeps a candidate only when strictly greater, exactly as the scalar loop;
// outside a window column's plan the candidate is -inf, never greater than a
// best that starts at -FLT_MAX. Keeping the group in registers matters:
// updating the row in memory once per window column, with the shifted last
// group overlapping the previous store, stalled on store-to-load forwarding
// (half of LeNet's batch-1 pooling time).
template <class L, bool kSaveMask>
void MaxPoolPlaneSimd(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst, int32_t* mask) {
  using Floats = typename L::Floats;
  const typename L::Ints lane_offsets = L::Multiply(L::LaneNumbers(), L::FillInts(g.stride));
  for (int oy = 0; oy < g.out_height; ++oy) {
    const int y_begin = g.Begin(oy), y_end = g.End(oy, g.height);
    for (int o = 0;; o += L::kCount) {
      o = std::min(o, g.out_width - L::kCount);
      Floats best = L::Fill(-FLT_MAX);
      Floats best_index = L::AsFloats(L::FillInts(-1));
      for (int y = y_begin; y < y_end; ++y) {
        const float* row = src + y * g.width;
        for (int kx = 0; kx < g.kernel; ++kx) {
          const int offset = kx - g.pad;
          const Floats value = Candidates<L>(row, g.width, g.stride, offset, o, plans[kx], L::Fill(-INFINITY));
          if (kSaveMask) {
            const Floats greater = L::Greater(value, best);
            best = L::Select(best, value, greater);
            const typename L::Ints candidate = L::Add(L::FillInts(y * g.width + o * g.stride + offset), lane_offsets);
            best_index = L::Select(best_index, L::AsFloats(candidate), greater);
          } else {
            best = L::Max(value, best);  // one instruction, the same strict rule
          }
        }
      }
      L::Store(dst + oy * g.out_width + o, best);
      if (kSaveMask) L::Store(mask + oy * g.out_width + o, L::AsInts(best_index));
      if (o + L::kCount >= g.out_width) break;
    }
  }
}
#endif

// The planes are walked window row by window column with the output column
// innermost, so neighbouring outputs are independent (8 or 4 at a time in
// registers with AVX2 at strides 1 and 2, MaxPoolPlaneSimd) instead of one
// dependent chain per window. Each output still sees its window in row-major
// order and keeps a candidate only when strictly greater, so the first
// maximum wins, as in Caffe. Rows of 4 to 7 outputs go 4 at a time.
template <bool kSaveMask>
void MaxPoolPlane(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst, int32_t* mask) {
#ifdef __AVX2__
  if (g.stride <= 2 && g.out_width >= 8) {
    MaxPoolPlaneSimd<simd::Lanes8, kSaveMask>(g, plans, src, dst, mask);
    return;
  }
  if (g.stride <= 2 && g.out_width >= 4) {
    MaxPoolPlaneSimd<simd::Lanes4, kSaveMask>(g, plans, src, dst, mask);
    return;
  }
#endif
  for (int oy = 0; oy < g.out_height; ++oy) {
    float* best = dst + oy * g.out_width;
    int32_t* best_index = kSaveMask ? mask + oy * g.out_width : nullptr;
    std::fill(best, best + g.out_width, -FLT_MAX);
    if (kSaveMask) std::fill(best_index, best_index + g.out_width, -1);
    for (int y = g.Begin(oy), y_end = g.End(oy, g.height); y < y_end; ++y) {
      for (int kx = 0; kx < g.kernel; ++kx) {
        MaxUpdate<kSaveMask>(src + y * g.width, g.stride, kx - g.pad, y * g.width, plans[kx], best, best_index);
      }
    }
  }
}

// Caffe's divisor: the window clipped to the padded input.
inline float Divisor(const PoolGeometry& g, int oy, int ox) {
  return static_cast<float>(g.Padded(oy, g.height) * g.Padded(ox, g.width));
}

#ifdef __AVX2__
// AvgPoolPlane's sums at strides 1 and 2 on rows of at least L::kCount
// outputs, kCount outputs at a time in registers as in MaxPoolPlaneSimd.
// Lanes outside a window column's plan add +0, which leaves the sum's bits
// unchanged (a sum that starts at +0 never becomes -0), so each output adds
// the same values in the same order as the scalar loop.
template <class L>
void AvgSumsSimd(const PoolGeometry& g, const ColumnPlans& plans, int oy, const float* src, float* sum) {
  const int y_begin = g.Begin(oy), y_end = g.End(oy, g.height);
  for (int o = 0;; o += L::kCount) {
    o = std::min(o, g.out_width - L::kCount);
    typename L::Floats total = L::Zero();
    for (int y = y_begin; y < y_end; ++y) {
      const float* row = src + y * g.width;
      for (int kx = 0; kx < g.kernel; ++kx) {
        total = L::Add(total, Candidates<L>(row, g.width, g.stride, kx - g.pad, o, plans[kx], L::Zero()));
      }
    }
    L::Store(sum + o, total);
    if (o + L::kCount >= g.out_width) break;
  }
}
#endif

void AvgPoolPlane(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst) {
  for (int oy = 0; oy < g.out_height; ++oy) {
    float* sum = dst + oy * g.out_width;
#ifdef __AVX2__
    if (g.stride <= 2 && g.out_width >= 4) {
      if (g.out_width >= 8) {
        AvgSumsSimd<simd::Lanes8>(g, plans, oy, src, sum);
      } else {
        AvgSumsSimd<simd::Lanes4>(g, plans, oy, src, sum);
      }
      for (int ox = 0; ox < g.out_width; ++ox) sum[ox] /= Divisor(g, oy, ox);
      continue;
    }
#endif
    std::fill(sum, sum + g.out_width, 0.0f);
    for (int y = g.Begin(oy), y_end = g.End(oy, g.height); y < y_end; ++y) {
      for (int kx = 0; kx < g.kernel; ++kx) SumUpdate(src + y * g.width, g.stride, kx - g.pad, plans[kx], sum);
    }
    for (int ox = 0; ox < g.out_width; ++ox) sum[ox] /= Divisor(g, oy, ox);
  }
}

// dy is divided in place by each window's divisor, then scattered.
void AvgPoolPlaneBackward(const PoolGeometry& g, const ColumnPlans& plans, float* dy, float* dx) {
  for (int oy = 0; oy < g.out_height; ++oy) {
    float* __restrict grad = dy + oy * g.out_width;
    for (int ox = 0; ox < g.out_width; ++ox) grad[ox] /= Divisor(g, oy, ox);
    for (int y = g.Begin(oy), y_end = g.End(oy, g.height); y < y_end; ++y) {
      float* __restrict row = dx + y * g.width;
      for (int kx = 0; kx < g.kernel; ++kx) {
        const int offset = kx - g.pad;
        for (int ox = plans[kx].begin; ox < plans[kx].end; ++ox) row[ox * g.stride + offset] += grad[ox];
      }
    }
  }
}

}  // namespace

PoolLayer::PoolLayer(const LayerSpec& spec)
    : max_(spec.kind == LayerKind::kMaxPool), kernel_(spec.kernel), stride_(spec.stride), pad_(spec.pad) {}

int64_t PoolLayer::SavedIntsPerImage(const LayerShape& shape) const { return max_ ? shape.OutputSize() : 0; }

void PoolLayer::Forward(const LayerParams*, const LayerShape& shape, int n, const float* in, float* out,
                        const LayerBuffers& buffers) const {
  const PoolGeometry g{shape.in_height, shape.in_width, shape.out_height, shape.out_width, kernel_, stride_, pad_};
  const int64_t planes = int64_t{n} * shape.in_channels;
  const int in_plane = g.height * g.width, out_plane = g.out_height * g.out_width;
  const ColumnPlans plans(g);
  for (int64_t p = 0; p < planes; ++p) {
    const float* src = in + p * in_plane;
    float* dst = out + p * out_plane;
    if (!max_) {
      AvgPoolPlane(g, plans, src, dst);
    } else if (buffers.saved != nullptr) {
      MaxPoolPlane<true>(g, plans, src, dst, buffers.saved + p * out_plane);
    } else {
      MaxPoolPlane<false>(g, plans, src, dst, nullptr);
    }
  }
}

void PoolLayer::Backward(const LayerParams*, const LayerShape& shape, int n, const float*, const float*,
                         float* out_grad, float* in_grad, LayerParams*, const LayerBuffers& buffers) const {
  if (in_grad == nullptr) return;
  const PoolGeometry g{shape.in_height, shape.in_width, shape.out_height, shape.out_width, kernel_, stride_, pad_};
  const int64_t planes = int64_t{n} * shape.in_channels;
  const int in_plane = g.height * g.width, out_plane = g.out_height * g.out_width;
  std::fill(in_grad, in_grad + planes * in_plane, 0.0f);
  const ColumnPlans plans(g);
  for (int64_t p = 0; p < planes; ++p) {
    float* dx = in_grad + p * in_plane;
    if (max_) {
      const float* dy = out_grad + p * out_plane;
      const int32_t* mask = buffers.saved + p * out_plane;
      for (int o = 0; o < out_plane; ++o) {
        if (mask[o] >= 0) dx[mask[o]] += dy[o];
      }
    } else {
      AvgPoolPlaneBackward(g, plans, out_grad + p * out_plane, dx);
    }
  }
}

}  // namespace rcdnn::models
