#include "accel_sim/buffer.h"

#include "common/error.h"

namespace rcdnn::accel {

void BufferStats::Add(const BufferStats& other, int64_t times) {
  read_accesses += other.read_accesses * times;
  write_accesses += other.write_accesses * times;
  read_bytes += other.read_bytes * times;
  write_bytes += other.write_bytes * times;
}

Buffer::Buffer(const BufferConfig& config) : config_(config) {
  if (config_.capacity_bytes <= 0 || config_.word_bytes <= 0 || config_.words_per_access <= 0) {
    throw Error("buffer " + config_.name + ": capacity, word size and port width must be positive");
  }
}

int64_t Buffer::AccessesFor(int64_t words) const {
  return (words + config_.words_per_access - 1) / config_.words_per_access;
}

void Buffer::Read(int64_t accesses, int64_t words) {
  stats_.read_accesses += accesses;
  stats_.read_bytes += words * config_.word_bytes;
}

void Buffer::Write(int64_t accesses, int64_t words) {
  stats_.write_accesses += accesses;
  stats_.write_bytes += words * config_.word_bytes;
}

}  // namespace rcdnn::accel
