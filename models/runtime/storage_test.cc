#include "models/runtime/storage.h"

#include <gtest/gtest.h>

#include "models/engine/params.h"
#include "models/runtime/test_util.h"
#include "models/train/model_file.h"

namespace rcdnn::models::runtime {
namespace {

using testing::ErrorOf;
using testing::TempPath;

// conv1: 4 filters of 1x3x3 over a 4x4 input -> 4x2x2; the classifier has 2 outputs.
const char kTinySpec[] =
    "network tiny\n"
    "input channels=1 height=4 width=4\n"
    "conv name=conv1 filters=4 kernel=3 stride=1 pad=0\n"
    "fc name=ip outputs=2\n";

std::string WriteModel(const std::string& name, const std::string& method, const std::vector<Widths>& schedule,
                       const char* spec_text = kTinySpec) {
  Model model;
  model.spec = ParseNetSpec(spec_text, "tiny.net");
  model.schedule = schedule;
  model.params = ZerosLike(model.spec, static_cast<int>(schedule.size()));
  model.metadata["method"] = method;
  const std::string path = TempPath(name);
  SaveModel(path, model);
  return path;
}

// Bytes (float32) the files hold:
//   conv1 at 4 filters: 4 x 9 weights + 4 biases = 40 floats; at 2 filters: 20 floats.
//   head at width 4: 2 x 16 + 2 = 34 floats; at width 2: 2 x 8 + 2 = 18 floats.
//   full golden = 40 + 34 = 74 floats = 296 bytes; golden at 2 = 20 + 18 = 38 floats = 152 bytes;
//   incremental {2, 4} = 40 + 18 + 34 floats, its extra head 18 floats = 72 bytes.
TEST(StorageTest, OverheadsFromModelFiles) {
  const NetSpec spec = ParseNetSpec(kTinySpec, "tiny.net");
  const std::vector<StoredModel> models = {
      ReadStoredModel(WriteModel("inc.rcdnn", "incremental_golden_init", {{2}, {4}})),
      ReadStoredModel(WriteModel("g4.rcdnn", "golden", {{4}})),
      ReadStoredModel(WriteModel("g2.rcdnn", "golden", {{2}})),
  };
  EXPECT_EQ(models[0].increments, 2);
  EXPECT_EQ(models[0].storage.head_bytes, (std::vector<int64_t>{72, 136}));
  const StorageTable t = ComputeStorageTable(spec, models);
  EXPECT_EQ(t.reference_bytes, 296);
  EXPECT_NE(t.reference.find("g4.rcdnn"), std::string::npos);
  EXPECT_TRUE(t.has_incremental);
  EXPECT_EQ(t.incremental_extra_bytes, 72);
  EXPECT_DOUBLE_EQ(t.incremental_overhead, 72.0 / 296.0);
  EXPECT_EQ(t.golden_models_extra, 1);
  EXPECT_EQ(t.big_little_extra_bytes, 152);
  EXPECT_DOUBLE_EQ(t.big_little_overhead, 152.0 / 296.0);
}

TEST(StorageTest, WithoutAFullGoldenModelTheIncrementalOneIsTheReference) {
  const NetSpec spec = ParseNetSpec(kTinySpec, "tiny.net");
  const StorageTable t =
      ComputeStorageTable(spec, {ReadStoredModel(WriteModel("inc2.rcdnn", "incremental", {{2}, {4}}))});
  EXPECT_EQ(t.reference_bytes, 296);  // shared 40 floats + final head 34 floats
  EXPECT_DOUBLE_EQ(t.incremental_overhead, 72.0 / 296.0);
  EXPECT_EQ(t.golden_models_extra, 0);
}

TEST(StorageTest, BadModelSetsAreErrors) {
  const NetSpec spec = ParseNetSpec(kTinySpec, "tiny.net");
  const StoredModel inc = ReadStoredModel(WriteModel("inc3.rcdnn", "incremental", {{2}, {4}}));
  const StoredModel g2 = ReadStoredModel(WriteModel("g2b.rcdnn", "golden", {{2}}));
  EXPECT_NE(ErrorOf([&] { ComputeStorageTable(spec, {inc, inc}); }).find("two incremental models"), std::string::npos);
  EXPECT_NE(ErrorOf([&] { ComputeStorageTable(spec, {g2, g2}); }).find("two golden models of width 2"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { ComputeStorageTable(spec, {g2}); }).find("no reference network"), std::string::npos);
  const StoredModel shutdown = ReadStoredModel(WriteModel("s.rcdnn", "budget_golden", {{4}}));
  EXPECT_NE(ErrorOf([&] { ComputeStorageTable(spec, {shutdown}); }).find("method 'budget_golden'"),
            std::string::npos);
  const std::string other_spec = std::string(kTinySpec).replace(8, 4, "wide");
  const StoredModel other = ReadStoredModel(WriteModel("o.rcdnn", "golden", {{4}}, other_spec.c_str()));
  EXPECT_NE(ErrorOf([&] { ComputeStorageTable(spec, {other}); }).find("is a wide model, not tiny"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ReadStoredModel(TempPath("absent.rcdnn")); }).find("absent.rcdnn"), std::string::npos);
}

}  // namespace
}  // namespace rcdnn::models::runtime
