#include "models/engine/pool_layer.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#ifdef __AVX2__
#include <immintrin.h>
#endif

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
// Candidates j = 0..7 from row[0, 8) and row[7, 15) at stride 2: the even
// lanes of the first, the odd lanes of the second.
inline __m256 PickStride2(__m256 low, __m256 high) {
  const __m256 picked = _mm256_shuffle_ps(low, high, _MM_SHUFFLE(3, 1, 2, 0));  // l0 l2 h1 h3 | l4 l6 h5 h7
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(picked), _MM_SHUFFLE(3, 1, 2, 0)));
}

// The 8 candidates row[j * stride], j = 0..7, for stride 1 or 2, reading
// nothing past the last one (row[7 * stride]).
inline __m256 LoadCandidates(const float* row, int stride) {
  if (stride == 1) return _mm256_loadu_ps(row);
  return PickStride2(_mm256_loadu_ps(row), _mm256_loadu_ps(row + 7));
}

// Candidates row[(o + j) * stride + offset] for the outputs o + j in the
// plan, `fill` for the others (a group at the edge of a clipped or padded
// window column). Masked loads touch only the floats inside [0, width), so
// nothing outside the row is read.
inline __m256 PartialCandidates(const float* row, int width, int stride, int offset, int o, const ColumnPlan& plan,
                                __m256 fill) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const int base = o * stride + offset;
  auto inside = [width](__m256i index) {
    return _mm256_and_si256(_mm256_cmpgt_epi32(index, _mm256_set1_epi32(-1)),
                            _mm256_cmpgt_epi32(_mm256_set1_epi32(width), index));
  };
  const __m256i first = _mm256_add_epi32(lanes, _mm256_set1_epi32(base));
  __m256 value = _mm256_maskload_ps(row + base, inside(first));
  if (stride == 2) {
    const __m256i second = _mm256_add_epi32(first, _mm256_set1_epi32(7));
    value = PickStride2(value, _mm256_maskload_ps(row + base + 7, inside(second)));
  }
  const __m256i output = _mm256_add_epi32(lanes, _mm256_set1_epi32(o));
  const __m256i valid = _mm256_and_si256(_mm256_cmpgt_epi32(output, _mm256_set1_epi32(plan.begin - 1)),
                                         _mm256_cmpgt_epi32(_mm256_set1_epi32(plan.end), output));
  return _mm256_blendv_ps(fill, value, _mm256_castsi256_ps(valid));
}

