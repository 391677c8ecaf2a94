// A model on the accelerator's arithmetic vs the float engine: a tiny
// randomly initialised model (nothing trained), through the library and
// through the model_on_accel binary end to end.
#include "accel_sim/model_on_accel.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "common/error.h"
#include "models/engine/params.h"
#include "results/store.h"

namespace rcdnn::accel {
namespace {

// Tail shapes: 6 and 17 channels, a padded 3x3 conv, a ceil-rounded average pool.
const char* kTinySpec =
    "network tiny\n"
    "input channels=1 height=28 width=28\n"
    "conv name=conv1 filters=6 kernel=5 stride=1 pad=0\n"
    "pool name=pool1 op=max kernel=2 stride=2 pad=0\n"
    "conv name=conv2 filters=8 kernel=3 stride=1 pad=1\n"
    "relu name=relu1\n"
    "pool name=pool2 op=avg kernel=3 stride=2 pad=0\n"
    "fc name=ip1 outputs=17\n"
    "relu name=relu2\n"
    "fc name=ip2 outputs=10\n";

models::Model TinyModel() {
  models::Model model;
  model.spec = models::ParseNetSpec(kTinySpec, "tiny.net");
  model.schedule = {models::UniformWidths(model.spec, 0.5), models::FullWidths(model.spec)};
  model.params = models::ZerosLike(model.spec, 2);
  models::InitParams(model.spec, 3, &model.params);
  // Non-zero biases, so the bias path is exercised too.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> bias(-0.1f, 0.1f);
  for (auto* layers : {&model.params.sliced, &model.params.heads}) {
    for (models::LayerParams& p : *layers) {
      for (int i = 0; i < p.bias.size(); ++i) p.bias[i] = bias(rng);
    }
  }
  model.metadata["method"] = "random-init";
  return model;
}

data::ImageSet RandomImages(int n, float scale, uint64_t seed) {
  data::ImageSet set;
  set.channels = 1;
  set.height = set.width = 28;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  set.images.resize(static_cast<size_t>(n) * 28 * 28);
  for (float& v : set.images) v = scale * pixel(rng);
  for (int i = 0; i < n; ++i) set.labels.push_back(static_cast<uint8_t>(i % 10));
  return set;
}

TechConfig Tech(const std::string& name) { return LoadTechConfig("accel_sim/tech/" + name + ".tech"); }

TEST(ModelOnAccel, WeightsOfIncrementUseThatIncrementsHead) {
  const models::Model model = TinyModel();
  const NetWeights w = WeightsOfIncrement(model, 1);
  ASSERT_EQ(w.layers.size(), 4u);
  EXPECT_EQ(w.layers[0].layer, "conv1");
  EXPECT_EQ(w.layers[3].layer, "ip2");
  EXPECT_EQ(w.layers[0].rows, 6);
  EXPECT_EQ(w.layers[0].cols, 25);
  // Row-major, row = output channel.
  EXPECT_EQ(w.layers[1].weights[2 * w.layers[1].cols + 7], model.params.sliced[1].weights(2, 7));
  EXPECT_EQ(w.layers[3].weights[3 * w.layers[3].cols + 11], model.params.heads[1].weights(3, 11));
  EXPECT_NE(w.layers[3].weights[3 * w.layers[3].cols + 11], model.params.heads[0].weights(3, 11));
  EXPECT_EQ(w.layers[2].biases[16], model.params.sliced[2].bias[16]);
  EXPECT_THROW(WeightsOfIncrement(model, 2), Error);
}

TEST(ModelOnAccel, ThirtyTwoSixteenPredictsAsFloatDoes) {
  const models::Model model = TinyModel();
  CompareOptions options;
  options.images = 300;
  options.threads = 2;
  const std::vector<IncrementComparison> rows =
      CompareOnAccelerator(model, RandomImages(300, 1.0f, 11), Tech("fixed32_16"), options);
  ASSERT_EQ(rows.size(), 2u);
  for (const IncrementComparison& c : rows) {
    EXPECT_EQ(c.images, 300);
    EXPECT_GE(c.agreement, 0.99) << "increment " << c.increment;
    EXPECT_NEAR(c.accuracy_accel, c.accuracy_float, 0.01);
    EXPECT_EQ(c.saturations.Total(), 0);
    EXPECT_GT(c.max_abs_score_error, 0);  // quantized, not float in disguise
    EXPECT_LT(c.max_abs_score_error, 1e-3);
  }
  EXPECT_EQ(rows[0].widths, (models::Widths{3, 4, 9}));
  EXPECT_EQ(rows[1].increment, 2);
}

TEST(ModelOnAccel, FloatTileAgreesWithTheEngineUpToRounding) {
  const models::Model model = TinyModel();
  CompareOptions options;
  options.images = 100;
  for (const IncrementComparison& c :
       CompareOnAccelerator(model, RandomImages(100, 1.0f, 12), Tech("float32"), options)) {
    EXPECT_GE(c.agreement, 0.99);
    EXPECT_LT(c.max_abs_score_error, 1e-4);
    EXPECT_EQ(c.saturations.Total(), 0);
  }
}

TEST(ModelOnAccel, SixteenTenSaturationOfWideInputsIsCounted) {
  const models::Model model = TinyModel();
  CompareOptions options;
  options.images = 40;
  // Inputs up to 100: beyond <16,10>'s range [-32, 32).
  const std::vector<IncrementComparison> rows =
      CompareOnAccelerator(model, RandomImages(40, 100.0f, 13), Tech("fixed16_10"), options);
  for (const IncrementComparison& c : rows) {
    EXPECT_GT(c.saturations.input, 40 * 28 * 28 / 2);  // about 68% of the pixels
    EXPECT_LT(c.saturations.input, 40 * 28 * 28);
  }
  // In [0, 1) nothing saturates on the way in.
  for (const IncrementComparison& c :
       CompareOnAccelerator(model, RandomImages(40, 1.0f, 13), Tech("fixed16_10"), options)) {
    EXPECT_EQ(c.saturations.input, 0);
  }
}

TEST(ModelOnAccel, ThreadsDoNotChangeTheResult) {
  const models::Model model = TinyModel();
  const data::ImageSet images = RandomImages(30, 100.0f, 14);
  CompareOptions one, three;
  one.images = three.images = 30;
  three.threads = 3;
  const auto a = CompareOnAccelerator(model, images, Tech("fixed16_10"), one);
  const auto b = CompareOnAccelerator(model, images, Tech("fixed16_10"), three);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].agreement, b[i].agreement);
    EXPECT_EQ(a[i].accuracy_accel, b[i].accuracy_accel);
    EXPECT_EQ(a[i].saturations.input, b[i].saturations.input);
    EXPECT_EQ(a[i].saturations.weights, b[i].saturations.weights);
    EXPECT_EQ(a[i].saturations.outputs, b[i].saturations.outputs);
    EXPECT_DOUBLE_EQ(a[i].max_abs_score_error, b[i].max_abs_score_error);
  }
}

