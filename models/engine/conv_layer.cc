#include "models/engine/conv_layer.h"

#include <algorithm>

#ifdef __AVX__
#include <immintrin.h>
#endif

#include "models/engine/relu_layer.h"

namespace rcdnn::models {
namespace {

using ConstMap = Eigen::Map<const RowMatrix>;
using MutableMap = Eigen::Map<RowMatrix>;
// A column tile of a per-image (channels x pixels) matrix.
using ConstTile = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
using MutableTile = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

// The im2col buffer is filled a few output rows at a time so that it stays in
// L2 while the GEMM reads it (ALEXnet's conv2 would need 800 x 256 floats,
// 800 KiB, at once). At most this many floats per tile, at least one row.
constexpr int64_t kColTileFloats = 48 * 1024;

// Output positions o in [*begin, *end) whose input position o * stride - pad + k
// lies in [0, in_size). No division (it would cost more than the short rows):
// only the few windows at the edges move the bounds.
void ValidRange(int out_size, int in_size, int stride, int pad, int k, int* begin, int* end) {
  int b = 0, e = out_size;
  while (b < e && b * stride - pad + k < 0) ++b;
  while (e > b && (e - 1) * stride - pad + k >= in_size) --e;
  *begin = b;
  *end = e;
}

// sums[r] += sum of row r of a rows x cols row-major matrix. Eight running
// lanes combined in a fixed order: vectorizable, and the result does not
// depend on the data's alignment (Eigen's reductions do).
void AddRowSums(const float* data, int rows, int cols, float* sums) {
  for (int r = 0; r < rows; ++r) {
    const float* row = data + static_cast<int64_t>(r) * cols;
    float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int c = 0;
    for (; c + 8 <= cols; c += 8) {
      for (int l = 0; l < 8; ++l) lanes[l] += row[c + l];
    }
    for (; c < cols; ++c) lanes[0] += row[c];
    sums[r] += ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
  }
}

// dst[0, count) = src[0, count) and dst += src for the short rows of im2col
// (often 8 to 32 floats): GCC's -O2 cost model leaves runtime-length loops
// scalar, and memcpy's or Eigen's per-call overhead dominates rows this short.
// With 8 or more floats the last 8-wide step is shifted back to end at
// `count`, overlapping the one before: harmless for a copy, and for the sum
// the overlapping lanes are blended out.
inline void CopyFloats(const float* src, int count, float* dst) {
#ifdef __AVX__
  if (count >= 8) {
    for (int i = 0;; i += 8) {
      i = std::min(i, count - 8);
      _mm256_storeu_ps(dst + i, _mm256_loadu_ps(src + i));
      if (i + 8 >= count) return;
    }
  }
#endif
  for (int i = 0; i < count; ++i) dst[i] = src[i];
}

inline void AddFloats(const float* src, int count, float* dst) {
#ifdef __AVX2__
  if (count >= 8) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int i = 0, done = 0;; i += 8) {
      i = std::min(i, count - 8);
      const __m256 current = _mm256_loadu_ps(dst + i);
      const __m256 fresh = _mm256_castsi256_ps(
          _mm256_cmpgt_epi32(_mm256_add_epi32(lanes, _mm256_set1_epi32(i)), _mm256_set1_epi32(done - 1)));
      _mm256_storeu_ps(dst + i, _mm256_blendv_ps(current, _mm256_add_ps(current, _mm256_loadu_ps(src + i)), fresh));
      done = i + 8;
      if (done >= count) return;
    }
  }
#endif
  for (int i = 0; i < count; ++i) dst[i] += src[i];
}

