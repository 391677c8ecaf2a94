#include "models/data/cifar10_reader.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/sha256.h"

namespace rcdnn::data {

RawImages ReadCifar10Batch(const std::string& path) {
  const std::string content = ReadFileToString(path);
  if (content.empty() || content.size() % kCifar10RecordBytes != 0) {
    throw Error("CIFAR-10 batch '" + path + "' holds " + std::to_string(content.size()) +
                " bytes, not a positive multiple of the 3073-byte record (truncated or not a "
                "cifar-10-batches-bin file?)");
  }
  const int64_t count = content.size() / kCifar10RecordBytes;
  RawImages raw;
  raw.channels = 3;
  raw.height = 32;
  raw.width = 32;
  raw.labels.resize(count);
  raw.pixels.resize(count * (kCifar10RecordBytes - 1));
  for (int64_t i = 0; i < count; ++i) {
    const auto* record = reinterpret_cast<const uint8_t*>(content.data()) + i * kCifar10RecordBytes;
    if (record[0] > 9) {
      throw Error("CIFAR-10 batch '" + path + "' has label " + std::to_string(record[0]) + " in record " +
                  std::to_string(i) + "; labels must be 0..9");
    }
    raw.labels[i] = record[0];
    std::copy(record + 1, record + kCifar10RecordBytes, raw.pixels.begin() + i * (kCifar10RecordBytes - 1));
  }
  raw.sources = {{path.substr(path.find_last_of('/') + 1), Sha256Hex(content)}};
  return raw;
}

Cifar10Files ReadCifar10Dir(const std::string& dir) {
  Cifar10Files files;
  for (int batch = 1; batch <= 5; ++batch) {
    Append(files.train, ReadCifar10Batch(dir + "/data_batch_" + std::to_string(batch) + ".bin"));
  }
  files.test = ReadCifar10Batch(dir + "/test_batch.bin");
  return files;
}

}  // namespace rcdnn::data
