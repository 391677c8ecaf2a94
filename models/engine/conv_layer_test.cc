#include "models/engine/conv_layer.h"

#include <vector>

#include <gtest/gtest.h>

#include "models/engine/reference_layers.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::CentralDifference;
using testing::CheckedIndices;
using testing::GradientNear;
using testing::Random;

// Active in/out channel counts against the full widths the weights are
// stored at; tails of 1, 16 and 17 channels and odd active widths.
struct ConvCase {
  int full_in, in, full_out, out;
  int height, width, kernel, stride, pad;
  bool relu;
};

const ConvCase kCases[] = {
    // full_in in full_out out  h   w  k  s  p  relu
    {1, 1, 1, 1, 7, 7, 3, 2, 1, false},      // single channel, stride 2, pad 1
    {16, 16, 17, 17, 9, 9, 3, 2, 1, false},  // full width, 16 -> 17
    {17, 5, 16, 9, 8, 7, 3, 2, 1, true},     // odd active widths of 17 / 16, non-square, fused ReLU
    {3, 3, 16, 1, 6, 6, 5, 1, 2, false},     // one active output of 16
    {17, 17, 16, 16, 5, 5, 1, 1, 0, true},   // pointwise path (no im2col)
    {2, 1, 3, 3, 7, 7, 3, 3, 0, false},      // stride 3, the right column falls off
    {4, 3, 5, 5, 4, 4, 5, 1, 2, false},      // kernel larger than the input, padding makes it fit
    {5, 4, 7, 6, 9, 11, 3, 1, 0, false},     // stride 1 without padding (LeNet's case)
    // Deep inputs: the columns go a block of input channels at a time.
    {64, 64, 3, 2, 4, 32, 5, 1, 2, false},   // stride 1, padded copy
    {64, 61, 3, 3, 5, 66, 5, 2, 2, true},    // stride 2, from the image
};

LayerSpec ConvSpec(const ConvCase& c) {
  LayerSpec spec;
  spec.kind = LayerKind::kConv;
  spec.name = "conv";
  spec.outputs = c.full_out;
  spec.kernel = c.kernel;
  spec.stride = c.stride;
  spec.pad = c.pad;
  return spec;
}

LayerShape ConvShape(const ConvCase& c) {
  LayerShape shape;
  shape.in_channels = c.in;
  shape.in_height = c.height;
  shape.in_width = c.width;
  shape.out_channels = c.out;
  shape.out_height = ConvOutputSize(c.height, c.kernel, c.stride, c.pad);
  shape.out_width = ConvOutputSize(c.width, c.kernel, c.stride, c.pad);
  return shape;
}

class ConvLayerTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvLayerTest, ForwardMatchesNaiveReference) {
  const ConvCase c = GetParam();
  const LayerSpec spec = ConvSpec(c);
  const LayerShape shape = ConvShape(c);
  Random random(1);
  LayerParams params{RowMatrix(c.full_out, c.full_in * c.kernel * c.kernel), Eigen::VectorXf(c.full_out)};
  random.Fill(&params);
  const int n = 3;
  const std::vector<float> in = random.Vector(n * shape.InputSize());
  std::vector<float> out(n * shape.OutputSize());
  const ConvLayer layer(spec, c.relu);
  std::vector<float> scratch(layer.ScratchFloats(shape) + 1);
  layer.Forward(&params, shape, n, in.data(), out.data(), {scratch.data(), nullptr});

  const RefLayerParams<double> ref_params = CastLayerParams<double>(params);
  for (int i = 0; i < n; ++i) {
    std::vector<double> image(in.begin() + i * shape.InputSize(), in.begin() + (i + 1) * shape.InputSize());
    std::vector<double> expected(shape.OutputSize());
    ReferenceConv(spec, shape, ref_params, image.data(), expected.data());
    if (c.relu) ReferenceRelu<double>(shape.OutputSize(), expected.data(), expected.data());
    for (int64_t j = 0; j < shape.OutputSize(); ++j) {
      ASSERT_NEAR(out[i * shape.OutputSize() + j], expected[j], 1e-5 * (1 + std::abs(expected[j]))) << i << "," << j;
    }
  }
}