// Im2Col of output rows [oy_begin, oy_end) only: cols is ColRows() x
// ((oy_end - oy_begin) * out_width).
void Im2ColRows(const float* image, const ConvGeometry& g, int oy_begin, int oy_end, float* cols) {
  const int k = g.kernel, s = g.stride, ow = g.out_width;
  const int64_t plane = int64_t{g.height} * g.width, tile = int64_t{oy_end - oy_begin} * ow;
  for (int c = 0; c < g.channels; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      int y_begin, y_end;  // output rows whose input row is inside the image
      ValidRange(g.out_height, g.height, s, g.pad, ky, &y_begin, &y_end);
      y_begin = std::clamp(y_begin, oy_begin, oy_end);
      y_end = std::clamp(y_end, y_begin, oy_end);
      for (int kx = 0; kx < k; ++kx) {
        float* row = cols + (static_cast<int64_t>(c * k + ky) * k + kx) * tile;
        int x_begin, x_end;
        ValidRange(ow, g.width, s, g.pad, kx, &x_begin, &x_end);
        std::fill(row, row + int64_t{y_begin - oy_begin} * ow, 0.0f);
        for (int oy = y_begin; oy < y_end; ++oy) {
          float* dst = row + int64_t{oy - oy_begin} * ow;
          // Input row iy, columns ox * s - pad + kx for ox in [x_begin, x_end).
          const float* src = image + c * plane + int64_t{oy * s - g.pad + ky} * g.width;
          const int x0 = x_begin * s - g.pad + kx;
          for (int ox = 0; ox < x_begin; ++ox) dst[ox] = 0.0f;
          if (s == 1) {
            CopyFloats(src + x0, x_end - x_begin, dst + x_begin);
          } else {
            for (int ox = x_begin; ox < x_end; ++ox) dst[ox] = src[x0 + (ox - x_begin) * s];
          }
          for (int ox = x_end; ox < ow; ++ox) dst[ox] = 0.0f;
        }
        std::fill(row + int64_t{y_end - oy_begin} * ow, row + tile, 0.0f);
      }
    }
  }
}

// The adjoint of Im2ColRows, ADDED into image (not zeroed here).
void Col2ImRows(const float* cols, const ConvGeometry& g, int oy_begin, int oy_end, float* image) {
  const int k = g.kernel, s = g.stride, ow = g.out_width;
  const int64_t plane = int64_t{g.height} * g.width, tile = int64_t{oy_end - oy_begin} * ow;
  for (int c = 0; c < g.channels; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      int y_begin, y_end;
      ValidRange(g.out_height, g.height, s, g.pad, ky, &y_begin, &y_end);
      y_begin = std::clamp(y_begin, oy_begin, oy_end);
      y_end = std::clamp(y_end, y_begin, oy_end);
      for (int kx = 0; kx < k; ++kx) {
        const float* row = cols + (static_cast<int64_t>(c * k + ky) * k + kx) * tile;
        int x_begin, x_end;
        ValidRange(ow, g.width, s, g.pad, kx, &x_begin, &x_end);
        const int x0 = x_begin * s - g.pad + kx;
        for (int oy = y_begin; oy < y_end; ++oy) {
          const float* src = row + int64_t{oy - oy_begin} * ow + x_begin;
          float* dst = image + c * plane + int64_t{oy * s - g.pad + ky} * g.width + x0;
          if (s == 1) {
            AddFloats(src, x_end - x_begin, dst);
          } else {
            for (int i = 0; i < x_end - x_begin; ++i) dst[i * s] += src[i];
          }
        }
      }
    }
  }
}

// Stride-1 convolutions with padding go through a zero-padded copy of the
// image, so that every im2col row is a plain copy of out_width floats with no
// edge logic: padded[c][y][x] = image[c][y - pad][x - pad], or 0. (Without
// padding the image itself is that array.)
struct PaddedGeometry {
  int height, width;  // of the padded planes
  explicit PaddedGeometry(const ConvGeometry& g) : height(g.height + 2 * g.pad), width(g.width + 2 * g.pad) {}
  int64_t Floats(int channels) const { return int64_t{channels} * height * width; }
};

void PadImage(const float* image, const ConvGeometry& g, float* padded) {
  const PaddedGeometry p(g);
  std::fill(padded, padded + p.Floats(g.channels), 0.0f);
  for (int c = 0; c < g.channels; ++c) {
    for (int y = 0; y < g.height; ++y) {
      CopyFloats(image + (int64_t{c} * g.height + y) * g.width, g.width,
                 padded + (int64_t{c} * p.height + y + g.pad) * p.width + g.pad);
    }
  }
}

// image = the interior of padded.
void Unpad(const float* padded, const ConvGeometry& g, float* image) {
  const PaddedGeometry p(g);
  for (int c = 0; c < g.channels; ++c) {
    for (int y = 0; y < g.height; ++y) {
      CopyFloats(padded + (int64_t{c} * p.height + y + g.pad) * p.width + g.pad, g.width,
                image + (int64_t{c} * g.height + y) * g.width);
    }
  }
}

