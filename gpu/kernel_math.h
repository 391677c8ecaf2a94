// What one thread of each element-wise GPU kernel computes, as inline
// functions that nvcc compiles for the device (device_net.cu's kernels) and
// g++ compiles for the host (host_steps.cc). The host copy runs the same
// index arithmetic on machines without a GPU, so host_steps_test checks these
// formulas against the CPU engine everywhere.
//
// Layout: image-major NCHW at the active channel count (device_net.h).
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define RCDNN_HOST_DEVICE __host__ __device__
#else
#define RCDNN_HOST_DEVICE
#endif

namespace rcdnn::gpu {

// im2col of n images: col[b][c*k*k + ky*k + kx][oy*out_width + ox] =
// in[b][c][oy*stride - pad + ky][ox*stride - pad + kx], 0 outside the image.
struct Im2ColShape {
  int n = 0, channels = 0, height = 0, width = 0;
  int kernel = 1, stride = 1, pad = 0;
  int out_height = 0, out_width = 0;

  RCDNN_HOST_DEVICE int64_t Pixels() const { return int64_t{out_height} * out_width; }
  RCDNN_HOST_DEVICE int64_t Rows() const { return int64_t{channels} * kernel * kernel; }
  RCDNN_HOST_DEVICE int64_t InputFloats() const { return int64_t{n} * channels * height * width; }
  RCDNN_HOST_DEVICE int64_t ColFloats() const { return n * Rows() * Pixels(); }
};

// col[idx] for idx in [0, shape.ColFloats()).
RCDNN_HOST_DEVICE inline float Im2ColAt(const float* in, const Im2ColShape& s, int64_t idx) {
  const int64_t pixels = s.Pixels(), rows = s.Rows();
  const int p = static_cast<int>(idx % pixels);
  const int64_t rest = idx / pixels;
  const int row = static_cast<int>(rest % rows);
  const int64_t b = rest / rows;
  const int kx = row % s.kernel, ky = (row / s.kernel) % s.kernel, c = row / (s.kernel * s.kernel);
  const int y = (p / s.out_width) * s.stride - s.pad + ky, x = (p % s.out_width) * s.stride - s.pad + kx;
  if (y < 0 || y >= s.height || x < 0 || x >= s.width) return 0.0f;
  return in[((b * s.channels + c) * s.height + y) * static_cast<int64_t>(s.width) + x];
}

// out[b][c][p] + bias[c], then max(0, .) when relu; idx = (b*channels + c)*pixels + p.
RCDNN_HOST_DEVICE inline float BiasReluAt(float value, const float* bias, int channels, int64_t pixels, int64_t idx,
                                          bool relu) {
  const float v = value + bias[(idx / pixels) % channels];
  return relu ? fmaxf(v, 0.0f) : v;
}

// Pooling over `planes` = images * channels planes, Caffe's rules as
// models/engine/pool_layer.cc: window start o*stride - pad; values clipped to
// the input; the average divides by the window clipped to the padded input;
// the first maximum wins (strictly greater).
struct PoolShape {
  int64_t planes = 0;
  int height = 0, width = 0, out_height = 0, out_width = 0;
  int kernel = 1, stride = 1, pad = 0;
  bool max_pool = true;

  RCDNN_HOST_DEVICE int64_t InputFloats() const { return planes * height * width; }
  RCDNN_HOST_DEVICE int64_t OutputFloats() const { return planes * out_height * out_width; }
};

// out[idx] for idx in [0, shape.OutputFloats()).
RCDNN_HOST_DEVICE inline float PoolAt(const float* in, const PoolShape& s, int64_t idx) {
  const int ox = static_cast<int>(idx % s.out_width);
  const int oy = static_cast<int>((idx / s.out_width) % s.out_height);
  const int64_t plane = idx / (static_cast<int64_t>(s.out_width) * s.out_height);
  const int y0 = oy * s.stride - s.pad, x0 = ox * s.stride - s.pad;
  const int y_end = y0 + s.kernel < s.height ? y0 + s.kernel : s.height;
  const int x_end = x0 + s.kernel < s.width ? x0 + s.kernel : s.width;
  const float* src = in + plane * s.height * s.width;
  float value = s.max_pool ? -FLT_MAX : 0.0f;
  for (int y = y0 > 0 ? y0 : 0; y < y_end; ++y) {
    for (int x = x0 > 0 ? x0 : 0; x < x_end; ++x) {
      const float v = src[y * s.width + x];
      if (s.max_pool) {
        if (v > value) value = v;
      } else {
        value += v;
      }
    }
  }
  if (!s.max_pool) {
    const int y_last = y0 + s.kernel < s.height + s.pad ? y0 + s.kernel : s.height + s.pad;
    const int x_last = x0 + s.kernel < s.width + s.pad ? x0 + s.kernel : s.width + s.pad;
    value /= static_cast<float>((y_last - y0) * (x_last - x0));
  }
  return value;
}

}  // namespace rcdnn::gpu