TEST_P(ConvLayerTest, GradientsMatchFiniteDifferences) {
  const ConvCase c = GetParam();
  const LayerSpec spec = ConvSpec(c);
  const LayerShape shape = ConvShape(c);
  Random random(2);
  const int rows = c.out, cols = c.in * c.kernel * c.kernel;
  LayerParams params{RowMatrix(c.full_out, c.full_in * c.kernel * c.kernel), Eigen::VectorXf(c.full_out)};
  random.Fill(&params);
  const int n = 2;
  const std::vector<float> in = random.Vector(n * shape.InputSize());
  const std::vector<float> weight_of_output = random.Vector(n * shape.OutputSize());  // loss = sum(r * out)

  const ConvLayer layer(spec, c.relu);
  std::vector<float> scratch(layer.ScratchFloats(shape) + 1);
  std::vector<float> out(n * shape.OutputSize());
  layer.Forward(&params, shape, n, in.data(), out.data(), {scratch.data(), nullptr});
  std::vector<float> out_grad = weight_of_output;
  std::vector<float> in_grad(in.size(), 99.0f);
  const float kSentinel = 0.25f;  // Backward adds into the active block and touches nothing else
  LayerParams grads{RowMatrix::Constant(params.weights.rows(), params.weights.cols(), kSentinel),
                    Eigen::VectorXf::Constant(params.bias.size(), kSentinel)};
  layer.Backward(&params, shape, n, in.data(), out.data(), out_grad.data(), in_grad.data(), &grads,
                 {scratch.data(), nullptr});

  RefLayerParams<double> ref = CastLayerParams<double>(params);
  std::vector<double> ref_in(in.begin(), in.end());
  auto loss = [&] {
    double total = 0;
    std::vector<double> o(shape.OutputSize());
    for (int i = 0; i < n; ++i) {
      ReferenceConv(spec, shape, ref, ref_in.data() + i * shape.InputSize(), o.data());
      if (c.relu) ReferenceRelu<double>(shape.OutputSize(), o.data(), o.data());
      for (int64_t j = 0; j < shape.OutputSize(); ++j) total += weight_of_output[i * shape.OutputSize() + j] * o[j];
    }
    return total;
  };
  // Each check runs the reference twice; fewer for the big (multi-tile) cases.
  const int64_t max_checks = int64_t{rows} * cols * shape.out_height * shape.out_width > 100000 ? 120 : 400;
  for (int64_t index : CheckedIndices(int64_t{rows} * cols, max_checks, 3)) {
    const int r = static_cast<int>(index / cols), k = static_cast<int>(index % cols);
    EXPECT_TRUE(GradientNear(grads.weights(r, k) - kSentinel, CentralDifference(&ref.weights(r, k), loss), 1e-4, 1e-3))
        << "weight " << r << "," << k;
  }
  for (int r = 0; r < rows; ++r) {
    EXPECT_TRUE(GradientNear(grads.bias(r) - kSentinel, CentralDifference(&ref.bias(r), loss), 1e-4, 1e-3)) << "bias " << r;
  }
  for (int64_t index : CheckedIndices(static_cast<int64_t>(ref_in.size()), max_checks, 4)) {
    EXPECT_TRUE(GradientNear(in_grad[index], CentralDifference(&ref_in[index], loss), 1e-4, 1e-3)) << "input " << index;
  }
  // Outside the active block nothing changed.
  for (int r = 0; r < grads.weights.rows(); ++r) {
    for (int k = 0; k < grads.weights.cols(); ++k) {
      if (r < rows && k < cols) continue;
      ASSERT_EQ(grads.weights(r, k), kSentinel) << r << "," << k;
    }
  }
  for (int r = rows; r < grads.bias.size(); ++r) ASSERT_EQ(grads.bias(r), kSentinel);
}

INSTANTIATE_TEST_SUITE_P(TailShapes, ConvLayerTest, ::testing::ValuesIn(kCases));

TEST(ConvLayerTest, ScratchNeverShrinksAsTheWidthGrows) {
  // The network sizes scratch at full width; every narrower input must fit.
  std::vector<ConvCase> cases(std::begin(kCases), std::end(kCases));
  cases.push_back({32, 32, 32, 32, 16, 16, 5, 1, 2, false});  // ALEXnet's conv2
  cases.push_back({512, 512, 20, 20, 8, 8, 5, 1, 0, true});    // ConvNets' conv3: image groups, channel blocks
  for (const ConvCase& c : cases) {
    const ConvLayer layer(ConvSpec(c), false);
    ConvCase full = c;
    full.in = c.full_in;
    const int64_t at_full = layer.ScratchFloats(ConvShape(full));
    for (int in = 1; in <= c.full_in; ++in) {
      ConvCase narrow = c;
      narrow.in = in;
      EXPECT_LE(layer.ScratchFloats(ConvShape(narrow)), at_full) << in << " of " << c.full_in;
    }
  }
}

