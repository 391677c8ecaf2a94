#include "models/train/model_file.h"

#include <cstring>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/sha256.h"

namespace rcdnn::models {
namespace {

constexpr char kMagic[8] = {'R', 'C', 'D', 'N', 'N', 'M', 'F', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr uint32_t kTagMetadata = 1, kTagSpec = 2, kTagSchedule = 3, kTagTensor = 4;
constexpr size_t kDigestBytes = 32;

void PutU32(std::string* out, uint32_t value) { out->append(reinterpret_cast<const char*>(&value), 4); }
void PutU64(std::string* out, uint64_t value) { out->append(reinterpret_cast<const char*>(&value), 8); }

void PutSection(std::string* out, uint32_t tag, const std::string& bytes) {
  PutU32(out, tag);
  PutU64(out, bytes.size());
  out->append(bytes);
}

// Stores the top-left rows x cols block of `matrix` (row-major) as a tensor.
std::string TensorBytes(const std::string& name, const RowMatrix& matrix, int rows, int cols) {
  std::string bytes;
  PutU32(&bytes, static_cast<uint32_t>(name.size()));
  bytes += name;
  PutU32(&bytes, static_cast<uint32_t>(rows));
  PutU32(&bytes, static_cast<uint32_t>(cols));
  for (int r = 0; r < rows; ++r) {
    bytes.append(reinterpret_cast<const char*>(matrix.row(r).data()), sizeof(float) * cols);
  }
  return bytes;
}

std::string BiasBytes(const std::string& name, const Eigen::VectorXf& bias, int rows) {
  RowMatrix column = bias.head(rows);
  return TensorBytes(name, column, rows, 1);
}

class Reader {
 public:
  Reader(const std::string& path, const std::string& bytes) : path_(path), bytes_(bytes) {}
  [[noreturn]] void Fail(const std::string& what) const {
    throw Error("model file '" + path_ + "' " + what);
  }
  bool AtEnd() const { return offset_ == bytes_.size() - kDigestBytes; }
  uint32_t U32() { uint32_t v; Copy(&v, 4); return v; }
  uint64_t U64() { uint64_t v; Copy(&v, 8); return v; }
  std::string Bytes(uint64_t n) {
    Need(n);
    std::string s = bytes_.substr(offset_, n);
    offset_ += n;
    return s;
  }

 private:
  void Need(uint64_t n) const {
    if (n > bytes_.size() - kDigestBytes - offset_) Fail("is truncated or corrupt (a section runs past the end)");
  }
  void Copy(void* to, size_t n) {
    Need(n);
    std::memcpy(to, bytes_.data() + offset_, n);
    offset_ += n;
  }
  const std::string& path_;
  const std::string& bytes_;
  size_t offset_ = sizeof(kMagic) + 4;
};

struct ParsedTensor {
  int rows = 0, cols = 0;
  std::vector<float> values;
};

struct ParsedFile {
  std::string metadata, spec, schedule;
  std::map<std::string, ParsedTensor> tensors;
  std::vector<std::string> tensor_order;
};

ParsedFile ParseFile(const std::string& path) {
  const std::string bytes = ReadFileToString(path);
  const std::string fix = " (retrain it, or restore it from a good copy)";
  if (bytes.size() < sizeof(kMagic) + 4 + kDigestBytes || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    if (bytes.size() >= sizeof(kMagic) && std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) == 0) {
      throw Error("model file '" + path + "' is truncated (" + std::to_string(bytes.size()) + " bytes)" + fix);
    }
    throw Error("'" + path + "' is not an rcdnn model file (wrong magic number)");
  }
  uint32_t version;
  std::memcpy(&version, bytes.data() + sizeof(kMagic), 4);
  if (version != kFormatVersion) {
    throw Error("model file '" + path + "' has format version " + std::to_string(version) + ", this build reads " +
                std::to_string(kFormatVersion));
  }
  Sha256 hasher;
  hasher.Update(bytes.data(), bytes.size() - kDigestBytes);
  const std::string expected = hasher.HexDigest();
  std::string stored;
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = bytes.size() - kDigestBytes; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    stored += kHex[b >> 4];
    stored += kHex[b & 15];
  }
  if (stored != expected) {
    throw Error("model file '" + path + "' fails its checksum: it is truncated or was altered" + fix);
  }
  ParsedFile parsed;
  Reader reader(path, bytes);
  while (!reader.AtEnd()) {
    const uint32_t tag = reader.U32();
    const uint64_t length = reader.U64();
    std::string body = reader.Bytes(length);
    if (tag == kTagMetadata) {
      parsed.metadata = body;
    } else if (tag == kTagSpec) {
      parsed.spec = body;
    } else if (tag == kTagSchedule) {
      parsed.schedule = body;
    } else if (tag == kTagTensor) {
      if (body.size() < 12) reader.Fail("has a malformed tensor section");
      uint32_t name_length, rows, cols;
      std::memcpy(&name_length, body.data(), 4);
      if (body.size() < 12ull + name_length) reader.Fail("has a malformed tensor section");
      const std::string name = body.substr(4, name_length);
      std::memcpy(&rows, body.data() + 4 + name_length, 4);
      std::memcpy(&cols, body.data() + 8 + name_length, 4);
      const uint64_t count = uint64_t{rows} * cols;
      if (body.size() != 12ull + name_length + count * sizeof(float)) {
        reader.Fail("tensor '" + name + "' has the wrong byte count");
      }
      ParsedTensor tensor{static_cast<int>(rows), static_cast<int>(cols), std::vector<float>(count)};
      std::memcpy(tensor.values.data(), body.data() + 12 + name_length, count * sizeof(float));
      parsed.tensor_order.push_back(name);
      parsed.tensors[name] = std::move(tensor);
    } else {
      reader.Fail("has an unknown section tag " + std::to_string(tag));
    }
  }
  return parsed;
}

std::string SlicedName(const NetSpec& spec, int j, const char* part) {
  return "layer/" + spec.layers[spec.SlicedLayerIndices()[j]].name + "/" + part;
}
std::string HeadName(int i, const char* part) { return "head/" + std::to_string(i) + "/" + part; }

// Largest width of each sliced layer over the schedule.
Widths MaxWidths(const NetSpec& spec, const std::vector<Widths>& schedule) {
  Widths max = schedule.at(0);
  for (const Widths& w : schedule) {
    ValidateWidths(spec, w);
    for (size_t j = 0; j < w.size(); ++j) max[j] = std::max(max[j], w[j]);
  }
  return max;
}

// Stored (rows, cols) of every sliced layer and every head.
struct StoredShapes {
  std::vector<std::pair<int, int>> sliced, heads;
};

StoredShapes ComputeStoredShapes(const NetSpec& spec, const std::vector<Widths>& schedule) {
  StoredShapes stored;
  const Widths max = MaxWidths(spec, schedule);
  const auto shapes = InferShapes(spec, max);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t j = 0; j < sliced.size(); ++j) {
    const LayerShape& s = shapes[sliced[j]];
    stored.sliced.emplace_back(s.out_channels, static_cast<int>(s.weight_count / s.out_channels));
  }
  for (const Widths& w : schedule) {
    const LayerShape head = InferShapes(spec, w).back();
    stored.heads.emplace_back(head.out_channels, static_cast<int>(head.InputSize()));
  }
  return stored;
}

