// The mapper's invariants: windows tile the output exactly once, tiles fit the
// buffers, every output is stored once, and DRAM loads add up.
#include "accel_sim/mapper.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

TechConfig Tech32() { return LoadTechConfig("accel_sim/tech/fixed32_16.tech"); }

models::NetSpec Spec(const std::string& text) { return models::ParseNetSpec(text, "test.net"); }

Geometry Conv(int c, int hin, int m, int k, int s, int pad) {
  Geometry g;
  g.name = "conv";
  g.kind = "conv";
  g.op = Op::kMac;
  g.C = c;
  g.Hin = g.Win = hin;
  g.M = m;
  g.k = k;
  g.s = s;
  g.pad = pad;
  g.Ho = g.Wo = models::ConvOutputSize(hin, k, s, pad);
  return g;
}

// Tail shapes: odd sizes, strides and padding, windows of 1 and of odd sizes.
TEST(Mapper, WindowsCoverEveryOutputOnceAndReadTheInputsTheyNeed) {
  for (const Geometry& g : {Conv(3, 13, 17, 3, 1, 1), Conv(1, 9, 16, 5, 2, 2), Conv(5, 7, 1, 1, 1, 0)}) {
    for (int tp : {1, 2, 3, g.Ho}) {
      for (int tq : {1, 4, g.Wo}) {
        std::vector<int> covered(g.Ho * g.Wo, 0);
        for (const Window& w : MakeWindows(g, tp, tq)) {
          for (int y = w.y0; y < w.y1; ++y) {
            for (int x = w.x0; x < w.x1; ++x) {
              ++covered[y * g.Wo + x];
              // Every input the output reads (inside the image) is in the window.
              for (int ky = 0; ky < g.k; ++ky) {
                const int iy = y * g.s - g.pad + ky;
                if (iy >= 0 && iy < g.Hin) { EXPECT_TRUE(iy >= w.iy0 && iy < w.iy1); }
              }
              for (int kx = 0; kx < g.k; ++kx) {
                const int ix = x * g.s - g.pad + kx;
                if (ix >= 0 && ix < g.Win) { EXPECT_TRUE(ix >= w.ix0 && ix < w.ix1); }
              }
            }
          }
          EXPECT_GE(w.iy0, 0);
          EXPECT_LE(w.iy1, g.Hin);
        }
        for (int v : covered) EXPECT_EQ(v, 1) << "tp " << tp << " tq " << tq;
      }
    }
  }
}

TEST(Mapper, PaperNetworksMapIntoTheBuffersAndStoreEachOutputOnce) {
  const TechConfig tech = Tech32();
  for (const char* path : {"models/spec/lenet.net", "models/spec/convnets.net", "models/spec/alexnet.net"}) {
    const models::NetSpec spec = models::LoadNetSpec(path);
    for (double f : {0.25, 1.0}) {
      const NetworkMapping net = MapNetwork(spec, models::UniformWidths(spec, f), tech);
      ASSERT_EQ(net.geometries.size(), net.mappings.size());
      for (size_t i = 0; i < net.geometries.size(); ++i) {
        const Geometry& g = net.geometries[i];
        const LayerMapping& m = net.mappings[i];
        const std::string where = spec.name + " " + g.name + " at " + std::to_string(f);
        EXPECT_LE(int64_t{m.tm} * m.tp_rows * m.tq_cols, net.caps.bout) << where;
        if (g.op == Op::kMac) { EXPECT_LE(int64_t{m.tm} * m.ct * g.KK(), net.caps.sb) << where; }
        EXPECT_EQ(m.m_tiles, CeilDiv(g.M, m.tm)) << where;
        EXPECT_EQ(m.row_tiles, CeilDiv(g.Ho, m.tp_rows)) << where;
        EXPECT_EQ(m.col_tiles, CeilDiv(g.Wo, m.tq_cols)) << where;
        const std::vector<Window> windows = MakeWindows(g, m.tp_rows, m.tq_cols);
        const std::vector<TileWork> tiles = MakeTiles(g, m, windows, net.caps, false);
        EXPECT_EQ(static_cast<int64_t>(tiles.size()),
                  int64_t{m.m_tiles} * m.c_tiles * m.row_tiles * m.col_tiles) << where;
        int64_t stored = 0, weights = 0;
        for (const TileWork& t : tiles) {
          stored += t.store_output_words;
          weights += t.load_weight_words;
        }
        EXPECT_EQ(stored, m.output_on_chip ? 0 : g.OutputWords()) << where;
        // Weights load once per layer when a layer's block stays in Sb, at
        // least once otherwise.
        if (g.op == Op::kMac && (g.WeightWords() <= net.caps.sb || m.c_tiles == 1)) {
          EXPECT_EQ(weights, g.WeightWords()) << where;
        } else {
          EXPECT_GE(weights, g.WeightWords()) << where;
        }
        // A later image with resident weights loads none.
        if (net.weights_resident) {
          for (const TileWork& t : MakeTiles(g, m, windows, net.caps, true)) EXPECT_EQ(t.load_weight_words, 0);
        }
      }
    }
  }
}

TEST(Mapper, ReluIsFusedIntoTheLayerBefore) {
  const models::NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  const NetworkMapping net = MapNetwork(spec, models::FullWidths(spec), Tech32());
  ASSERT_EQ(net.geometries.size(), 6u);  // conv1 pool1 conv2 pool2 ip1 ip2
  ASSERT_EQ(net.owner.size(), spec.layers.size());
  EXPECT_EQ(net.owner[5], net.owner[4]);  // relu1 -> ip1
  EXPECT_TRUE(net.geometries[net.owner[4]].relu);
  EXPECT_EQ(net.geometries[net.owner[4]].kind, "fc");
  EXPECT_EQ(net.geometries[net.owner[4]].C, 50 * 4 * 4);  // fc: the flattened input
}

TEST(Mapper, AnUnmappableLayerNamesItselfAndTheBuffer) {
  TechConfig tech = Tech32();
  const models::NetSpec spec = Spec(
      "network huge\n"
      "input channels=1 height=8 width=8\n"
      "conv name=wide filters=16 kernel=45 stride=1 pad=20\n"
      "fc name=out outputs=2\n");
  try {
    MapNetwork(spec, models::FullWidths(spec), tech);
    FAIL() << "mapped a 16 x 45 x 45 weight tile into Sb";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("huge"), std::string::npos) << message;
    EXPECT_NE(message.find("'wide'"), std::string::npos) << message;
    EXPECT_NE(message.find("Sb"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace rcdnn::accel