// Im2ColRows at stride 1 from a padded image (width p.width).
void Im2ColPadded(const float* padded, const ConvGeometry& g, int oy_begin, int oy_end, float* cols) {
  const PaddedGeometry p(g);
  const int k = g.kernel, ow = g.out_width;
  float* dst = cols;
  for (int c = 0; c < g.channels; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx) {
        const float* src = padded + (int64_t{c} * p.height + oy_begin + ky) * p.width + kx;
        for (int oy = oy_begin; oy < oy_end; ++oy, src += p.width, dst += ow) CopyFloats(src, ow, dst);
      }
    }
  }
}

// The adjoint: padded_grad += each column row where Im2ColPadded took it.
void Col2ImPadded(const float* cols, const ConvGeometry& g, int oy_begin, int oy_end, float* padded_grad) {
  const PaddedGeometry p(g);
  const int k = g.kernel, ow = g.out_width;
  const float* src = cols;
  for (int c = 0; c < g.channels; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx) {
        float* dst = padded_grad + (int64_t{c} * p.height + oy_begin + ky) * p.width + kx;
        for (int oy = oy_begin; oy < oy_end; ++oy, dst += p.width, src += ow) AddFloats(src, ow, dst);
      }
    }
  }
}

}  // namespace

void Im2Col(const float* image, const ConvGeometry& g, float* cols) { Im2ColRows(image, g, 0, g.out_height, cols); }

void Col2Im(const float* cols, const ConvGeometry& g, float* image) {
  std::fill(image, image + int64_t{g.channels} * g.height * g.width, 0.0f);
  Col2ImRows(cols, g, 0, g.out_height, image);
}

ConvLayer::ConvLayer(const LayerSpec& spec, bool fused_relu)
    : kernel_(spec.kernel), stride_(spec.stride), pad_(spec.pad), fused_relu_(fused_relu) {}

ConvGeometry ConvLayer::Geometry(const LayerShape& shape) const {
  ConvGeometry g;
  g.channels = shape.in_channels;
  g.height = shape.in_height;
  g.width = shape.in_width;
  g.kernel = kernel_;
  g.stride = stride_;
  g.pad = pad_;
  g.out_height = shape.out_height;
  g.out_width = shape.out_width;
  return g;
}

int ConvLayer::TileRows(const ConvGeometry& g) const {
  const int64_t row_floats = int64_t{g.ColRows()} * g.out_width;
  return static_cast<int>(std::clamp<int64_t>(kColTileFloats / row_floats, 1, g.out_height));
}

// The column tile's room: TileRows(g) rows of ColRows() x out_width floats
// is at most max(kColTileFloats, one row) and at most the whole image. Unlike
// the tile itself (narrower inputs fit more rows) this never shrinks as the
// width grows, so scratch sized at full width fits every width.
static int64_t ColumnTileCapacity(const ConvGeometry& g) {
  const int64_t row = int64_t{g.ColRows()} * g.out_width;
  return std::min(std::max(kColTileFloats, row), row * g.out_height);
}

int64_t ConvLayer::ScratchFloats(const LayerShape& shape) const {
  if (IsPointwise()) return 0;
  const ConvGeometry g = Geometry(shape);
  // Stride 1: after the columns, the padded image and, in backward, its gradient.
  return ColumnTileCapacity(g) + (UsesPaddedCopy() ? 2 * PaddedGeometry(g).Floats(g.channels) : 0);
}

void ConvLayer::Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
                        const LayerBuffers& buffers) const {
  const ConvGeometry g = Geometry(shape);
  const int rows = g.ColRows(), pixels = g.ColCols(), outputs = shape.out_channels;
  const int tile_rows = IsPointwise() ? g.out_height : TileRows(g);
  const Eigen::Block<const RowMatrix> weights = params->weights.topLeftCorner(outputs, rows);
  const Eigen::VectorBlock<const Eigen::VectorXf> bias = params->bias.head(outputs);
  float* padded = buffers.scratch + ColumnTileCapacity(g);
  for (int i = 0; i < n; ++i) {
    const float* image = in + i * shape.InputSize();
    float* out_image = out + i * shape.OutputSize();
    if (UsesPaddedCopy()) PadImage(image, g, padded);
    for (int oy = 0; oy < g.out_height; oy += tile_rows) {
      const int oy_end = std::min(oy + tile_rows, g.out_height), first = oy * g.out_width;
      const int tile = (oy_end - oy) * g.out_width;
      FillColumns(image, padded, g, oy, oy_end, buffers.scratch);
      const ConstTile cols(IsPointwise() ? image + first : buffers.scratch, rows, tile,
                           Eigen::OuterStride<>(IsPointwise() ? pixels : tile));
      MutableTile result(out_image + first, outputs, tile, Eigen::OuterStride<>(pixels));
      // Row by row: result.colwise() = bias would walk the row-major tile column by column.
      for (int r = 0; r < outputs; ++r) result.row(r).setConstant(bias(r));
      result.noalias() += weights * cols;
    }
    if (fused_relu_) ReluInPlace(out_image, shape.OutputSize());
  }
}

