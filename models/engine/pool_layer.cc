#include "models/engine/pool_layer.h"

#include <algorithm>
#include <cfloat>
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
// The 8 candidates row[j * stride], j = 0..7, for stride 1 or 2, reading
// nothing past the last one (row[7 * stride]): at stride 2 the even lanes of
// row[0, 8) and the odd lanes of row[7, 15).
inline __m256 LoadCandidates(const float* row, int stride) {
  if (stride == 1) return _mm256_loadu_ps(row);
  const __m256 low = _mm256_loadu_ps(row), high = _mm256_loadu_ps(row + 7);
  const __m256 picked = _mm256_shuffle_ps(low, high, _MM_SHUFFLE(3, 1, 2, 0));  // l0 l2 h1 h3 | l4 l6 h5 h7
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(picked), _MM_SHUFFLE(3, 1, 2, 0)));
}
#endif

// For o in the plan: candidate row[o * stride + offset] with flat index
// index_base + o * stride + offset, kept where strictly greater than best[o].
// With AVX2 (strides 1 and 2, at least 8 outputs) the outputs go 8 at a
// time, the last group shifted back to end at plan.end: it overlaps the one
// before, which is harmless because a second look at the same candidate is
// never strictly greater. No masked loads or stores (slow on AMD).
template <bool kSaveMask>
void MaxUpdate(const float* row, int stride, int offset, int index_base, const ColumnPlan& plan, float* best,
               int32_t* best_index) {
#ifdef __AVX2__
  if (stride <= 2 && plan.end - plan.begin >= 8) {
    const __m256i lane_offsets =
        _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(stride));
    for (int o = plan.begin;; o += 8) {
      o = std::min(o, plan.end - 8);
      const __m256 value = LoadCandidates(row + o * stride + offset, stride);
      const __m256 current = _mm256_loadu_ps(best + o);
      const __m256 greater = _mm256_cmp_ps(value, current, _CMP_GT_OQ);
      _mm256_storeu_ps(best + o, _mm256_blendv_ps(current, value, greater));
      if (kSaveMask) {
        const __m256i candidate = _mm256_add_epi32(_mm256_set1_epi32(index_base + o * stride + offset), lane_offsets);
        __m256i* index = reinterpret_cast<__m256i*>(best_index + o);
        const __m256 chosen = _mm256_blendv_ps(_mm256_castsi256_ps(_mm256_loadu_si256(index)),
                                               _mm256_castsi256_ps(candidate), greater);
        _mm256_storeu_si256(index, _mm256_castps_si256(chosen));
      }
      if (o + 8 >= plan.end) return;
    }
  }
#endif
  for (int o = plan.begin; o < plan.end; ++o) {
    const int x = o * stride + offset;
    if (row[x] > best[o]) {
      best[o] = row[x];
      if (kSaveMask) best_index[o] = index_base + x;
    }
  }
}

// sum[o] += row[o * stride + offset] for o in the plan; 8 at a time as in
// MaxUpdate, the overlapping lanes of the last group blended out.
void SumUpdate(const float* row, int stride, int offset, const ColumnPlan& plan, float* sum) {
#ifdef __AVX2__
  if (stride <= 2 && plan.end - plan.begin >= 8) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int o = plan.begin, done = plan.begin;; o += 8) {
      o = std::min(o, plan.end - 8);
      const __m256 current = _mm256_loadu_ps(sum + o);
      const __m256 total = _mm256_add_ps(current, LoadCandidates(row + o * stride + offset, stride));
      // Lanes o + j >= done are new.
      const __m256 fresh = _mm256_castsi256_ps(
          _mm256_cmpgt_epi32(_mm256_add_epi32(lanes, _mm256_set1_epi32(o)), _mm256_set1_epi32(done - 1)));
      _mm256_storeu_ps(sum + o, _mm256_blendv_ps(current, total, fresh));
      done = o + 8;
      if (done >= plan.end) return;
    }
  }
#endif
  for (int o = plan.begin; o < plan.end; ++o) sum[o] += row[o * stride + offset];
}

// The planes are walked window row by window column with the output column
// innermost, so neighbouring outputs are independent (8 at a time with AVX2
// at strides 1 and 2) instead of one dependent chain per window. Each output
// still sees its window in row-major order and keeps a candidate only when
// strictly greater, so the first maximum wins, as in Caffe.
template <bool kSaveMask>
void MaxPoolPlane(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst, int32_t* mask) {
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
float Divisor(const PoolGeometry& g, int oy, int ox) {
  return static_cast<float>(g.Padded(oy, g.height) * g.Padded(ox, g.width));
}

void AvgPoolPlane(const PoolGeometry& g, const ColumnPlans& plans, const float* src, float* dst) {
  for (int oy = 0; oy < g.out_height; ++oy) {
    float* sum = dst + oy * g.out_width;
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
