// A fixed pool of worker threads, created once, that runs task(0..count-1)
// and waits for all of them. The calling thread runs task 0, so a pool of
// `threads` has threads - 1 workers. Who runs a task never changes what it
// computes: the engine splits work by task index only, so results depend on
// the task count, not on scheduling.
//
// Thread-safe: when another caller is already using the pool, Run executes
// the tasks one after another on the calling thread instead of waiting.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rcdnn::models {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(i) for i in [0, count) and returns when all are done; count may
  // exceed threads() (tasks are then dealt round-robin). Rethrows an
  // exception a task threw (the first thread's, in thread order). Does not
  // allocate.
  template <typename Task>
  void Run(int count, Task& task) {
    RunErased(count, &task, [](void* context, int index) { (*static_cast<Task*>(context))(index); });
  }

 private:
  using Invoke = void (*)(void*, int);
  void RunErased(int count, void* context, Invoke invoke);
  void WorkerLoop(int worker);
  void RunShare(int share);  // tasks share, share + threads(), ... ; records exceptions

  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // held by the caller using the workers

  // Waiting: a worker that finished a round, and a caller waiting for its
  // workers, poll for up to kSpinNanoseconds before sleeping on a condition
  // variable. The forward of one image runs a parallel region per big layer,
  // tens of microseconds apart; waking a sleeping thread costs about as much
  // as such a region, polling costs nothing while it lasts.
  static constexpr int64_t kSpinNanoseconds = 50000;
  // Polls `done` until it returns true or the spin time is up; returns its last value.
  template <typename Done>
  static bool Spin(Done done);

  std::mutex mutex_;
  std::condition_variable start_, done_;
  std::atomic<uint64_t> generation_{0};  // written under mutex_, polled without it
  std::atomic<int> pending_{0};
  bool stop_ = false;
  int count_ = 0;
  void* context_ = nullptr;
  Invoke invoke_ = nullptr;
  std::vector<std::exception_ptr> errors_;  // one per share
};

}  // namespace rcdnn::models
