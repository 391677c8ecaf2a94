// Convolution with stride and zero padding: im2col of a group of images side
// by side into one column block, then a single-threaded Eigen GEMM against the
// active weight block (a view, params.h). Groups make the GEMM's pixel
// dimension wide for small outputs; deep inputs go a block of input channels
// at a time so the column block stays in L2. Bias and a fused ReLU are applied
// in the output. Stride-1 layers im2col from a zero-padded copy of the image;
// 1x1 stride-1 unpadded convolutions skip im2col.
#pragma once

#include "models/engine/layer.h"

namespace rcdnn::models {

// One image's convolution geometry at the active input channel count.
struct ConvGeometry {
  int channels = 0, height = 0, width = 0;  // input
  int kernel = 1, stride = 1, pad = 0;
  int out_height = 0, out_width = 0;
  int ColRows() const { return channels * kernel * kernel; }
  int ColCols() const { return out_height * out_width; }
};

// cols (ColRows() x ColCols(), row-major) from one (channel, y, x) image:
// cols[(c * k + ky) * k + kx][oy * out_width + ox] =
//     image[c][oy * stride - pad + ky][ox * stride - pad + kx], 0 in the padding.
void Im2Col(const float* image, const ConvGeometry& geometry, float* cols);
// The adjoint: image = 0, then every cols entry is added back where Im2Col took it.
void Col2Im(const float* cols, const ConvGeometry& geometry, float* image);

class ConvLayer : public Layer {
 public:
  ConvLayer(const LayerSpec& spec, bool fused_relu);

  int64_t ScratchFloats(const LayerShape& shape) const override;
  void Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
               const LayerBuffers& buffers) const override;
  void Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in, const float* out,
                float* out_grad, float* in_grad, LayerParams* param_grads,
                const LayerBuffers& buffers) const override;

  // Images per GEMM and input channels per column block (at most); they
  // depend on the geometry's pixels and kernel, not on its channel counts.
  struct Plan {
    int group = 1;
    int channel_block = 1;
  };
  static Plan MakePlan(const ConvGeometry& g);
  // Output rows per tile when a forward group of one image goes a tile of
  // rows at a time (stride 1; kTileFloats in the .cc), 0 when it does not.
  static int TileRows(const ConvGeometry& g, int outputs, int blocks);
  // Threads one image's forward is split over (stride 1: by output rows), 1 when not split.
  static int ImageParts(const ConvGeometry& g, int outputs, int threads);
  // Output rows [*oy_begin, *oy_end) of part `part` of `parts`: whole multiples of
  // RowUnit() rows (kTilePixelUnit pixels), so a part's pixels go through the
  // same GEMM micro-kernels as in one GEMM over the image.
  static void PartRows(const ConvGeometry& g, int part, int parts, int* oy_begin, int* oy_end);
  static int RowUnit(const ConvGeometry& g);
  // The output rows in whole RowUnit()s, the last one possibly short.
  static int RowUnits(const ConvGeometry& g);

 private:
  ConvGeometry Geometry(const LayerShape& shape) const;
  bool IsPointwise() const { return kernel_ == 1 && stride_ == 1 && pad_ == 0; }
  // Stride-1 convolutions im2col by plain row copies, no edge logic, from the
  // image or, when padded, from a zero-padded copy of it; other strides take
  // the general path straight from the image.
  bool RowCopies() const { return stride_ == 1 && !IsPointwise(); }
  bool UsesPaddedCopy() const { return RowCopies() && pad_ > 0; }
  // The im2col rows of input channels [c_begin, c_end), row stride ld (not pointwise).
  void FillColumns(const float* image, const float* padded, const ConvGeometry& g, int c_begin, int c_end,
                   int64_t ld, float* cols) const;
  // Output rows [oy_begin, oy_end) of one stride-1 image from `source` (the
  // padded copy, or the image when unpadded), a tile of tile_rows at a time
  // (0: all at once), a block of input channels at a time, added into acc
  // (outputs x ColCols(), holding the bias); cols is this call's own scratch.
  void ForwardRows(const Eigen::Block<const RowMatrix>& weights, const float* source, const ConvGeometry& g,
                   int blocks, int oy_begin, int oy_end, int tile_rows, float* cols, float* acc) const;

  int kernel_, stride_, pad_;
  bool fused_relu_;
};

}  // namespace rcdnn::models
