#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "models/train/model_file.h"
#include "models/train/trainers.h"

namespace rcdnn::models {
namespace {

std::string TempPath(const std::string& name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

Model LeNetIncremental() {
  Model model;
  model.spec = LoadNetSpec("models/spec/lenet.net");
  model.schedule = UniformSchedule(model.spec, {0.25, 0.5, 1.0});
  model.params = ZerosLike(model.spec, 3);
  InitParams(model.spec, 7, &model.params);
  // Heads only hold their increment's columns; zero the rest as a trainer would leave them.
  for (size_t i = 0; i < model.schedule.size(); ++i) {
    const int cols = static_cast<int>(InferShapes(model.spec, model.schedule[i]).back().InputSize());
    auto& w = model.params.heads[i].weights;
    w.rightCols(w.cols() - cols).setZero();
  }
  model.metadata["method"] = "incremental";
  model.metadata["dataset"] = "fashion_mnist";
  return model;
}

TEST(ModelFile, RoundTripsBitForBit) {
  const Model model = LeNetIncremental();
  const std::string path = TempPath("lenet.model");
  SaveModel(path, model);
  const Model loaded = LoadModel(path);
  EXPECT_EQ(loaded.spec.source_text, model.spec.source_text);
  EXPECT_EQ(loaded.schedule, model.schedule);
  EXPECT_EQ(loaded.metadata, model.metadata);
  for (size_t j = 0; j < model.params.sliced.size(); ++j) {
    EXPECT_EQ(loaded.params.sliced[j].weights, model.params.sliced[j].weights);
    EXPECT_EQ(loaded.params.sliced[j].bias, model.params.sliced[j].bias);
  }
  for (size_t i = 0; i < model.params.heads.size(); ++i) {
    EXPECT_EQ(loaded.params.heads[i].weights, model.params.heads[i].weights);
  }
}

TEST(ModelFile, StorageCountsOnlyStoredBlocks) {
  Model model = LeNetIncremental();
  const std::string path = TempPath("storage.model");
  SaveModel(path, model);
  const ModelStorage storage = ReadModelStorage(path);
  // Shared weights: Caffe's LeNet has 431,080 parameters.
  EXPECT_EQ(storage.sliced_bytes, 4 * (500 + 20 + 25000 + 50 + 400000 + 500));
  ASSERT_EQ(storage.head_bytes.size(), 3u);
  EXPECT_EQ(storage.head_bytes[0], 4 * (10 * 125 + 10));
  EXPECT_EQ(storage.head_bytes[2], 4 * (10 * 500 + 10));

  // A 25% golden model stores a quarter-width network.
  Model golden;
  golden.spec = model.spec;
  golden.schedule = {UniformWidths(golden.spec, 0.25)};
  golden.params = ZerosLike(golden.spec, 1);
  SaveModel(TempPath("golden25.model"), golden);
  EXPECT_EQ(ReadModelStorage(TempPath("golden25.model")).sliced_bytes,
            4 * (5 * 25 + 5 + 13 * 5 * 25 + 13 + 125 * 13 * 16 + 125));
}

TEST(ModelFile, TruncatedFileIsRefused) {
  const std::string path = TempPath("truncated.model");
  SaveModel(path, LeNetIncremental());
  std::string bytes = ReadFileToString(path);
  for (size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t{10}, size_t{3}}) {
    WriteFileAtomically(path, bytes.substr(0, keep));
    try {
      LoadModel(path);
      FAIL() << "a file truncated to " << keep << " bytes was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(ModelFile, AlteredByteFailsTheChecksum) {
  const std::string path = TempPath("altered.model");
  SaveModel(path, LeNetIncremental());
  std::string bytes = ReadFileToString(path);
  bytes[bytes.size() / 2] ^= 0x01;
  WriteFileAtomically(path, bytes);
  try {
    LoadModel(path);
    FAIL() << "an altered file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
}

TEST(ModelFile, WrongMagicAndMissingFile) {
  const std::string path = TempPath("notamodel.bin");
  WriteFileAtomically(path, std::string(100, 'x'));
  try {
    LoadModel(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("wrong magic"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadModel(TempPath("absent.model")), Error);
}

TEST(ModelFile, InconsistentModelIsNotSaved) {
  Model model = LeNetIncremental();
  model.schedule.pop_back();  // 2 increments, 3 heads
  EXPECT_THROW(SaveModel(TempPath("bad.model"), model), Error);
  std::ifstream absent(TempPath("bad.model"));
  EXPECT_FALSE(absent.good());
}

}  // namespace
}  // namespace rcdnn::models
