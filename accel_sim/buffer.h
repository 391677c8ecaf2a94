// An on-chip SRAM buffer of the tile (DianNao's NBin, SB, NBout; the paper's
// Bin, Sb, Bout). It holds no data: the simulator keeps values in plain
// arrays and the buffer counts what the hardware would do with them.
//
// Contract: one access moves up to `words_per_access` words through the
// buffer's port (Sb: one 16 x 16 synapse row per cycle; Bin and Bout: 16
// words). Read/Write take the number of port accesses and the words they
// carried; the simulator decides both (a tail access carries fewer words but
// costs a full access). Energy is priced per access in energy.cc.
#pragma once

#include <cstdint>
#include <string>

namespace rcdnn::accel {

struct BufferConfig {
  std::string name;            // "Sb", "Bin", "Bout"
  int64_t capacity_bytes = 0;  // from the technology file
  int word_bytes = 4;          // datapath word (4 for 32-bit formats, 2 for 16-bit)
  int words_per_access = 16;   // port width in words
};

struct BufferStats {
  int64_t read_accesses = 0;
  int64_t write_accesses = 0;
  int64_t read_bytes = 0;
  int64_t write_bytes = 0;
  void Add(const BufferStats& other, int64_t times = 1);
};

class Buffer {
 public:
  explicit Buffer(const BufferConfig& config);

  const BufferConfig& config() const { return config_; }
  int64_t CapacityWords() const { return config_.capacity_bytes / config_.word_bytes; }
  // Capacity left for one tile when the buffer is double buffered (one half
  // fills from DRAM while the NFU reads the other).
  int64_t HalfCapacityWords() const { return CapacityWords() / 2; }
  // Port accesses needed to move `words` words in bulk (DRAM fills, drains).
  int64_t AccessesFor(int64_t words) const;

  void Read(int64_t accesses, int64_t words);
  void Write(int64_t accesses, int64_t words);
  // Bulk transfers through the port: ceil(words / words_per_access) accesses.
  void ReadWords(int64_t words) { Read(AccessesFor(words), words); }
  void WriteWords(int64_t words) { Write(AccessesFor(words), words); }

  const BufferStats& stats() const { return stats_; }
  void ResetStats() { stats_ = BufferStats(); }

 private:
  BufferConfig config_;
  BufferStats stats_;
};

}  // namespace rcdnn::accel
