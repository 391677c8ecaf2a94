// The precision_search binary on bad input: one clear line, a non-zero exit,
// no store written.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

std::string TempDir() { return std::getenv("TEST_TMPDIR"); }

struct Outcome {
  int code = -1;
  std::string stderr_text;
};

Outcome RunTool(const std::string& args) {
  const std::string err = TempDir() + "/stderr.txt";
  const int status = std::system(("models/precision/precision_search " + args + " >/dev/null 2>" + err).c_str());
  std::ifstream in(err);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1,
          std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())};
}

TEST(PrecisionSearchMain, HelpListsTheFlags) {
  const Outcome o = RunTool("--help");
  EXPECT_EQ(o.code, 0);
}

TEST(PrecisionSearchMain, BadFlagsGiveClearErrors) {
  const std::string db = TempDir() + "/out.db";
  const std::string base = "--spec models/spec/lenet.net --db " + db + " ";
  Outcome o = RunTool(base + "--model x.model --no-such-flag");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.stderr_text.find("no-such-flag"), std::string::npos) << o.stderr_text;
  o = RunTool(base);  // --model missing
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.stderr_text.find("model"), std::string::npos) << o.stderr_text;
  o = RunTool(base + "--model x.model --candidate-bits 4,x");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.stderr_text.find("--candidate-bits: 'x' in '4,x' is not an integer"), std::string::npos) << o.stderr_text;
  o = RunTool(base + "--model x.model --uniform-formats '<16;10>'");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.stderr_text.find("--uniform-formats"), std::string::npos) << o.stderr_text;
  o = RunTool(base + "--model x.model --profile huge");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.stderr_text.find("unknown profile 'huge'"), std::string::npos) << o.stderr_text;
  o = RunTool(base + "--model /nonexistent/x.model");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.stderr_text.find("x.model"), std::string::npos) << o.stderr_text;
  o = RunTool(base + "--model x.model --threads 0");
  EXPECT_EQ(o.code, 1);
  EXPECT_FALSE(std::filesystem::exists(db));
}

}  // namespace
