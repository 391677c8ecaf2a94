#include "models/data/test_files.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rcdnn::data::testing {

std::string FreshDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp ? tmp : "/tmp") + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

uint8_t Pattern(int64_t n, int channel, int row, int col) {
  return static_cast<uint8_t>(n * 13 + channel * 71 + row * 7 + col * 3 + (row * col) % 5);
}

std::vector<uint8_t> CyclicLabels(int64_t n) {
  std::vector<uint8_t> labels(n);
  for (int64_t i = 0; i < n; ++i) labels[i] = static_cast<uint8_t>(i % 10);
  return labels;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("test: cannot write " + path);
}

void WriteGzip(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("test: cannot gzopen " + path);
  if (!bytes.empty() && gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) <= 0) {
    throw std::runtime_error("test: gzwrite failed for " + path);
  }
  gzclose(file);
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

namespace {

void PutBigEndian(std::string& bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((value >> shift) & 0xff);
}

}  // namespace

std::string IdxImagesBytes(uint32_t count, uint32_t rows, uint32_t cols, uint32_t magic) {
  std::string bytes;
  PutBigEndian(bytes, magic);
  PutBigEndian(bytes, count);
  PutBigEndian(bytes, rows);
  PutBigEndian(bytes, cols);
  for (uint32_t n = 0; n < count; ++n) {
    for (uint32_t r = 0; r < rows; ++r) {
      for (uint32_t c = 0; c < cols; ++c) bytes += static_cast<char>(Pattern(n, 0, r, c));
    }
  }
  return bytes;
}

std::string IdxLabelsBytes(const std::vector<uint8_t>& labels, uint32_t magic) {
  std::string bytes;
  PutBigEndian(bytes, magic);
  PutBigEndian(bytes, static_cast<uint32_t>(labels.size()));
  bytes.append(labels.begin(), labels.end());
  return bytes;
}

std::string CifarBytes(const std::vector<uint8_t>& labels) {
  std::string bytes;
  for (size_t n = 0; n < labels.size(); ++n) {
    bytes += static_cast<char>(labels[n]);
    for (int ch = 0; ch < 3; ++ch) {
      for (int r = 0; r < 32; ++r) {
        for (int c = 0; c < 32; ++c) bytes += static_cast<char>(Pattern(n, ch, r, c));
      }
    }
  }
  return bytes;
}

std::vector<double> CyclicSvhnLabels(int64_t n) {
  std::vector<double> labels(n);
  for (int64_t i = 0; i < n; ++i) labels[i] = i % 10 == 0 ? 10 : i % 10;
  return labels;
}

bool WriteSvhnMat(const std::string& path, int64_t count, const std::vector<double>& svhn_labels,
                  const MatSpec& spec) {
  std::filesystem::remove(path);
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, spec.version);
  if (mat == nullptr) return false;
  bool ok = true;
  if (spec.write_x) {
    std::vector<size_t> dims = spec.x_dims.empty() ? std::vector<size_t>{32, 32, 3, static_cast<size_t>(count)}
                                                   : spec.x_dims;
    size_t total = 1;
    for (size_t d : dims) total *= d;
    std::vector<uint8_t> x(total);
    // Column-major: X(r, c, ch, n) at r + 32*(c + 32*(ch + 3*n)).
    for (size_t i = 0; i < total; ++i) {
      const size_t r = i % 32, c = (i / 32) % 32, ch = (i / 1024) % 3, n = i / 3072;
      x[i] = Pattern(static_cast<int64_t>(n), static_cast<int>(ch), static_cast<int>(r), static_cast<int>(c));
    }
    std::vector<double> x_double(x.begin(), x.end());
    matvar_t* var = spec.x_class == MAT_C_DOUBLE
                        ? Mat_VarCreate("X", MAT_C_DOUBLE, MAT_T_DOUBLE, static_cast<int>(dims.size()), dims.data(),
                                        x_double.data(), 0)
                        : Mat_VarCreate("X", MAT_C_UINT8, MAT_T_UINT8, static_cast<int>(dims.size()), dims.data(),
                                        x.data(), 0);
    ok = ok && var != nullptr && Mat_VarWrite(mat, var, spec.compression) == 0;
    Mat_VarFree(var);
  }
  if (spec.write_y) {
    std::vector<size_t> dims = spec.y_dims.empty() ? std::vector<size_t>{svhn_labels.size(), 1} : spec.y_dims;
    std::vector<double> y_double = svhn_labels;
    std::vector<uint8_t> y_uint8(svhn_labels.begin(), svhn_labels.end());
    matvar_t* var = spec.y_class == MAT_C_UINT8
                        ? Mat_VarCreate("y", MAT_C_UINT8, MAT_T_UINT8, 2, dims.data(), y_uint8.data(), 0)
                        : Mat_VarCreate("y", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims.data(), y_double.data(), 0);
    ok = ok && var != nullptr && Mat_VarWrite(mat, var, spec.compression) == 0;
    Mat_VarFree(var);
  }
  Mat_Close(mat);
  return ok;
}

void MakeIdxDir(const std::string& dir, int64_t train, int64_t test, bool gzip) {
  auto write = [&](const std::string& name, const std::string& bytes) {
    if (gzip) {
      WriteGzip(dir + "/" + name + ".gz", bytes);
    } else {
      WriteBytes(dir + "/" + name, bytes);
    }
  };
  write("train-images-idx3-ubyte", IdxImagesBytes(train, 28, 28));
  write("train-labels-idx1-ubyte", IdxLabelsBytes(CyclicLabels(train)));
  write("t10k-images-idx3-ubyte", IdxImagesBytes(test, 28, 28));
  write("t10k-labels-idx1-ubyte", IdxLabelsBytes(CyclicLabels(test)));
}

void MakeCifarDir(const std::string& dir, int64_t per_batch, int64_t test) {
  std::filesystem::create_directories(dir);
  for (int b = 1; b <= 5; ++b) WriteBytes(dir + "/data_batch_" + std::to_string(b) + ".bin", CifarBytes(CyclicLabels(per_batch)));
  WriteBytes(dir + "/test_batch.bin", CifarBytes(CyclicLabels(test)));
}

void MakeSvhnDir(const std::string& dir, int64_t train, int64_t test, int64_t extra) {
  std::filesystem::create_directories(dir);
  WriteSvhnMat(dir + "/train_32x32.mat", train, CyclicSvhnLabels(train));
  WriteSvhnMat(dir + "/test_32x32.mat", test, CyclicSvhnLabels(test));
  if (extra > 0) WriteSvhnMat(dir + "/extra_32x32.mat", extra, CyclicSvhnLabels(extra));
}

}  // namespace rcdnn::data::testing
