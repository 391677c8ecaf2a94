// SHA-256 digests (OpenSSL's libcrypto) as lowercase hex, used for data-set
// content checksums, model-file integrity and run identities.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rcdnn {

// Incremental hashing: Update() any number of times, then HexDigest() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view text) { Update(text.data(), text.size()); }
  std::string HexDigest();

 private:
  struct State;
  State* state_;
};

std::string Sha256Hex(std::string_view bytes);

// Digest of a whole file; throws rcdnn::Error naming the file if unreadable.
std::string Sha256OfFile(const std::string& path);

}  // namespace rcdnn
