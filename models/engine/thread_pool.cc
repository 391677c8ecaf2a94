#include "models/engine/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <string>

#include <immintrin.h>  // _mm_pause

#include "common/error.h"

namespace rcdnn::models {

template <typename Done>
bool ThreadPool::Spin(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(kSpinNanoseconds);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      _mm_pause();
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

ThreadPool::ThreadPool(int threads) {
  if (threads < 1 || threads > 1024) {
    throw Error("engine: threads is " + std::to_string(threads) + ", must be between 1 and 1024");
  }
  errors_.resize(threads);
  for (int w = 1; w < threads; ++w) workers_.emplace_back([this, w] { WorkerLoop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::RunShare(int share) {
  try {
    for (int i = share; i < count_; i += threads()) invoke_(context_, i);
  } catch (...) {
    errors_[share] = std::current_exception();
  }
}

void ThreadPool::RunErased(int count, void* context, Invoke invoke) {
  if (count <= 0) return;
  // One task runs on the caller without taking the pool, which stays free
  // for a Run nested in that task (one image's layers split over threads).
  if (count == 1 || workers_.empty()) {
    for (int i = 0; i < count; ++i) invoke(context, i);
    return;
  }
  std::unique_lock<std::mutex> run_lock(run_mutex_, std::try_to_lock);
  if (!run_lock.owns_lock()) {
    for (int i = 0; i < count; ++i) invoke(context, i);
    return;
  }
  const int active_workers = std::min(count, threads()) - 1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    count_ = count;
    context_ = context;
    invoke_ = invoke;
    pending_ = active_workers;
    for (std::exception_ptr& error : errors_) error = nullptr;
    ++generation_;
  }
  start_.notify_all();
  RunShare(0);
  auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
  if (!Spin(finished)) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, finished);
  }
  for (const std::exception_ptr& error : errors_) {
    if (error) std::rethrow_exception(error);
  }
}

void ThreadPool::WorkerLoop(int worker) {
  uint64_t seen = 0;
  for (;;) {
    Spin([&] { return generation_.load(std::memory_order_acquire) != seen; });
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (worker >= count_) continue;  // not needed this round
    }
    RunShare(worker);
    bool last;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last = --pending_ == 0;
    }
    if (last) done_.notify_one();
  }
}

}  // namespace rcdnn::models
