#include "models/dyvedeep/knobbed_layers.h"

#include <algorithm>
#include <cmath>

#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "common/error.h"

namespace rcdnn::models::dyvedeep {

void LayerCounts::Add(const LayerCounts& other) {
  total_macs += other.total_macs;
  executed_macs += other.executed_macs;
  saturated_neurons += other.saturated_neurons;
  interpolated_outputs += other.interpolated_outputs;
  approximated_channels += other.approximated_channels;
}

float Dot(const float* a, const float* b, int count) {
  int i = 0;
#ifdef __AVX2__
  // Four independent accumulators hide the FMA latency on long rows.
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(),
         acc3 = _mm256_setzero_ps();
  for (; i + 32 <= count; i += 32) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
  }
  for (; i + 8 <= count; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
  float lanes[8];
  _mm256_storeu_ps(lanes, _mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
#else
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (; i + 8 <= count; i += 8) {
    for (int l = 0; l < 8; ++l) lanes[l] += a[i + l] * b[i + l];
  }
#endif
  for (; i < count; ++i) lanes[i & 7] += a[i] * b[i];
  return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

ConvTables MakeConvTables(const LayerParams& params, int kernel) {
  const int kk = kernel * kernel;
  const int rows = static_cast<int>(params.weights.rows()), channels = static_cast<int>(params.weights.cols()) / kk;
  ConvTables tables;
  tables.kernel_sum.setZero(rows, channels);
  tables.kernel_abs.setZero(rows, channels);
  for (int o = 0; o < rows; ++o) {
    for (int c = 0; c < channels; ++c) {
      const float* w = params.weights.data() + static_cast<int64_t>(o) * params.weights.cols() + c * kk;
      float sum = 0, abs_sum = 0;
      for (int t = 0; t < kk; ++t) {
        sum += w[t];
        abs_sum += std::fabs(w[t]);
      }
      tables.kernel_sum(o, c) = sum;
      tables.kernel_abs(o, c) = abs_sum;
    }
  }
  return tables;
}

FcTables MakeFcTables(const LayerParams& params) {
  const int rows = static_cast<int>(params.weights.rows()), cols = static_cast<int>(params.weights.cols());
  FcTables tables;
  tables.abs_prefix.setZero(rows, cols + 1);
  for (int o = 0; o < rows; ++o) {
    double sum = 0;
    for (int j = 0; j < cols; ++j) {
      sum += std::fabs(static_cast<double>(params.weights(o, j)));
      tables.abs_prefix(o, j + 1) = sum;
    }
  }
  return tables;
}

namespace {

// Exact input channels accumulated before the saturation check: ceil(check *
// exact), at least 1, at most all.
int CheckpointChannels(double check, int exact) {
  if (exact == 0) return 0;
  return std::clamp(static_cast<int>(std::ceil(check * exact - 1e-9)), 1, exact);
}

}  // namespace

bool KnobbedConvForward(const ConvKnobLayer& layer, const KnobSettings& settings, const float* image, float* out,
                        KnobScratch* s, LayerCounts* counts) {
  const ConvGeometry& g = layer.geometry;
  const int C = g.channels, k = g.kernel, kk = k * k, O = layer.outputs;
  const int oh = g.out_height, ow = g.out_width, P = oh * ow;
  const int64_t plane = int64_t{g.height} * g.width;
  const bool saturation = settings.saturation.has_value() && layer.saturating;

  // Channel statistics (comparisons and additions, no MACs).
  s->channel_min.assign(C, 0.0f);
  s->channel_max.assign(C, 0.0f);
  s->channel_mean.assign(C, 0.0f);
  float global_min = image[0], global_max = image[0];
  for (int c = 0; c < C; ++c) {
    const float* x = image + c * plane;
    float lo = x[0], hi = x[0];
    double sum = 0;
    for (int64_t i = 0; i < plane; ++i) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
      sum += x[i];
    }
    s->channel_min[c] = lo;
    s->channel_max[c] = hi;
    s->channel_mean[c] = static_cast<float>(sum / static_cast<double>(plane));
    global_min = std::min(global_min, lo);
    global_max = std::max(global_max, hi);
  }
  s->exact.clear();
  s->approximated.clear();
  for (int c = 0; c < C; ++c) {
    const bool similar = settings.similarity.has_value() &&
                         s->channel_max[c] - s->channel_min[c] <= *settings.similarity * (global_max - global_min);
    (similar ? s->approximated : s->exact).push_back(c);
  }
  if (!saturation && !settings.sampling && s->approximated.empty()) return false;

  const int E = static_cast<int>(s->exact.size()), A = static_cast<int>(s->approximated.size());
  const int R = E * kk;  // exact reduction length
  const RowMatrix& W = layer.params->weights;
  const float* bias = layer.params->bias.data();

  // Compact weights of the exact channels (a copy of their columns).
  s->weights.resize(static_cast<size_t>(O) * R);
  for (int o = 0; o < O; ++o) {
    for (int e = 0; e < E; ++e) {
      std::copy_n(W.data() + static_cast<int64_t>(o) * W.cols() + s->exact[e] * kk, kk,
                  s->weights.data() + static_cast<int64_t>(o) * R + e * kk);
    }
  }
  // One patch row per output position over the exact channels, (e, ky, kx) order, 0 in the padding.
  s->patches.resize(static_cast<size_t>(P) * R);
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      float* row = s->patches.data() + static_cast<int64_t>(oy * ow + ox) * R;
      for (int e = 0; e < E; ++e) {
        const float* x = image + s->exact[e] * plane;
        for (int ky = 0; ky < k; ++ky) {
          const int iy = oy * g.stride - g.pad + ky;
          for (int kx = 0; kx < k; ++kx) {
            const int ix = ox * g.stride - g.pad + kx;
            const bool inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width;
            row[(e * k + ky) * k + kx] = inside ? x[int64_t{iy} * g.width + ix] : 0.0f;
          }
        }
      }
    }
  }

