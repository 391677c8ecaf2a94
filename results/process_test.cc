// Several processes and a killed process against one database file. The
// parent never holds a connection across fork(): children open their own.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "results/store.h"
#include "results/test_util.h"

namespace rcdnn::results {
namespace {

using testing::FreshPath;
using testing::SampleMetrics;
using testing::SampleRun;

off_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

// Forks a child that runs body and exits 0, or 1 after printing the error.
template <typename F>
pid_t ForkChild(F&& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    try {
      body();
      _exit(0);
    } catch (const std::exception& e) {
      std::cerr << "child " << getpid() << ": " << e.what() << std::endl;
      _exit(1);
    }
  }
  return pid;
}

// The child writes one run with many metrics; once its uncommitted pages
// spill into the WAL file (the transaction is then well under way) the
// parent SIGKILLs it. The run must be absent and the database intact.
TEST(Process, WriterKilledMidTransactionLeavesNoTrace) {
  const std::string path = FreshPath("killed.db");
  { Store::Open(path).WriteRun(SampleRun("//a:before"), SampleMetrics(3), {}); }
  const RunInfo doomed = SampleRun("//a:doomed");

  const pid_t child = ForkChild([&] {
    std::vector<Metric> metrics = SampleMetrics(200000);
    Store store = Store::Open(path);
    store.WriteRun(doomed, metrics, {});
  });
  ASSERT_GT(child, 0);

  bool killed = false;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (FileSize(path + "-wal") > (1 << 20)) {
      kill(child, SIGKILL);
      killed = true;
      break;
    }
    if (waitpid(child, &status, WNOHANG) == child) break;  // finished too soon
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  if (killed) waitpid(child, &status, 0);
  ASSERT_TRUE(killed) << "the child ended (status " << status
                      << ") before its transaction spilled into the WAL file";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  Store store = Store::Open(path);
  EXPECT_FALSE(store.FindRun(doomed.run_key).has_value());
  ASSERT_EQ(store.ListRuns().size(), 1u);
  EXPECT_EQ(store.ListRuns()[0].info.target, "//a:before");
  EXPECT_EQ(store.QueryMetrics({}).size(), 3u);

  Database raw = Database::Open(path, SQLITE_OPEN_READONLY, 1000);
  Statement check(raw, "PRAGMA integrity_check");
  ASSERT_TRUE(check.Step());
  EXPECT_EQ(check.Text(0), "ok");

  store.WriteRun(doomed, SampleMetrics(2), {});  // the file takes new writes
  EXPECT_TRUE(store.FindRun(doomed.run_key).has_value());
}

// Two processes create the same new file and write 200 runs each at once.
TEST(Process, TwoConcurrentWritersBothLand) {
  const std::string path = FreshPath("concurrent.db");
  constexpr int kRunsEach = 200;
  int gate[2];
  ASSERT_EQ(pipe(gate), 0);

  std::vector<pid_t> children;
  for (int writer = 0; writer < 2; ++writer) {
    children.push_back(ForkChild([&, writer] {
      close(gate[1]);
      char byte;
      if (read(gate[0], &byte, 1) < 0) throw std::runtime_error("gate");  // wait for the start
      Store store = Store::Open(path);
      for (int i = 0; i < kRunsEach; ++i) {
        const std::string target = "//w" + std::to_string(writer) + ":run" + std::to_string(i);
        store.WriteRun(SampleRun(target), SampleMetrics(5), {});
      }
    }));
    ASSERT_GT(children.back(), 0);
  }
  close(gate[0]);
  close(gate[1]);  // both children start now

  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  Store store = Store::Open(path);
  EXPECT_EQ(store.ListRuns().size(), 2u * kRunsEach);
  EXPECT_EQ(store.QueryMetrics({}).size(), 2u * kRunsEach * 5);
}

}  // namespace
}  // namespace rcdnn::results