TEST(ModelOnAccel, ImagesOfAnotherShapeAreRefused) {
  data::ImageSet images = RandomImages(2, 1.0f, 1);
  images.height = images.width = 32;
  images.images.resize(2 * 32 * 32);
  EXPECT_THROW(CompareOnAccelerator(TinyModel(), images, Tech("fixed32_16"), {}), Error);
}

// --- the binary, end to end ---------------------------------------------------

std::string TempDir() { return std::getenv("TEST_TMPDIR"); }

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

// An idx data set in the registry's fashion_mnist layout, random pixels,
// labels cycling 0..9.
void WriteIdxDataset(const std::string& dir, uint32_t train, uint32_t test) {
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng(21);
  auto write = [&](const std::string& name, uint32_t count) {
    std::string images, labels;
    PutU32(&images, 2051);
    PutU32(&images, count);
    PutU32(&images, 28);
    PutU32(&images, 28);
    for (uint32_t i = 0; i < count * 28 * 28; ++i) images.push_back(static_cast<char>(rng() & 0xff));
    PutU32(&labels, 2049);
    PutU32(&labels, count);
    for (uint32_t i = 0; i < count; ++i) labels.push_back(static_cast<char>(i % 10));
    std::ofstream(dir + "/" + name + "-images-idx3-ubyte", std::ios::binary) << images;
    std::ofstream(dir + "/" + name + "-labels-idx1-ubyte", std::ios::binary) << labels;
  };
  write("train", train);
  write("t10k", test);
}