  // Similarity: a[o] = sum over approximated c of mean_c * kernel_sum(o, c), one MAC each.
  std::vector<float>& approx = s->approx;
  approx.assign(O, 0.0f);
  for (int o = 0; o < O; ++o) {
    for (int c : s->approximated) approx[o] += s->channel_mean[c] * layer.tables->kernel_sum(o, c);
  }
  counts->executed_macs += int64_t{O} * A;
  counts->approximated_channels += A;

  // Saturation: checkpoint after the first m exact channels (in channel order);
  // bound(o) = L1 of o's remaining exact weights x max |remaining exact input|.
  const int m_channels = saturation ? CheckpointChannels(settings.saturation_check, E) : E;
  const int m = m_channels * kk;
  float remaining_max = 0;
  for (int e = m_channels; e < E; ++e) {
    const int c = s->exact[e];
    remaining_max = std::max({remaining_max, std::fabs(s->channel_min[c]), std::fabs(s->channel_max[c])});
  }
  s->bound.assign(O, 0.0f);
  if (saturation) {
    for (int o = 0; o < O; ++o) {
      float l1 = 0;
      for (int e = m_channels; e < E; ++e) l1 += layer.tables->kernel_abs(o, s->exact[e]);
      s->bound[o] = static_cast<float>(*settings.saturation) * l1 * remaining_max;
    }
  }

  const bool padded = g.pad > 0 && A > 0;
  // bias + the approximated channels' contribution at position p.
  auto base = [&](int o, int p) -> float {
    const int oy = p / ow, ox = p % ow;
    const int y0 = oy * g.stride - g.pad, x0 = ox * g.stride - g.pad;
    if (!padded || (y0 >= 0 && x0 >= 0 && y0 + k <= g.height && x0 + k <= g.width)) return bias[o] + approx[o];
    // The window is clipped: the approximated channels contribute mean x the
    // sum of the taps inside the input (weights only), one MAC per channel.
    const int ky0 = std::max(0, -y0), ky1 = std::min(k, g.height - y0);
    const int kx0 = std::max(0, -x0), kx1 = std::min(k, g.width - x0);
    float clipped = 0;
    for (int c : s->approximated) {
      const float* w = W.data() + static_cast<int64_t>(o) * W.cols() + c * kk;
      float clipped_sum = 0;
      for (int ky = ky0; ky < ky1; ++ky) {
        for (int kx = kx0; kx < kx1; ++kx) clipped_sum += w[ky * k + kx];
      }
      clipped += s->channel_mean[c] * clipped_sum;
    }
    counts->executed_macs += A;
    return bias[o] + clipped;
  };
  auto finish = [&](float v) { return layer.fused_relu ? std::max(v, 0.0f) : v; };
  // One neuron on its own: the checkpoint, then the rest unless it stops.
  auto neuron = [&](int o, int p) -> float {
    float v = base(o, p);
    const float* w = s->weights.data() + static_cast<int64_t>(o) * R;
    const float* x = s->patches.data() + static_cast<int64_t>(p) * R;
    v += Dot(w, x, m);
    counts->executed_macs += m;
    if (saturation && v + s->bound[o] < 0) {
      ++counts->saturated_neurons;
      return 0.0f;
    }
    v += Dot(w + m, x + m, R - m);
    counts->executed_macs += R - m;
    return finish(v);
  };
  // Without saturation every neuron of a set of positions runs to the end:
  // one GEMM over their patch rows (weights x patches^T), then bias,
  // approximation and ReLU. `rows` lists the positions, or is empty for all.
  auto all_neurons = [&](const std::vector<int>& rows) {
    const int count = rows.empty() ? P : static_cast<int>(rows.size());
    const float* patches = s->patches.data();
    if (!rows.empty()) {
      s->gathered.resize(static_cast<size_t>(count) * R);
      for (int r = 0; r < count; ++r) {
        std::copy_n(s->patches.data() + static_cast<int64_t>(rows[r]) * R, R, s->gathered.data() + int64_t{r} * R);
      }
      patches = s->gathered.data();
    }
    s->products.resize(static_cast<size_t>(O) * count);
    Eigen::Map<RowMatrix> products(s->products.data(), O, count);
    if (R > 0) {
      products.noalias() = Eigen::Map<const RowMatrix>(s->weights.data(), O, R) *
                           Eigen::Map<const RowMatrix>(patches, count, R).transpose();
    } else {
      products.setZero();
    }
    counts->executed_macs += int64_t{O} * count * R;
    for (int o = 0; o < O; ++o) {
      for (int r = 0; r < count; ++r) {
        const int p = rows.empty() ? r : rows[r];
        out[static_cast<int64_t>(o) * P + p] = finish(base(o, p) + products(o, r));
      }
    }
  };