// A chunk of many small images goes through the GEMMs in groups of images
// (uneven here: 37 images) and deep inputs in channel blocks; the result must
// be what one image at a time gives, up to float rounding, for every path:
// stride 1 unpadded (image as its own padded copy), padded, and strided.
TEST(ConvLayerTest, GroupedBatchMatchesOneImageAtATime) {
  const ConvCase cases[] = {
      // full_in in full_out out h  w  k  s  p  relu
      {700, 650, 24, 20, 8, 8, 5, 1, 0, true},   // 16 pixels: groups of 16, several channel blocks
      {40, 33, 17, 9, 7, 6, 3, 1, 1, false},     // padded copy, groups
      {30, 30, 8, 8, 9, 9, 3, 2, 1, true},       // stride 2 from the image
  };
  for (const ConvCase& c : cases) {
    SCOPED_TRACE(c.full_in);
    const LayerSpec spec = ConvSpec(c);
    const LayerShape shape = ConvShape(c);
    Random random(9);
    LayerParams params{RowMatrix(c.full_out, c.full_in * c.kernel * c.kernel), Eigen::VectorXf(c.full_out)};
    random.Fill(&params, 0.1f);
    const int n = 37;
    const std::vector<float> in = random.Vector(n * shape.InputSize());
    const std::vector<float> dy = random.Vector(n * shape.OutputSize());
    const ConvLayer layer(spec, c.relu);
    std::vector<float> scratch(layer.ScratchFloats(shape) + 1);
    const LayerBuffers buffers{scratch.data(), nullptr};

    std::vector<float> out(n * shape.OutputSize()), in_grad(in.size()), out_grad = dy;
    LayerParams grads{RowMatrix::Zero(params.weights.rows(), params.weights.cols()),
                      Eigen::VectorXf::Zero(params.bias.size())};
    layer.Forward(&params, shape, n, in.data(), out.data(), buffers);
    layer.Backward(&params, shape, n, in.data(), out.data(), out_grad.data(), in_grad.data(), &grads, buffers);

    LayerParams single_grads = grads;
    single_grads.weights.setZero();
    single_grads.bias.setZero();
    for (int i = 0; i < n; ++i) {
      std::vector<float> one_out(shape.OutputSize()), one_in_grad(shape.InputSize());
      std::vector<float> one_dy(dy.begin() + i * shape.OutputSize(), dy.begin() + (i + 1) * shape.OutputSize());
      const float* image = in.data() + i * shape.InputSize();
      layer.Forward(&params, shape, 1, image, one_out.data(), buffers);
      layer.Backward(&params, shape, 1, image, one_out.data(), one_dy.data(), one_in_grad.data(), &single_grads,
                     buffers);
      for (int64_t j = 0; j < shape.OutputSize(); ++j) {
        ASSERT_NEAR(out[i * shape.OutputSize() + j], one_out[j], 1e-5 * (1 + std::abs(one_out[j]))) << i << "," << j;
      }
      for (int64_t j = 0; j < shape.InputSize(); ++j) {
        ASSERT_NEAR(in_grad[i * shape.InputSize() + j], one_in_grad[j], 1e-5 * (1 + std::abs(one_in_grad[j])))
            << i << "," << j;
      }
    }
    for (int64_t j = 0; j < grads.weights.size(); ++j) {
      const float expected = single_grads.weights.data()[j];
      ASSERT_NEAR(grads.weights.data()[j], expected, 1e-4 * (1 + std::abs(expected))) << j;
    }
    for (int64_t j = 0; j < grads.bias.size(); ++j) ASSERT_NEAR(grads.bias[j], single_grads.bias[j], 1e-4) << j;
  }
}