void Restore(const ParsedFile& file, const std::string& path, const std::string& name, int rows, int cols,
             RowMatrix* weights) {
  const auto it = file.tensors.find(name);
  if (it == file.tensors.end()) throw Error("model file '" + path + "' lacks tensor '" + name + "'");
  if (it->second.rows != rows || it->second.cols != cols) {
    throw Error("model file '" + path + "': tensor '" + name + "' is " + std::to_string(it->second.rows) + "x" +
                std::to_string(it->second.cols) + ", its spec and schedule need " + std::to_string(rows) + "x" +
                std::to_string(cols));
  }
  if (rows > weights->rows() || cols > weights->cols()) {
    throw Error("model file '" + path + "': tensor '" + name + "' is larger than its spec's layer");
  }
  for (int r = 0; r < rows; ++r) {
    std::memcpy(weights->row(r).data(), it->second.values.data() + size_t(r) * cols, sizeof(float) * cols);
  }
}

void RestoreBias(const ParsedFile& file, const std::string& path, const std::string& name, int rows,
                 Eigen::VectorXf* bias) {
  RowMatrix column(bias->size(), 1);
  column.setZero();
  Restore(file, path, name, rows, 1, &column);
  *bias = column.col(0);
}

std::vector<Widths> ParseSchedule(const std::string& text, const std::string& path) {
  std::vector<Widths> schedule;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    Widths widths;
    std::istringstream items(line);
    for (std::string item; std::getline(items, item, ',');) {
      try {
        widths.push_back(std::stoi(item));
      } catch (const std::exception&) {
        throw Error("model file '" + path + "' has a malformed width schedule line '" + line + "'");
      }
    }
    schedule.push_back(widths);
  }
  if (schedule.empty()) throw Error("model file '" + path + "' has no width schedule");
  return schedule;
}

}  // namespace

int64_t ModelStorage::TensorBytes() const {
  int64_t total = sliced_bytes;
  for (int64_t bytes : head_bytes) total += bytes;
  return total;
}