// PartialCandidates with 4 lanes (rows of 4 to 7 outputs). Masked loads, not
// a gather through memory: four scalar stores read back as one vector miss
// store-to-load forwarding (a third of ALEXnet's pool3 time).
inline __m128 PartialCandidates4(const float* row, int width, int stride, int offset, int o, const ColumnPlan& plan,
                                 __m128 fill) {
  const __m128i lanes = _mm_setr_epi32(0, 1, 2, 3);
  const int base = o * stride + offset;
  auto inside = [width](__m128i index) {
    return _mm_and_si128(_mm_cmpgt_epi32(index, _mm_set1_epi32(-1)), _mm_cmpgt_epi32(_mm_set1_epi32(width), index));
  };
  const __m128i first = _mm_add_epi32(lanes, _mm_set1_epi32(base));
  __m128 value = _mm_maskload_ps(row + base, inside(first));
  if (stride == 2) {  // row[0, 4) and row[3, 7): lanes 0, 2 of the first, 1, 3 of the second
    const __m128i second = _mm_add_epi32(first, _mm_set1_epi32(3));
    value = _mm_shuffle_ps(value, _mm_maskload_ps(row + base + 3, inside(second)), _MM_SHUFFLE(3, 1, 2, 0));
  }
  const __m128i output = _mm_add_epi32(lanes, _mm_set1_epi32(o));
  const __m128i valid = _mm_and_si128(_mm_cmpgt_epi32(output, _mm_set1_epi32(plan.begin - 1)),
                                      _mm_cmpgt_epi32(_mm_set1_epi32(plan.end), output));
  return _mm_blendv_ps(fill, value, _mm_castsi128_ps(valid));
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
// The 8 candidates of outputs o..o+7 at window column kx, -inf for outputs
// outside its plan (never strictly greater than a best, which starts at
// -FLT_MAX).
inline __m256 MaxCandidates(const float* row, int width, int stride, int offset, int o, const ColumnPlan& plan) {
  if (o >= plan.begin && o + 8 <= plan.end) return LoadCandidates(row + o * stride + offset, stride);
  return PartialCandidates(row, width, stride, offset, o, plan, _mm256_set1_ps(-INFINITY));
}

// MaxPoolPlane at strides 1 and 2 with at least 8 output columns: a group of
// 8 outputs at a time kept in registers over its whole window (the last group
// shifted back to end at out_width; it recomputes a few outputs to the same
// values). Each output still sees its window in row-major order and keeps a
// candidate only when strictly greater, exactly as the scalar loop. Keeping
// the group in registers matters: updating the row in memory once per window
// column, with the shifted last group overlapping the previous store, stalled
// on store-to-load forwarding (half of LeNet's batch-1 pooling time).
template <bool kSaveMask>
void MaxPoolPlaneAvx2(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst, int32_t* mask) {
  const __m256i lane_offsets =
      _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(g.stride));
  for (int oy = 0; oy < g.out_height; ++oy) {
    const int y_begin = g.Begin(oy), y_end = g.End(oy, g.height);
    for (int o = 0;; o += 8) {
      o = std::min(o, g.out_width - 8);
      __m256 best = _mm256_set1_ps(-FLT_MAX);
      __m256 best_index = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
      for (int y = y_begin; y < y_end; ++y) {
        const float* row = src + y * g.width;
        for (int kx = 0; kx < g.kernel; ++kx) {
          const int offset = kx - g.pad;
          const __m256 value = MaxCandidates(row, g.width, g.stride, offset, o, plans[kx]);
          if (kSaveMask) {
            const __m256 greater = _mm256_cmp_ps(value, best, _CMP_GT_OQ);
            best = _mm256_blendv_ps(best, value, greater);
            const __m256i candidate =
                _mm256_add_epi32(_mm256_set1_epi32(y * g.width + o * g.stride + offset), lane_offsets);
            best_index = _mm256_blendv_ps(best_index, _mm256_castsi256_ps(candidate), greater);
          } else {
            // vmaxps(a, b) is a > b ? a : b: the same strict rule (NaN and -0 included), one instruction.
            best = _mm256_max_ps(value, best);
          }
        }
      }
      _mm256_storeu_ps(dst + oy * g.out_width + o, best);
      if (kSaveMask) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(mask + oy * g.out_width + o), _mm256_castps_si256(best_index));
      }
      if (o + 8 >= g.out_width) break;
    }
  }
}
// MaxPoolPlaneAvx2 with 4 lanes, for rows of 4 to 7 outputs (LeNet's pool2:
// 4), where the scalar loop's data-dependent branch mispredicts.
template <bool kSaveMask>
void MaxPoolPlaneSse(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst, int32_t* mask) {
  const __m128i lane_offsets = _mm_mullo_epi32(_mm_setr_epi32(0, 1, 2, 3), _mm_set1_epi32(g.stride));
  for (int oy = 0; oy < g.out_height; ++oy) {
    const int y_begin = g.Begin(oy), y_end = g.End(oy, g.height);
    for (int o = 0;; o += 4) {
      o = std::min(o, g.out_width - 4);
      __m128 best = _mm_set1_ps(-FLT_MAX);
      __m128 best_index = _mm_castsi128_ps(_mm_set1_epi32(-1));
      for (int y = y_begin; y < y_end; ++y) {
        const float* row = src + y * g.width;
        for (int kx = 0; kx < g.kernel; ++kx) {
          const ColumnPlan& plan = plans[kx];
          const int offset = kx - g.pad;
          __m128 value;
          if (o >= plan.begin && o + 4 <= plan.end) {
            const float* first = row + o * g.stride + offset;
            if (g.stride == 1) {
              value = _mm_loadu_ps(first);
            } else {  // row[0, 4) and row[3, 7): lanes 0, 2 of the first, 1, 3 of the second; nothing past row[6]
              value = _mm_shuffle_ps(_mm_loadu_ps(first), _mm_loadu_ps(first + 3), _MM_SHUFFLE(3, 1, 2, 0));
            }
          } else {
            value = PartialCandidates4(row, g.width, g.stride, offset, o, plan, _mm_set1_ps(-INFINITY));
          }
          if (kSaveMask) {
            const __m128 greater = _mm_cmpgt_ps(value, best);
            best = _mm_blendv_ps(best, value, greater);
            const __m128i candidate = _mm_add_epi32(_mm_set1_epi32(y * g.width + o * g.stride + offset), lane_offsets);
            best_index = _mm_blendv_ps(best_index, _mm_castsi128_ps(candidate), greater);
          } else {
            best = _mm_max_ps(value, best);
          }
        }
      }
      _mm_storeu_ps(dst + oy * g.out_width + o, best);
      if (kSaveMask) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(mask + oy * g.out_width + o), _mm_castps_si128(best_index));
      }
      if (o + 4 >= g.out_width) break;
    }
  }
}
#endif