// One image through a layer whose forward goes a tile of output rows at a
// time gives the same bits as one untiled GEMM over Im2Col's columns (the
// forward before tiles existed): tiles are whole multiples of Eigen's row
// panel, so every output is accumulated the same way.
TEST(ConvLayerTest, TiledForwardEqualsOneGemmBitForBit) {
  struct TileCase {
    int full_in, in, full_out, out, size, kernel, pad;
  };
  const TileCase cases[] = {
      {1, 1, 20, 5, 28, 5, 0},    // LeNet's conv1 at 25% width: 576 pixels in tiles of 144
      {1, 1, 20, 20, 28, 5, 0},   // and at full width
      {3, 3, 32, 8, 32, 5, 2},    // ALEXnet's conv1 at 25%: padded, 1024 pixels, a shorter last tile
  };
  for (const TileCase& c : cases) {
    ConvGeometry g;
    g.channels = c.in;
    g.height = g.width = c.size;
    g.kernel = c.kernel;
    g.pad = c.pad;
    g.out_height = g.out_width = ConvOutputSize(c.size, c.kernel, 1, c.pad);
    const ConvLayer::Plan plan = ConvLayer::MakePlan(g);
    const int blocks = (g.channels + plan.channel_block - 1) / plan.channel_block;
    ASSERT_EQ(blocks, 1);
    const int tile_rows = ConvLayer::TileRows(g, c.out, blocks);
    ASSERT_GT(tile_rows, 0) << "the case must take the tiled path";
    ASSERT_LT(tile_rows, g.out_height);

    LayerSpec spec;
    spec.kind = LayerKind::kConv;
    spec.name = "conv";
    spec.outputs = c.full_out;
    spec.kernel = c.kernel;
    spec.pad = c.pad;
    LayerShape shape;
    shape.in_channels = c.in;
    shape.in_height = shape.in_width = c.size;
    shape.out_channels = c.out;
    shape.out_height = shape.out_width = g.out_height;
    Random random(9);
    LayerParams params{RowMatrix(c.full_out, c.full_in * c.kernel * c.kernel), Eigen::VectorXf(c.full_out)};
    random.Fill(&params);
    const std::vector<float> in = random.Vector(shape.InputSize());
    const ConvLayer layer(spec, /*fused_relu=*/true);
    std::vector<float> scratch(layer.ScratchFloats(shape));
    std::vector<float> out(shape.OutputSize());
    layer.Forward(&params, shape, 1, in.data(), out.data(), {scratch.data(), nullptr});

    std::vector<float> cols(int64_t{g.ColRows()} * g.ColCols());
    Im2Col(in.data(), g, cols.data());
    RowMatrix expected(c.out, g.ColCols());
    for (int r = 0; r < c.out; ++r) expected.row(r).setConstant(params.bias(r));
    expected.noalias() += params.weights.topLeftCorner(c.out, g.ColRows()) *
                          Eigen::Map<const RowMatrix>(cols.data(), g.ColRows(), g.ColCols());
    for (int64_t j = 0; j < expected.size(); ++j) {
      const float want = expected.data()[j] > 0.0f ? expected.data()[j] : 0.0f;
      ASSERT_EQ(out[j], want) << c.in << "->" << c.out << " at " << j;
    }
  }
}

TEST(ConvLayerTest, OneImagesPartsCoverItsRowsInWholePanels) {
  ConvGeometry g;  // ALEXnet's conv1: 32x32 outputs, 75 column rows
  g.channels = 3;
  g.height = g.width = g.out_height = g.out_width = 32;
  g.kernel = 5;
  g.pad = 2;
  EXPECT_EQ(ConvLayer::ImageParts(g, 32, 1), 1);
  EXPECT_EQ(ConvLayer::ImageParts(g, 32, 2), 2);
  ConvGeometry small = g;  // one 8x8 output channel: too little work to wake a thread
  small.height = small.width = small.out_height = small.out_width = 8;
  EXPECT_EQ(ConvLayer::ImageParts(small, 1, 2), 1);
  for (int out_size : {32, 24, 16, 8, 10, 7}) {
    g.out_height = g.out_width = out_size;
    for (int parts = 1; parts <= 4; ++parts) {
      int covered = 0;
      for (int p = 0; p < parts; ++p) {
        int begin, end;
        ConvLayer::PartRows(g, p, parts, &begin, &end);
        EXPECT_EQ(begin, covered) << out_size << " in " << parts;
        EXPECT_EQ(begin * out_size % 48, 0) << "a part starts inside a GEMM panel";
        covered = end;
      }
      EXPECT_EQ(covered, out_size);
    }
  }
}

TEST(Im2ColTest, Col2ImIsTheAdjoint) {
  // <Im2Col(x), y> == <x, Col2Im(y)> for a strided, padded geometry.
  ConvGeometry g;
  g.channels = 3;
  g.height = 7;
  g.width = 6;
  g.kernel = 3;
  g.stride = 2;
  g.pad = 1;
  g.out_height = ConvOutputSize(g.height, g.kernel, g.stride, g.pad);
  g.out_width = ConvOutputSize(g.width, g.kernel, g.stride, g.pad);
  Random random(5);
  const std::vector<float> x = random.Vector(g.channels * g.height * g.width);
  const std::vector<float> y = random.Vector(int64_t{g.ColRows()} * g.ColCols());
  std::vector<float> cols(y.size()), image(x.size());
  Im2Col(x.data(), g, cols.data());
  Col2Im(y.data(), g, image.data());
  double left = 0, right = 0;
  for (size_t i = 0; i < y.size(); ++i) left += double{cols[i]} * y[i];
  for (size_t i = 0; i < x.size(); ++i) right += double{x[i]} * image[i];
  EXPECT_NEAR(left, right, 1e-4);
}

}  // namespace
}  // namespace rcdnn::models
