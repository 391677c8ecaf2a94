#include "models/engine/conv_layer.h"

#include <algorithm>
#include <numeric>

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

// Images are taken several at a time, their im2col columns side by side, so
// that a GEMM's pixel dimension is at least about kTargetColumns even where one
// image has few output positions (ConvNets' conv3: 16, its conv2: 64). Narrow
// GEMMs spend their time packing the weights (Eigen packs both operands per
// call) and re-reading the weight gradient (a K of 16). Input channels are
// taken a block at a time so that a column block stays near kColBlockFloats
// however deep the layer is (ConvNets' conv3: 12800 rows x 256 columns would
// be 13 MB). Both values were measured best on ALEXnet and ConvNets training
// (target 64/128/256/512 columns, blocks of 64/128/256 Ki floats, unbounded).
constexpr int kTargetColumns = 256;
constexpr int kMaxGroup = 16;
constexpr int64_t kColBlockFloats = 256 * 1024;

// A forward group of ONE image whose column block exceeds kTileFloats (LeNet's
// conv1: 25 x 576, ALEXnet's conv1: 75 x 1024) goes a tile of output rows at
// a time, so that the columns and Eigen's packed copy of them stay in L1
// instead of streaming through L2 (im2col stores missing L1 took a third of
// LeNet's batch-1 time at 25% width). Tiles hold a multiple of
// kTilePixelUnit pixels (Eigen's AVX row panel of 24 floats, doubled): every
// pixel then goes through the same GEMM micro-kernel as in one untiled GEMM,
// which accumulates each output over the same K in the same order, so the
// result does not depend on the tiling (tested bit for bit). Only where the
// weight block is no larger than a tile's columns: Eigen packs the weights
// again for every tile.
constexpr int64_t kTileFloats = 4096;
constexpr int kTilePixelUnit = 48;

// One image's forward splits its output rows over the engine's threads (in
// whole kTilePixelUnit multiples, so the bits are those of one thread) only
// when the layer has at least this many MACs: below it, waking a worker costs
// more than it saves (measured on LeNet and ALEXnet at batch 1).
constexpr int64_t kMinParallelMacs = 60000;

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
  if (count % 8 == 0) {
    for (int i = 0; i < count; i += 8) _mm256_storeu_ps(dst + i, _mm256_loadu_ps(src + i));
    return;
  }
  if (count >= 8) {
    for (int i = 0;; i += 8) {
      i = std::min(i, count - 8);
      _mm256_storeu_ps(dst + i, _mm256_loadu_ps(src + i));
      if (i + 8 >= count) return;
    }
  }
  if (count >= 4) {  // 4 to 7 (ConvNets' conv3 rows are 4 long): two overlapping 4-wide copies
    _mm_storeu_ps(dst, _mm_loadu_ps(src));
    _mm_storeu_ps(dst + count - 4, _mm_loadu_ps(src + count - 4));
    return;
  }
#endif
  for (int i = 0; i < count; ++i) dst[i] = src[i];
}

inline void AddFloats(const float* src, int count, float* dst) {
#ifdef __AVX2__
  if (count % 8 == 0) {  // the common case (rows of 8, 16, 32): no overlap to blend out
    for (int i = 0; i < count; i += 8) {
      _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), _mm256_loadu_ps(src + i)));
    }
    return;
  }
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
  if (count >= 4) {
    _mm_storeu_ps(dst, _mm_add_ps(_mm_loadu_ps(dst), _mm_loadu_ps(src)));
    for (int i = 4; i < count; ++i) dst[i] += src[i];
    return;
  }
#endif
  for (int i = 0; i < count; ++i) dst[i] += src[i];
}