  if (!settings.sampling) {
    if (!saturation) {
      all_neurons({});
      return true;
    }
    for (int o = 0; o < O; ++o) {
      for (int p = 0; p < P; ++p) out[static_cast<int64_t>(o) * P + p] = neuron(o, p);
    }
    return true;
  }

  // Selective sampling: the even-even grid first, then each other output from
  // its 2 (same row or column) or 4 (diagonal) grid neighbours when present.
  if (!saturation) {
    std::vector<int>& grid = s->grid;
    grid.clear();
    for (int oy = 0; oy < oh; oy += 2) {
      for (int ox = 0; ox < ow; ox += 2) grid.push_back(oy * ow + ox);
    }
    all_neurons(grid);
  }
  const double t = *settings.sampling;
  for (int o = 0; o < O; ++o) {
    float* map = out + static_cast<int64_t>(o) * P;
    float grid_min = 0, grid_max = 0;
    bool first = true;
    for (int oy = 0; oy < oh; oy += 2) {
      for (int ox = 0; ox < ow; ox += 2) {
        const float v = saturation ? neuron(o, oy * ow + ox) : map[oy * ow + ox];
        map[oy * ow + ox] = v;
        grid_min = first ? v : std::min(grid_min, v);
        grid_max = first ? v : std::max(grid_max, v);
        first = false;
      }
    }
    const float tolerance = static_cast<float>(t) * (grid_max - grid_min);
    for (int oy = 0; oy < oh; ++oy) {
      for (int ox = 0; ox < ow; ++ox) {
        const bool odd_y = oy % 2 == 1, odd_x = ox % 2 == 1;
        if (!odd_y && !odd_x) continue;
        float n[4];
        int count = 0;
        if (odd_y && oy + 1 >= oh) count = -1;
        if (odd_x && ox + 1 >= ow) count = -1;
        if (count == 0) {
          if (odd_y && odd_x) {
            n[0] = map[(oy - 1) * ow + ox - 1];
            n[1] = map[(oy - 1) * ow + ox + 1];
            n[2] = map[(oy + 1) * ow + ox - 1];
            n[3] = map[(oy + 1) * ow + ox + 1];
            count = 4;
          } else if (odd_x) {
            n[0] = map[oy * ow + ox - 1];
            n[1] = map[oy * ow + ox + 1];
            count = 2;
          } else {
            n[0] = map[(oy - 1) * ow + ox];
            n[1] = map[(oy + 1) * ow + ox];
            count = 2;
          }
        }
        if (count > 0) {
          const float lo = *std::min_element(n, n + count), hi = *std::max_element(n, n + count);
          if (hi - lo <= tolerance) {
            map[oy * ow + ox] = count == 4 ? ((n[0] + n[1]) + (n[2] + n[3])) * 0.25f : (n[0] + n[1]) * 0.5f;
            ++counts->interpolated_outputs;
            continue;
          }
        }
        map[oy * ow + ox] = neuron(o, oy * ow + ox);
      }
    }
  }
  return true;
}

void KnobbedFcForward(const LayerParams& params, const FcTables& tables, int inputs, int outputs,
                      const KnobSettings& settings, const float* in, float* out, LayerCounts* counts) {
  if (!settings.saturation) throw Error("KnobbedFcForward: the saturation knob is off");
  const int m = CheckpointChannels(settings.saturation_check, inputs);
  float remaining_max = 0;
  for (int j = m; j < inputs; ++j) remaining_max = std::max(remaining_max, std::fabs(in[j]));
  const double t = *settings.saturation;
  for (int o = 0; o < outputs; ++o) {
    const float* w = params.weights.data() + static_cast<int64_t>(o) * params.weights.cols();
    float v = params.bias(o) + Dot(w, in, m);
    counts->executed_macs += m;
    const float bound =
        static_cast<float>(t * (tables.abs_prefix(o, inputs) - tables.abs_prefix(o, m)) * remaining_max);
    if (v + bound < 0) {
      ++counts->saturated_neurons;
      out[o] = 0.0f;
      continue;
    }
    v += Dot(w + m, in + m, inputs - m);
    counts->executed_macs += inputs - m;
    out[o] = std::max(v, 0.0f);
  }
}

}  // namespace rcdnn::models::dyvedeep
