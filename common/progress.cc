#include "common/progress.h"

#include <cstdio>

namespace rcdnn {

ProgressLine::ProgressLine(std::string label, int64_t total, std::string unit, double min_interval_s)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      min_interval_s_(min_interval_s),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressLine::~ProgressLine() { Finish(); }

void ProgressLine::Advance(int64_t count) {
  done_ += count;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_draw_).count() >= min_interval_s_) {
    last_draw_ = now;
    Draw(false);
  }
}

void ProgressLine::Finish() {
  if (finished_) return;
  finished_ = true;
  if (total_ > 0) Draw(true);
}

void ProgressLine::Draw(bool final_line) {
  if (total_ <= 0) return;
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed_s > 0 ? done_ / elapsed_s : 0.0;
  const double left_s = rate > 0 ? (total_ - done_) / rate : 0.0;
  std::fprintf(stderr, "\r%s %lld/%lld (%.0f%%) %.1f %s/s, %.0fs %s", label_.c_str(),
               static_cast<long long>(done_), static_cast<long long>(total_),
               100.0 * done_ / total_, rate, unit_.c_str(), final_line ? elapsed_s : left_s,
               final_line ? "total\n" : "left ");
  std::fflush(stderr);
}

}  // namespace rcdnn