// The im2col rows of input channels [c_begin, c_end): row (c - c_begin) * k * k
// + ky * k + kx at cols + row * ld, out_height * out_width floats each.
void Im2ColChannels(const float* image, const ConvGeometry& g, int c_begin, int c_end, int64_t ld, float* cols) {
  const int k = g.kernel, s = g.stride, ow = g.out_width;
  const int64_t plane = int64_t{g.height} * g.width, pixels = int64_t{g.out_height} * ow;
  for (int c = c_begin; c < c_end; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      int y_begin, y_end;  // output rows whose input row is inside the image
      ValidRange(g.out_height, g.height, s, g.pad, ky, &y_begin, &y_end);
      for (int kx = 0; kx < k; ++kx) {
        float* row = cols + (static_cast<int64_t>(c - c_begin) * k * k + ky * k + kx) * ld;
        int x_begin, x_end;
        ValidRange(ow, g.width, s, g.pad, kx, &x_begin, &x_end);
        std::fill(row, row + int64_t{y_begin} * ow, 0.0f);
        for (int oy = y_begin; oy < y_end; ++oy) {
          float* dst = row + int64_t{oy} * ow;
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
        std::fill(row + int64_t{y_end} * ow, row + pixels, 0.0f);
      }
    }
  }
}

// The adjoint of Im2ColChannels, ADDED into image (not zeroed here).
void Col2ImChannels(const float* cols, const ConvGeometry& g, int c_begin, int c_end, int64_t ld, float* image) {
  const int k = g.kernel, s = g.stride, ow = g.out_width;
  const int64_t plane = int64_t{g.height} * g.width;
  for (int c = c_begin; c < c_end; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      int y_begin, y_end;
      ValidRange(g.out_height, g.height, s, g.pad, ky, &y_begin, &y_end);
      for (int kx = 0; kx < k; ++kx) {
        const float* row = cols + (static_cast<int64_t>(c - c_begin) * k * k + ky * k + kx) * ld;
        int x_begin, x_end;
        ValidRange(ow, g.width, s, g.pad, kx, &x_begin, &x_end);
        const int x0 = x_begin * s - g.pad + kx;
        for (int oy = y_begin; oy < y_end; ++oy) {
          const float* src = row + int64_t{oy} * ow + x_begin;
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

// Writes every float of the padded planes once: the border's zeros around
// each copied row (no fill of the whole buffer first).
void PadImage(const float* image, const ConvGeometry& g, float* padded) {
  const PaddedGeometry p(g);
  const int64_t edge_rows = int64_t{g.pad} * p.width;
  for (int c = 0; c < g.channels; ++c) {
    float* plane = padded + int64_t{c} * p.height * p.width;
    std::fill(plane, plane + edge_rows + g.pad, 0.0f);  // the top rows and the first row's left border
    for (int y = 0; y < g.height; ++y) {
      float* row = plane + (int64_t{y} + g.pad) * p.width + g.pad;
      CopyFloats(image + (int64_t{c} * g.height + y) * g.width, g.width, row);
      // This row's right border and the next row's left border (or the bottom rows).
      std::fill(row + g.width, row + g.width + 2 * g.pad, 0.0f);
    }
    std::fill(plane + (int64_t{g.height} + g.pad) * p.width + g.pad, plane + int64_t{p.height} * p.width, 0.0f);
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

// Im2ColChannels at stride 1 from a padded image (width p.width), output
// rows [oy_begin, oy_end) only (their pixels start at column 0 of cols).
void Im2ColPaddedRows(const float* padded, const ConvGeometry& g, int c_begin, int c_end, int oy_begin, int oy_end,
                      int64_t ld, float* cols) {
  const PaddedGeometry p(g);
  const int k = g.kernel, ow = g.out_width;
  float* row = cols;
  for (int c = c_begin; c < c_end; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx, row += ld) {
        const float* src = padded + (int64_t{c} * p.height + ky + oy_begin) * p.width + kx;
        float* dst = row;
        for (int oy = oy_begin; oy < oy_end; ++oy, src += p.width, dst += ow) CopyFloats(src, ow, dst);
      }
    }
  }
}

void Im2ColPadded(const float* padded, const ConvGeometry& g, int c_begin, int c_end, int64_t ld, float* cols) {
  Im2ColPaddedRows(padded, g, c_begin, c_end, 0, g.out_height, ld, cols);
}

// The adjoint: padded_grad += each column row where Im2ColPadded took it.
void Col2ImPadded(const float* cols, const ConvGeometry& g, int c_begin, int c_end, int64_t ld, float* padded_grad) {
  const PaddedGeometry p(g);
  const int k = g.kernel, oh = g.out_height, ow = g.out_width;
  const float* row = cols;
  for (int c = c_begin; c < c_end; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx, row += ld) {
        float* dst = padded_grad + (int64_t{c} * p.height + ky) * p.width + kx;
        const float* src = row;
        for (int oy = 0; oy < oh; ++oy, dst += p.width, src += ow) AddFloats(src, ow, dst);
      }
    }
  }
}

}  // namespace

void Im2Col(const float* image, const ConvGeometry& g, float* cols) {
  Im2ColChannels(image, g, 0, g.channels, g.ColCols(), cols);
}

void Col2Im(const float* cols, const ConvGeometry& g, float* image) {
  std::fill(image, image + int64_t{g.channels} * g.height * g.width, 0.0f);
  Col2ImChannels(cols, g, 0, g.channels, g.ColCols(), image);
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

// Neither number depends on the channel counts, so scratch sized at full
// width fits every width (the column block is min(channel_block, channels)).
ConvLayer::Plan ConvLayer::MakePlan(const ConvGeometry& g) {
  Plan plan;
  const int pixels = g.ColCols();
  plan.group = std::clamp((kTargetColumns + pixels - 1) / pixels, 1, kMaxGroup);
  const int64_t channel_floats = int64_t{g.kernel} * g.kernel * plan.group * pixels;
  plan.channel_block = static_cast<int>(std::max<int64_t>(1, kColBlockFloats / channel_floats));
  return plan;
}

namespace {

struct ScratchLayout {
  int64_t cols, acc, padded;  // floats: the column block, the GEMM result, one set of padded images
};

}  // namespace

static ScratchLayout Layout(const ConvGeometry& g, int outputs, const ConvLayer::Plan& plan, bool padded_copy) {
  const int64_t columns = int64_t{plan.group} * g.ColCols();
  ScratchLayout layout;
  layout.cols = int64_t{std::min(plan.channel_block, g.channels)} * g.kernel * g.kernel * columns;
  layout.acc = int64_t{outputs} * columns;
  layout.padded = padded_copy ? plan.group * PaddedGeometry(g).Floats(g.channels) : 0;
  return layout;
}

int64_t ConvLayer::ScratchFloats(const LayerShape& shape) const {
  if (IsPointwise()) return 0;
  const ConvGeometry g = Geometry(shape);
  const ScratchLayout layout = Layout(g, shape.out_channels, MakePlan(g), UsesPaddedCopy());
  // The padded images and, in backward, their gradients.
  return layout.cols + layout.acc + 2 * layout.padded;
}

// Output rows per forward tile of one image (kTileFloats), 0 for no tiling.
int ConvLayer::TileRows(const ConvGeometry& g, int outputs, int blocks) {
  const int64_t block_rows = int64_t{(g.channels + blocks - 1) / blocks} * g.kernel * g.kernel;
  if (block_rows * g.ColCols() <= kTileFloats) return 0;
  const int unit = kTilePixelUnit / std::gcd(g.out_width, kTilePixelUnit);  // rows per multiple of the unit
  const int rows = std::max<int>(unit, static_cast<int>(kTileFloats / (block_rows * g.out_width)) / unit * unit);
  // Eigen packs the weight block again for every tile: worth it only where
  // that block is well below a tile's columns.
  if (int64_t{outputs} * 4 > int64_t{rows} * g.out_width || rows >= g.out_height) return 0;
  return rows;
}

void ConvLayer::FillColumns(const float* image, const float* padded, const ConvGeometry& g, int c_begin, int c_end,
                            int64_t ld, float* cols) const {
  if (RowCopies()) {
    Im2ColPadded(UsesPaddedCopy() ? padded : image, g, c_begin, c_end, ld, cols);
  } else {
    Im2ColChannels(image, g, c_begin, c_end, ld, cols);
  }
}

int ConvLayer::ImageParts(const ConvGeometry& g, int outputs, int threads) {
  if (threads < 2 || int64_t{outputs} * g.ColRows() * g.ColCols() < kMinParallelMacs) return 1;
  return std::min(threads, RowUnits(g));
}

int ConvLayer::RowUnit(const ConvGeometry& g) { return kTilePixelUnit / std::gcd(g.out_width, kTilePixelUnit); }

int ConvLayer::RowUnits(const ConvGeometry& g) { return (g.out_height + RowUnit(g) - 1) / RowUnit(g); }

void ConvLayer::PartRows(const ConvGeometry& g, int part, int parts, int* oy_begin, int* oy_end) {
  const int unit = RowUnit(g), units = RowUnits(g);
  *oy_begin = std::min(g.out_height, static_cast<int>(int64_t{part} * units / parts) * unit);
  *oy_end = std::min(g.out_height, static_cast<int>(int64_t{part + 1} * units / parts) * unit);
}

void ConvLayer::ForwardRows(const Eigen::Block<const RowMatrix>& weights, const float* source, const ConvGeometry& g,
                            int blocks, int oy_begin, int oy_end, int tile_rows, float* cols, float* acc) const {
  const int kk = kernel_ * kernel_, pixels = g.ColCols(), outputs = static_cast<int>(weights.rows());
  const int step = tile_rows > 0 ? tile_rows : oy_end - oy_begin;
  for (int tile_begin = oy_begin; tile_begin < oy_end; tile_begin += step) {
    const int tile_end = std::min(tile_begin + step, oy_end);
    const int64_t tile_pixels = int64_t{tile_end - tile_begin} * g.out_width;
    MutableTile tile(acc + int64_t{tile_begin} * g.out_width, outputs, tile_pixels, Eigen::OuterStride<>(pixels));
    for (int block = 0; block < blocks; ++block) {
      const int c_begin = static_cast<int>(int64_t{block} * g.channels / blocks);
      const int c_end = static_cast<int>(int64_t{block + 1} * g.channels / blocks);
      const int block_rows = (c_end - c_begin) * kk;
      Im2ColPaddedRows(source, g, c_begin, c_end, tile_begin, tile_end, tile_pixels, cols);
      tile.noalias() += weights.middleCols(c_begin * kk, block_rows) * ConstMap(cols, block_rows, tile_pixels);
    }
  }
}

void ConvLayer::Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
                        const LayerBuffers& buffers) const {
  const ConvGeometry g = Geometry(shape);
  const int rows = g.ColRows(), pixels = g.ColCols(), outputs = shape.out_channels, kk = kernel_ * kernel_;
  const Eigen::Block<const RowMatrix> weights = params->weights.topLeftCorner(outputs, rows);
  const Eigen::VectorBlock<const Eigen::VectorXf> bias = params->bias.head(outputs);
  if (IsPointwise()) {  // the image is its own column matrix
    for (int i = 0; i < n; ++i) {
      MutableMap result(out + i * shape.OutputSize(), outputs, pixels);
      for (int r = 0; r < outputs; ++r) result.row(r).setConstant(bias(r));
      result.noalias() += weights * ConstMap(in + i * shape.InputSize(), rows, pixels);
      if (fused_relu_) ReluInPlace(result.data(), shape.OutputSize());
    }
    return;
  }
  const Plan plan = MakePlan(g);
  const ScratchLayout layout = Layout(g, outputs, plan, UsesPaddedCopy());
  float* cols = buffers.scratch;
  float* padded = cols + layout.cols + layout.acc;
  const int groups = (n + plan.group - 1) / plan.group;
  const int blocks = (g.channels + plan.channel_block - 1) / plan.channel_block;
  const int64_t padded_floats = PaddedGeometry(g).Floats(g.channels);
  const int tile_rows = RowCopies() ? TileRows(g, outputs, blocks) : 0;
  for (int group = 0; group < groups; ++group) {
    const int first = static_cast<int>(int64_t{group} * n / groups);
    const int count = static_cast<int>(int64_t{group + 1} * n / groups) - first;
    const int64_t columns = int64_t{count} * pixels;
    // One image writes its output directly; several share a result matrix.
    float* acc = count == 1 ? out + first * shape.OutputSize() : cols + layout.cols;
    MutableMap result(acc, outputs, columns);
    // Row by row: result.colwise() = bias would walk the row-major matrix column by column.
    for (int r = 0; r < outputs; ++r) result.row(r).setConstant(bias(r));
    if (UsesPaddedCopy()) {
      for (int b = 0; b < count; ++b) PadImage(in + (first + b) * shape.InputSize(), g, padded + b * padded_floats);
    }
    if (count == 1 && RowCopies()) {  // one image: by output rows, split over threads when worth it
      const float* source = UsesPaddedCopy() ? padded : in + first * shape.InputSize();
      const int parts = buffers.pool == nullptr ? 1 : ImageParts(g, outputs, buffers.pool->threads());
      if (parts > 1) {
        auto part = [&](int p) {
          int oy_begin, oy_end;
          PartRows(g, p, parts, &oy_begin, &oy_end);
          ForwardRows(weights, source, g, blocks, oy_begin, oy_end, tile_rows, p == 0 ? cols : buffers.part_scratch[p],
                      acc);
        };
        buffers.pool->Run(parts, part);
      } else {
        ForwardRows(weights, source, g, blocks, 0, g.out_height, tile_rows, cols, acc);
      }
      if (fused_relu_) ReluInPlace(acc, shape.OutputSize());
      continue;
    }
    for (int block = 0; block < blocks; ++block) {
      const int c_begin = static_cast<int>(int64_t{block} * g.channels / blocks);
      const int c_end = static_cast<int>(int64_t{block + 1} * g.channels / blocks);
      for (int b = 0; b < count; ++b) {
        FillColumns(in + (first + b) * shape.InputSize(), padded + b * padded_floats, g, c_begin, c_end, columns,
                    cols + int64_t{b} * pixels);
      }
      const int block_rows = (c_end - c_begin) * kk;
      result.noalias() += weights.middleCols(c_begin * kk, block_rows) * ConstMap(cols, block_rows, columns);
    }
    for (int b = 0; b < count; ++b) {
      float* out_image = out + (first + b) * shape.OutputSize();
      if (count > 1) {
        for (int r = 0; r < outputs; ++r) CopyFloats(acc + r * columns + int64_t{b} * pixels, pixels, out_image + r * pixels);
      }
      if (fused_relu_) ReluInPlace(out_image, shape.OutputSize());
    }
  }
}

void ConvLayer::Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in,
                         const float* out, float* out_grad, float* in_grad, LayerParams* param_grads,
                         const LayerBuffers& buffers) const {
  const ConvGeometry g = Geometry(shape);
  const int rows = g.ColRows(), pixels = g.ColCols(), outputs = shape.out_channels, kk = kernel_ * kernel_;
  const Eigen::Block<const RowMatrix> weights = params->weights.topLeftCorner(outputs, rows);
  Eigen::Block<RowMatrix> weight_grads = param_grads->weights.topLeftCorner(outputs, rows);
  for (int i = 0; i < n; ++i) {
    float* dy = out_grad + i * shape.OutputSize();
    if (fused_relu_) ReluBackwardInPlace(out + i * shape.OutputSize(), dy, shape.OutputSize());
    AddRowSums(dy, outputs, pixels, param_grads->bias.data());
  }
  if (IsPointwise()) {
    for (int i = 0; i < n; ++i) {
      const ConstMap dy(out_grad + i * shape.OutputSize(), outputs, pixels);
      weight_grads.noalias() += dy * ConstMap(in + i * shape.InputSize(), rows, pixels).transpose();
      if (in_grad != nullptr) {
        MutableMap(in_grad + i * shape.InputSize(), rows, pixels).noalias() = weights.transpose() * dy;
      }
    }
    return;
  }
  const Plan plan = MakePlan(g);
  const ScratchLayout layout = Layout(g, outputs, plan, UsesPaddedCopy());
  float* cols = buffers.scratch;
  float* gathered = cols + layout.cols;
  float* padded = gathered + layout.acc;
  float* padded_grad = padded + layout.padded;
  const int groups = (n + plan.group - 1) / plan.group;
  const int blocks = (g.channels + plan.channel_block - 1) / plan.channel_block;
  const int64_t padded_floats = PaddedGeometry(g).Floats(g.channels);
  for (int group = 0; group < groups; ++group) {
    const int first = static_cast<int>(int64_t{group} * n / groups);
    const int count = static_cast<int>(int64_t{group + 1} * n / groups) - first;
    const int64_t columns = int64_t{count} * pixels;
    // The output gradients side by side, as the forward result was.
    const float* dy_data = out_grad + first * shape.OutputSize();
    if (count > 1) {
      for (int b = 0; b < count; ++b) {
        for (int r = 0; r < outputs; ++r) {
          CopyFloats(dy_data + b * shape.OutputSize() + r * pixels, pixels, gathered + r * columns + int64_t{b} * pixels);
        }
      }
      dy_data = gathered;
    }
    const ConstMap dy(dy_data, outputs, columns);
    if (UsesPaddedCopy()) {
      for (int b = 0; b < count; ++b) PadImage(in + (first + b) * shape.InputSize(), g, padded + b * padded_floats);
    }
    // Column gradients go into the padded gradients or straight into in_grad.
    if (in_grad != nullptr) {
      if (UsesPaddedCopy()) {
        std::fill(padded_grad, padded_grad + count * padded_floats, 0.0f);
      } else {
        std::fill(in_grad + first * shape.InputSize(), in_grad + (first + count) * shape.InputSize(), 0.0f);
      }
    }
    for (int block = 0; block < blocks; ++block) {
      const int c_begin = static_cast<int>(int64_t{block} * g.channels / blocks);
      const int c_end = static_cast<int>(int64_t{block + 1} * g.channels / blocks);
      const int block_rows = (c_end - c_begin) * kk;
      for (int b = 0; b < count; ++b) {
        FillColumns(in + (first + b) * shape.InputSize(), padded + b * padded_floats, g, c_begin, c_end, columns,
                    cols + int64_t{b} * pixels);
      }
      weight_grads.middleCols(c_begin * kk, block_rows).noalias() += dy * ConstMap(cols, block_rows, columns).transpose();
      if (in_grad == nullptr) continue;
      // The columns are used up: their gradient takes their place.
      MutableMap(cols, block_rows, columns).noalias() = weights.middleCols(c_begin * kk, block_rows).transpose() * dy;
      for (int b = 0; b < count; ++b) {
        const float* col_grad = cols + int64_t{b} * pixels;
        if (UsesPaddedCopy()) {
          Col2ImPadded(col_grad, g, c_begin, c_end, columns, padded_grad + b * padded_floats);
        } else if (RowCopies()) {
          // Unpadded stride 1: the image is its own padded copy.
          Col2ImPadded(col_grad, g, c_begin, c_end, columns, in_grad + (first + b) * shape.InputSize());
        } else {
          Col2ImChannels(col_grad, g, c_begin, c_end, columns, in_grad + (first + b) * shape.InputSize());
        }
      }
    }
    if (in_grad != nullptr && UsesPaddedCopy()) {
      for (int b = 0; b < count; ++b) Unpad(padded_grad + b * padded_floats, g, in_grad + (first + b) * shape.InputSize());
    }
  }
}

}  // namespace rcdnn::models
