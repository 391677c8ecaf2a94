// The CPU measurement's structure, never its speed: sample counts, ordered
// statistics, MACs, energy present exactly when a (fake) RAPL counter is.
#include "benchmarks/cpu_latency.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "benchmarks/fake_rapl_zone.h"
#include "benchmarks/layer_profile.h"
#include "common/error.h"

namespace rcdnn::benchmarks {
namespace {

namespace fs = std::filesystem;

struct LeNet {
  LeNet() : spec(models::LoadNetSpec("models/spec/lenet.net")), params(models::ZerosLike(spec, 4)) {
    models::InitParams(spec, 1, &params);
  }
  models::NetSpec spec;
  models::NetParams params;
};

std::string TempDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

CpuLatencyOptions Tiny(const std::string& powercap_root) {
  CpuLatencyOptions options;
  options.threads = 2;
  options.batch = 3;
  options.warmup = 1;
  options.repetitions = 5;
  options.batch_repetitions = 4;
  options.energy_seconds = 0.001;
  options.powercap_root = powercap_root;
  return options;
}

TEST(CpuLatencyTest, TimesEveryIncrementAtBatchOneAndBatched) {
  const LeNet net;
  const std::vector<Increment> increments = UniformIncrements(net.spec, {0.25, 0.5, 0.75, 1.0});
  const NetworkTiming timing = MeasureCpu(net.spec, net.params, increments, Tiny(TempDir("no_rapl")));
  EXPECT_EQ(timing.network, "lenet");
  ASSERT_EQ(timing.increments.size(), 4u);
  for (size_t i = 0; i < timing.increments.size(); ++i) {
    const IncrementTiming& t = timing.increments[i];
    EXPECT_EQ(t.increment.number, static_cast<int>(i) + 1);
    EXPECT_EQ(t.macs, models::TotalMacs(models::InferShapes(net.spec, increments[i].widths)));
    if (i > 0) {
      EXPECT_GT(t.macs, timing.increments[i - 1].macs);
    }
    EXPECT_EQ(t.batch1.samples, 5);
    EXPECT_EQ(t.batched.samples, 4);
    for (const LatencyStats* stats : {&t.batch1, &t.batched}) {
      EXPECT_GT(stats->min_us, 0);
      EXPECT_LE(stats->p10_us, stats->median_us);
      EXPECT_LE(stats->median_us, stats->p90_us);
    }
    EXPECT_EQ(t.batch, 3);
    EXPECT_FALSE(t.energy_uj_per_image.has_value()) << "no RAPL: energy must not be invented";
  }
}

TEST(CpuLatencyTest, BatchOneSkipsTheBatchedSeries) {
  const LeNet net;
  CpuLatencyOptions options = Tiny(TempDir("no_rapl_b1"));
  options.batch = 1;
  const NetworkTiming timing = MeasureCpu(net.spec, net.params, UniformIncrements(net.spec, {1.0}), options);
  ASSERT_EQ(timing.increments.size(), 1u);
  EXPECT_EQ(timing.increments[0].batch, 0);
  EXPECT_EQ(timing.increments[0].batched.samples, 0);
}

TEST(CpuLatencyTest, EnergyComesFromTheRaplCounterWhenReadable) {
  const std::string root = TempDir("fake_rapl");
  FakeRaplZone zone(root, 123456);
  zone.StartAdvancing();
  CpuLatencyOptions options = Tiny(root);
  options.energy_seconds = 0.2;  // many of the fake counter's 1 ms steps
  const LeNet net;
  const NetworkTiming timing = MeasureCpu(net.spec, net.params, UniformIncrements(net.spec, {0.5}), options);
  ASSERT_EQ(timing.increments.size(), 1u);
  ASSERT_TRUE(timing.increments[0].energy_uj_per_image.has_value());
  EXPECT_GT(*timing.increments[0].energy_uj_per_image, 0.0);

  const CpuPlatform platform = DescribeCpuPlatform(Tiny(root));
  EXPECT_TRUE(platform.energy_measured);
  EXPECT_EQ(platform.energy_source, "RAPL package-0 (intel-rapl:0)");
}

TEST(CpuLatencyTest, ACounterThatDidNotMoveIsNotReportedAsZeroEnergy) {
  const std::string root = TempDir("still_rapl");
  const FakeRaplZone zone(root, 123456);  // never advancing
  const LeNet net;
  const NetworkTiming timing = MeasureCpu(net.spec, net.params, UniformIncrements(net.spec, {0.5}), Tiny(root));
  ASSERT_EQ(timing.increments.size(), 1u);
  EXPECT_FALSE(timing.increments[0].energy_uj_per_image.has_value());
}

TEST(CpuLatencyTest, PlatformDescriptionWithoutRapl) {
  const std::string root = TempDir("no_rapl_platform");
  const CpuPlatform platform = DescribeCpuPlatform(Tiny(root));
  EXPECT_FALSE(platform.energy_measured);
  EXPECT_EQ(platform.energy_source, "no RAPL package zones under " + root);
  EXPECT_FALSE(platform.cpu_model.empty());
  EXPECT_GE(platform.logical_cores, 1);
  EXPECT_EQ(platform.cpu_id.rfind("family ", 0), 0u) << platform.cpu_id;
  EXPECT_FALSE(platform.cpu_isa.empty());
  EXPECT_EQ(platform.kernel.rfind("Linux ", 0), 0u);
  EXPECT_NE(platform.compiler.find("optimized"), std::string::npos);  // "optimized" or "not optimized"
}

TEST(CpuLatencyTest, ValidateNamesTheParameter) {
  CpuLatencyOptions options;
  options.threads = 0;
  try {
    Validate(options);
    FAIL() << "threads = 0 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("threads"), std::string::npos);
  }
  options = CpuLatencyOptions();
  options.repetitions = 0;
  EXPECT_THROW(Validate(options), Error);
  options = CpuLatencyOptions();
  options.batch = 0;
  EXPECT_THROW(Validate(options), Error);
  options = CpuLatencyOptions();
  options.batch_repetitions = 0;
  EXPECT_THROW(Validate(options), Error);
  options = CpuLatencyOptions();
  options.energy_seconds = -1;
  EXPECT_THROW(Validate(options), Error);
}

TEST(CpuLatencyTest, RefusesAHeadTheWeightsLack) {
  const LeNet net;  // 4 heads
  std::vector<Increment> increments = UniformIncrements(net.spec, {0.5});
  increments[0].head = 4;
  EXPECT_THROW(MeasureCpu(net.spec, net.params, increments, Tiny(TempDir("bad_head"))), Error);
}

TEST(LayerProfileTest, OneEntryPerLayerWithItsMacs) {
  const LeNet net;
  const models::Widths widths = models::UniformWidths(net.spec, 0.5);
  const std::vector<LayerTime> layers = ProfileLayers(net.spec, net.params, widths, 1, 0, 3);
  const std::vector<models::LayerShape> shapes = models::InferShapes(net.spec, widths);
  ASSERT_EQ(layers.size(), net.spec.layers.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    EXPECT_EQ(layers[l].layer, net.spec.layers[l].name);
    EXPECT_EQ(layers[l].macs, shapes[l].macs);
    EXPECT_EQ(layers[l].stats.samples, 3);
  }
  EXPECT_EQ(layers[0].kind, std::string(models::LayerKindName(models::LayerKind::kConv)));
  EXPECT_THROW(ProfileLayers(net.spec, net.params, widths, 4, 0, 1), Error);
}

TEST(NoiseImagesTest, DeterministicAndInRange) {
  const std::vector<float> a = NoiseImages(1000, 7), b = NoiseImages(1000, 7), c = NoiseImages(1000, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (float v : a) {
    EXPECT_GE(v, -1.0f);
    EXPECT_LT(v, 1.0f);
  }
}

}  // namespace
}  // namespace rcdnn::benchmarks
