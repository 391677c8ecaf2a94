#include "models/data/svhn_reader.h"

#include <matio.h>
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>

#include "common/error.h"
#include "common/sha256.h"

namespace rcdnn::data {
namespace {

// libmatio keeps global state (its logger) and is not documented as thread
// safe, so every use goes through this lock. Its log lines are kept (not
// printed) and the last one is added to our error message.
std::mutex matio_mutex;
std::string matio_last_message;

void KeepMatioMessage(int /*log_level*/, char* message) { matio_last_message = message ? message : ""; }

std::string MatioReason() {
  return matio_last_message.empty() ? std::string() : " (libmatio: " + matio_last_message + ")";
}

struct MatCloser {
  void operator()(mat_t* mat) const { Mat_Close(mat); }
};
struct VarFreer {
  void operator()(matvar_t* var) const { Mat_VarFree(var); }
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFreer>;

std::string Dims(const matvar_t& var) {
  std::string text;
  for (int i = 0; i < var.rank; ++i) text += (i ? "x" : "") + std::to_string(var.dims[i]);
  return text.empty() ? "(no dimensions)" : text;
}

// Element i of a real numeric array as a double; NaN for classes we do not read.
double NumericAt(const matvar_t& var, size_t i) {
  switch (var.class_type) {
    case MAT_C_DOUBLE: return static_cast<const double*>(var.data)[i];
    case MAT_C_SINGLE: return static_cast<const float*>(var.data)[i];
    case MAT_C_INT8: return static_cast<const int8_t*>(var.data)[i];
    case MAT_C_UINT8: return static_cast<const uint8_t*>(var.data)[i];
    case MAT_C_INT16: return static_cast<const int16_t*>(var.data)[i];
    case MAT_C_UINT16: return static_cast<const uint16_t*>(var.data)[i];
    case MAT_C_INT32: return static_cast<const int32_t*>(var.data)[i];
    case MAT_C_UINT32: return static_cast<const uint32_t*>(var.data)[i];
    case MAT_C_INT64: return static_cast<double>(static_cast<const int64_t*>(var.data)[i]);
    case MAT_C_UINT64: return static_cast<double>(static_cast<const uint64_t*>(var.data)[i]);
    default: return NAN;
  }
}

bool IsRealNumeric(const matvar_t& var) {
  switch (var.class_type) {
    case MAT_C_DOUBLE: case MAT_C_SINGLE: case MAT_C_INT8: case MAT_C_UINT8: case MAT_C_INT16:
    case MAT_C_UINT16: case MAT_C_INT32: case MAT_C_UINT32: case MAT_C_INT64: case MAT_C_UINT64:
      return !var.isComplex && var.data_size == static_cast<int>(Mat_SizeOfClass(var.class_type));
    default: return false;
  }
}

}  // namespace

RawImages ReadSvhnMat(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) throw Error("cannot open SVHN file '" + path + "': " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) throw Error("SVHN file '" + path + "' is not a regular file");
  // A MAT file compresses at most about 1032:1 (zlib's limit), so no variable
  // can honestly hold more bytes than this; checked before libmatio allocates.
  const double max_bytes = 1100.0 * static_cast<double>(info.st_size) + 4096.0;

  std::lock_guard<std::mutex> lock(matio_mutex);
  static const int logger = Mat_LogInitFunc("rcdnn", &KeepMatioMessage);
  (void)logger;
  matio_last_message.clear();

  MatFile mat(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
  if (!mat) throw Error("'" + path + "' is not a MATLAB .mat file that libmatio can read" + MatioReason());

  MatVar x_info(Mat_VarReadInfo(mat.get(), "X"));
  if (!x_info) throw Error("SVHN file '" + path + "' has no variable 'X' (the 32x32x3xN images)" + MatioReason());
  const bool x_shape_ok = x_info->dims != nullptr &&
                          (x_info->rank == 4 || x_info->rank == 3) && x_info->dims[0] == 32 &&
                          x_info->dims[1] == 32 && x_info->dims[2] == 3 &&
                          (x_info->rank == 3 || x_info->dims[3] >= 1);
  if (x_info->class_type != MAT_C_UINT8 || x_info->isComplex || !x_shape_ok) {
    throw Error("SVHN file '" + path + "' has X of shape " + Dims(*x_info) +
                (x_info->class_type != MAT_C_UINT8 || x_info->isComplex ? " and a class other than real uint8" : "") +
                "; expected a real uint8 array 32x32x3xN");
  }
  const size_t count = x_info->rank == 4 ? x_info->dims[3] : 1;
  const size_t image_bytes = 32 * 32 * 3;
  if (static_cast<double>(count) * image_bytes > max_bytes) {
    throw Error("SVHN file '" + path + "' claims " + std::to_string(count) + " images in X, more than its " +
                std::to_string(info.st_size) + " bytes can hold; the file is corrupt");
  }

  MatVar y_info(Mat_VarReadInfo(mat.get(), "y"));
  if (!y_info) throw Error("SVHN file '" + path + "' has no variable 'y' (the N labels)" + MatioReason());
  const bool y_shape_ok = y_info->dims != nullptr && y_info->rank == 2 &&
                          ((y_info->dims[0] == count && y_info->dims[1] == 1) ||
                           (y_info->dims[0] == 1 && y_info->dims[1] == count));
  if (!y_shape_ok) {
    throw Error("SVHN file '" + path + "' has y of shape " + Dims(*y_info) + " but X holds " +
                std::to_string(count) + " images; expected y to be " + std::to_string(count) + "x1");
  }

  MatVar x(Mat_VarRead(mat.get(), "X"));
  if (!x || x->data == nullptr || x->class_type != MAT_C_UINT8 || x->data_size != 1 ||
      x->nbytes < count * image_bytes) {
    throw Error("SVHN file '" + path + "': cannot read the data of X (corrupt or truncated file)" + MatioReason());
  }
  MatVar y(Mat_VarRead(mat.get(), "y"));
  if (!y || y->data == nullptr || !IsRealNumeric(*y) ||
      y->nbytes < count * static_cast<size_t>(y->data_size)) {
    throw Error("SVHN file '" + path + "': cannot read y as a real numeric array (corrupt file or wrong class)" +
                MatioReason());
  }

  RawImages raw;
  raw.channels = 3;
  raw.height = 32;
  raw.width = 32;
  raw.labels.resize(count);
  for (size_t n = 0; n < count; ++n) {
    const double label = NumericAt(*y, n);
    if (!(label >= 1 && label <= 10) || label != std::floor(label)) {
      throw Error("SVHN file '" + path + "' has label " + std::to_string(label) + " at item " + std::to_string(n) +
                  "; SVHN labels must be integers 1..10 (10 is digit 0)");
    }
    raw.labels[n] = static_cast<uint8_t>(static_cast<int>(label) % 10);
  }
  // X(r, c, ch, n) lives at r + 32*(c + 32*(ch + 3*n)) (column-major); NCHW
  // puts it at c + 32*(r + 32*(ch + 3*n)): each 32x32 plane is transposed.
  raw.pixels.resize(count * image_bytes);
  const auto* source = static_cast<const uint8_t*>(x->data);
  for (size_t plane = 0; plane < count * 3; ++plane) {
    const uint8_t* in = source + plane * 1024;
    uint8_t* out = raw.pixels.data() + plane * 1024;
    for (int r = 0; r < 32; ++r) {
      for (int c = 0; c < 32; ++c) out[r * 32 + c] = in[c * 32 + r];
    }
  }
  raw.sources = {{path.substr(path.find_last_of('/') + 1), Sha256OfFile(path)}};
  return raw;
}

}  // namespace rcdnn::data
