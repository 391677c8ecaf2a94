// A progress line on stderr for long runs: "<label> 1200/6000 (20%) 850.3/s, 6s left".
// Redrawn in place at most every `min_interval_s` seconds; silent when
// total is zero. Holds no locks: call Advance() from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rcdnn {

class ProgressLine {
 public:
  ProgressLine(std::string label, int64_t total, std::string unit = "items", double min_interval_s = 1.0);
  ~ProgressLine();  // Calls Finish() if not yet done.
  void Advance(int64_t count = 1);
  void Finish();

 private:
  void Draw(bool final_line);

  std::string label_;
  std::string unit_;
  int64_t total_;
  int64_t done_ = 0;
  double min_interval_s_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace rcdnn