// The planes are walked window row by window column with the output column
// innermost, so neighbouring outputs are independent (8 at a time in
// registers with AVX2 at strides 1 and 2, MaxPoolPlaneAvx2) instead of one
// dependent chain per window. Each output still sees its window in row-major
// order and keeps a candidate only when strictly greater, so the first
// maximum wins, as in Caffe. Rows of 4 to 7 outputs go 4 at a time.
template <bool kSaveMask>
void MaxPoolPlane(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst, int32_t* mask) {
#ifdef __AVX2__
  if (g.stride <= 2 && g.out_width >= 8) {
    MaxPoolPlaneAvx2<kSaveMask>(g, plans, src, dst, mask);
    return;
  }
  if (g.stride <= 2 && g.out_width >= 4) {
    MaxPoolPlaneSse<kSaveMask>(g, plans, src, dst, mask);
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
// AvgPoolPlane's sums at strides 1 and 2 with at least 8 output columns, 8
// outputs at a time in registers as in MaxPoolPlaneAvx2. Lanes outside a
// window column's plan add +0, which leaves the sum's bits unchanged (a sum
// that starts at +0 never becomes -0), so each output adds the same values in
// the same order as the scalar loop.
void AvgSumsAvx2(const PoolGeometry& g, const ColumnPlans& plans, int oy, const float* src, float* sum) {
  const int y_begin = g.Begin(oy), y_end = g.End(oy, g.height);
  for (int o = 0;; o += 8) {
    o = std::min(o, g.out_width - 8);
    __m256 total = _mm256_setzero_ps();
    for (int y = y_begin; y < y_end; ++y) {
      const float* row = src + y * g.width;
      for (int kx = 0; kx < g.kernel; ++kx) {
        const ColumnPlan& plan = plans[kx];
        const int offset = kx - g.pad;
        if (o >= plan.begin && o + 8 <= plan.end) {
          total = _mm256_add_ps(total, LoadCandidates(row + o * g.stride + offset, g.stride));
        } else {
          total = _mm256_add_ps(total, PartialCandidates(row, g.width, g.stride, offset, o, plan, _mm256_setzero_ps()));
        }
      }
    }
    _mm256_storeu_ps(sum + o, total);
    if (o + 8 >= g.out_width) break;
  }
}

// AvgSumsAvx2 with 4 lanes, for rows of 4 to 7 outputs (ALEXnet's pool3: 4).
void AvgSumsSse(const PoolGeometry& g, const ColumnPlans& plans, int oy, const float* src, float* sum) {
  const int y_begin = g.Begin(oy), y_end = g.End(oy, g.height);
  for (int o = 0;; o += 4) {
    o = std::min(o, g.out_width - 4);
    __m128 total = _mm_setzero_ps();
    for (int y = y_begin; y < y_end; ++y) {
      const float* row = src + y * g.width;
      for (int kx = 0; kx < g.kernel; ++kx) {
        const ColumnPlan& plan = plans[kx];
        const int offset = kx - g.pad;
        __m128 value;
        if (o >= plan.begin && o + 4 <= plan.end) {
          const float* first = row + o * g.stride + offset;
          value = g.stride == 1 ? _mm_loadu_ps(first)
                                : _mm_shuffle_ps(_mm_loadu_ps(first), _mm_loadu_ps(first + 3), _MM_SHUFFLE(3, 1, 2, 0));
        } else {
          value = PartialCandidates4(row, g.width, g.stride, offset, o, plan, _mm_setzero_ps());
        }
        total = _mm_add_ps(total, value);
      }
    }
    _mm_storeu_ps(sum + o, total);
    if (o + 4 >= g.out_width) break;
  }
}
#endif

void AvgPoolPlane(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst) {
  for (int oy = 0; oy < g.out_height; ++oy) {
    float* sum = dst + oy * g.out_width;
#ifdef __AVX2__
    if (g.stride <= 2 && g.out_width >= 4) {
      if (g.out_width >= 8) {
        AvgSumsAvx2(g, plans, oy, src, sum);
      } else {
        AvgSumsSse(g, plans, oy, src, sum);
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