void ConvLayer::Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in,
                         const float* out, float* out_grad, float* in_grad, LayerParams* param_grads,
                         const LayerBuffers& buffers) const {
  const ConvGeometry g = Geometry(shape);
  const int rows = g.ColRows(), pixels = g.ColCols(), outputs = shape.out_channels;
  const int tile_rows = IsPointwise() ? g.out_height : TileRows(g);
  const Eigen::Block<const RowMatrix> weights = params->weights.topLeftCorner(outputs, rows);
  Eigen::Block<RowMatrix> weight_grads = param_grads->weights.topLeftCorner(outputs, rows);
  float* padded = buffers.scratch + ColumnTileCapacity(g);
  float* padded_grad = UsesPaddedCopy() ? padded + PaddedGeometry(g).Floats(g.channels) : nullptr;
  for (int i = 0; i < n; ++i) {
    float* dy_data = out_grad + i * shape.OutputSize();
    if (fused_relu_) ReluBackwardInPlace(out + i * shape.OutputSize(), dy_data, shape.OutputSize());
    AddRowSums(dy_data, outputs, pixels, param_grads->bias.data());
    const float* image = in + i * shape.InputSize();
    float* image_grad = in_grad == nullptr ? nullptr : in_grad + i * shape.InputSize();
    if (UsesPaddedCopy()) PadImage(image, g, padded);
    // Column gradients go into the padded gradient or straight into image_grad.
    float* grad_target = UsesPaddedCopy() ? padded_grad : image_grad;
    if (image_grad != nullptr && !IsPointwise()) {
      std::fill(grad_target, grad_target + (UsesPaddedCopy() ? PaddedGeometry(g).Floats(g.channels) : shape.InputSize()),
                0.0f);
    }
    for (int oy = 0; oy < g.out_height; oy += tile_rows) {
      const int oy_end = std::min(oy + tile_rows, g.out_height), first = oy * g.out_width;
      const int tile = (oy_end - oy) * g.out_width;
      const ConstTile dy(dy_data + first, outputs, tile, Eigen::OuterStride<>(pixels));
      FillColumns(image, padded, g, oy, oy_end, buffers.scratch);
      const ConstTile cols(IsPointwise() ? image + first : buffers.scratch, rows, tile,
                           Eigen::OuterStride<>(IsPointwise() ? pixels : tile));
      weight_grads.noalias() += dy * cols.transpose();
      if (image_grad == nullptr) continue;
      if (IsPointwise()) {
        MutableTile(image_grad + first, rows, tile, Eigen::OuterStride<>(pixels)).noalias() = weights.transpose() * dy;
      } else {
        MutableMap(buffers.scratch, rows, tile).noalias() = weights.transpose() * dy;  // the columns are used up
        if (RowCopies()) {
          Col2ImPadded(buffers.scratch, g, oy, oy_end, grad_target);
        } else {
          Col2ImRows(buffers.scratch, g, oy, oy_end, image_grad);
        }
      }
    }
    if (image_grad != nullptr && UsesPaddedCopy()) Unpad(padded_grad, g, image_grad);
  }
}

void ConvLayer::FillColumns(const float* image, const float* padded, const ConvGeometry& g, int oy_begin, int oy_end,
                            float* cols) const {
  if (IsPointwise()) return;
  if (RowCopies()) {
    Im2ColPadded(UsesPaddedCopy() ? padded : image, g, oy_begin, oy_end, cols);
  } else {
    Im2ColRows(image, g, oy_begin, oy_end, cols);
  }
}

}  // namespace rcdnn::models