int RunCommand(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ModelOnAccelBinary, WritesOneRunWithEveryIncrementAndTech) {
  const std::string dir = TempDir() + "/binary";
  WriteIdxDataset(dir + "/data/fashion_mnist", 20, 300);
  const std::string model_path = dir + "/tiny.model";
  models::SaveModel(model_path, TinyModel());
  const std::string db = dir + "/results.db";
  const std::string command = "accel_sim/model_on_accel --model " + model_path +
                              " --dataset fashion_mnist --data-root " + dir + "/data --images 120 --threads 2" +
                              " --tech accel_sim/tech/fixed32_16.tech accel_sim/tech/fixed16_10.tech --db " + db +
                              " > " + dir + "/out.txt 2> " + dir + "/err.txt";
  ASSERT_EQ(RunCommand(command), 0) << ReadText(dir + "/err.txt");

  const results::Store store = results::Store::OpenReadOnly(db);
  const std::vector<results::RunRow> runs = store.ListRuns();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].info.target, "//accel_sim:model_on_accel");
  EXPECT_EQ(runs[0].info.dataset_name, "fashion_mnist");
  std::set<std::string> seen;
  for (const char* name : {"accuracy_float", "accuracy_fixed", "agreement", "saturations", "images"}) {
    results::MetricFilter filter;
    filter.name = name;
    for (const results::MetricRow& row : store.QueryMetrics(filter)) {
      const results::Metric& m = row.metric;
      EXPECT_EQ(m.network, "tiny");
      EXPECT_EQ(m.split, "test");
      ASSERT_TRUE(m.increment.has_value());
      if (!m.key.empty()) continue;  // saturations per kind
      seen.insert(std::string(name) + "/" + m.method + "/" + std::to_string(*m.increment));
      if (std::string(name) == "images") { EXPECT_EQ(m.value, 120); }
      if (std::string(name) == "agreement" && m.method == "fixed32_16") { EXPECT_GE(m.value, 0.99); }
      if (std::string(name) == "saturations" && m.method == "fixed32_16") { EXPECT_EQ(m.value, 0); }
    }
  }
  EXPECT_EQ(seen.size(), 5u * 2 * 2) << "every metric for both techs and both increments";
  results::MetricFilter drop;
  drop.name = "fixed_point_accuracy_drop_pct";
  const std::vector<results::MetricRow> drops = store.QueryMetrics(drop);
  ASSERT_EQ(drops.size(), 4u);
  EXPECT_EQ(drops[0].metric.key, "format=<32,16>");
  EXPECT_EQ(drops[0].metric.unit, "%");
  EXPECT_NE(ReadText(dir + "/out.txt").find("fixed16_10"), std::string::npos);
}

TEST(ModelOnAccelBinary, ErrorsAreOneLineAndAFailingStatus) {
  const std::string dir = TempDir() + "/errors";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(RunCommand("accel_sim/model_on_accel --model " + dir + "/missing.model --db " + dir + "/r.db 2> " + dir +
                "/err1.txt"),
            1);
  const std::string err1 = ReadText(dir + "/err1.txt");
  EXPECT_NE(err1.find("missing.model"), std::string::npos) << err1;
  EXPECT_EQ(err1.find('\n'), err1.size() - 1) << err1;
  EXPECT_EQ(RunCommand("accel_sim/model_on_accel --model x --db y --imagez 3 2> " + dir + "/err2.txt"), 2);
  EXPECT_NE(ReadText(dir + "/err2.txt").find("imagez"), std::string::npos);
  EXPECT_EQ(RunCommand("accel_sim/model_on_accel --help > " + dir + "/help.txt"), 0);
  EXPECT_NE(ReadText(dir + "/help.txt").find("--tech"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.db"));
}

}  // namespace
}  // namespace rcdnn::accel