void SaveModel(const std::string& path, const Model& model) {
  ValidateParams(model.spec, model.params, "model params");
  if (model.schedule.empty() || model.schedule.size() != model.params.heads.size()) {
    throw Error("cannot save '" + path + "': the schedule has " + std::to_string(model.schedule.size()) +
                " increments but the model has " + std::to_string(model.params.heads.size()) + " heads");
  }
  const StoredShapes stored = ComputeStoredShapes(model.spec, model.schedule);
  std::string bytes(kMagic, sizeof(kMagic));
  PutU32(&bytes, kFormatVersion);
  std::string metadata;
  for (const auto& [key, value] : model.metadata) {
    if (key.find_first_of("=\n") != std::string::npos || value.find('\n') != std::string::npos) {
      throw Error("cannot save '" + path + "': metadata '" + key + "' contains '=' or a newline");
    }
    metadata += key + "=" + value + "\n";
  }
  PutSection(&bytes, kTagMetadata, metadata);
  PutSection(&bytes, kTagSpec, model.spec.source_text);
  std::string schedule;
  for (const Widths& w : model.schedule) schedule += WidthsToString(w) + "\n";
  PutSection(&bytes, kTagSchedule, schedule);
  for (size_t j = 0; j < stored.sliced.size(); ++j) {
    const auto [rows, cols] = stored.sliced[j];
    PutSection(&bytes, kTagTensor, TensorBytes(SlicedName(model.spec, j, "weights"), model.params.sliced[j].weights, rows, cols));
    PutSection(&bytes, kTagTensor, BiasBytes(SlicedName(model.spec, j, "bias"), model.params.sliced[j].bias, rows));
  }
  for (size_t i = 0; i < stored.heads.size(); ++i) {
    const auto [rows, cols] = stored.heads[i];
    PutSection(&bytes, kTagTensor, TensorBytes(HeadName(i, "weights"), model.params.heads[i].weights, rows, cols));
    PutSection(&bytes, kTagTensor, BiasBytes(HeadName(i, "bias"), model.params.heads[i].bias, rows));
  }
  Sha256 hasher;
  hasher.Update(bytes.data(), bytes.size());
  const std::string hex = hasher.HexDigest();
  for (size_t i = 0; i < kDigestBytes; ++i) bytes += static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  WriteFileAtomically(path, bytes);
}

Model LoadModel(const std::string& path) {
  const ParsedFile file = ParseFile(path);
  Model model;
  model.spec = ParseNetSpec(file.spec, path + " (embedded spec)");
  model.schedule = ParseSchedule(file.schedule, path);
  std::istringstream metadata(file.metadata);
  for (std::string line; std::getline(metadata, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw Error("model file '" + path + "' has a malformed metadata line");
    model.metadata[line.substr(0, eq)] = line.substr(eq + 1);
  }
  StoredShapes stored;
  try {
    stored = ComputeStoredShapes(model.spec, model.schedule);
  } catch (const Error& e) {
    throw Error("model file '" + path + "': " + e.what());
  }
  model.params = ZerosLike(model.spec, model.NumIncrements());
  for (size_t j = 0; j < stored.sliced.size(); ++j) {
    const auto [rows, cols] = stored.sliced[j];
    Restore(file, path, SlicedName(model.spec, j, "weights"), rows, cols, &model.params.sliced[j].weights);
    RestoreBias(file, path, SlicedName(model.spec, j, "bias"), rows, &model.params.sliced[j].bias);
  }
  for (size_t i = 0; i < stored.heads.size(); ++i) {
    const auto [rows, cols] = stored.heads[i];
    Restore(file, path, HeadName(i, "weights"), rows, cols, &model.params.heads[i].weights);
    RestoreBias(file, path, HeadName(i, "bias"), rows, &model.params.heads[i].bias);
  }
  return model;
}

ModelStorage ReadModelStorage(const std::string& path) {
  const ParsedFile file = ParseFile(path);
  ModelStorage storage;
  storage.total_file_bytes = static_cast<int64_t>(ReadFileToString(path).size());
  for (const std::string& name : file.tensor_order) {
    const ParsedTensor& t = file.tensors.at(name);
    const int64_t bytes = int64_t{t.rows} * t.cols * static_cast<int64_t>(sizeof(float));
    if (name.rfind("head/", 0) == 0) {
      const size_t index = std::stoul(name.substr(5, name.find('/', 5) - 5));
      if (storage.head_bytes.size() <= index) storage.head_bytes.resize(index + 1, 0);
      storage.head_bytes[index] += bytes;
    } else {
      storage.sliced_bytes += bytes;
    }
  }
  return storage;
}

}  // namespace rcdnn::models
