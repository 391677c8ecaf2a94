#include "common/code_version.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <regex>
#include <string>

#include "common/error.h"
#include "common/sha256.h"

namespace rcdnn {
namespace {

TEST(CodeVersion, TheEnvironmentNamesTheVersionWhenSet) {
  setenv("RCDNN_CODE_VERSION", "abc123-dirty", 1);
  EXPECT_EQ(CodeVersion(), "abc123-dirty");
  unsetenv("RCDNN_CODE_VERSION");
}

TEST(CodeVersion, OtherwiseItIsTheDigestOfTheRunningExecutable) {
  for (const char* unset_or_empty : {"unset", ""}) {
    if (std::string(unset_or_empty) == "unset") {
      unsetenv("RCDNN_CODE_VERSION");
    } else {
      setenv("RCDNN_CODE_VERSION", unset_or_empty, 1);
    }
    const std::string version = CodeVersion();
    EXPECT_TRUE(std::regex_match(version, std::regex("exe-sha256:[0-9a-f]{16}"))) << version;
    EXPECT_EQ(version, "exe-sha256:" + Sha256OfFile("/proc/self/exe").substr(0, 16));
  }
  unsetenv("RCDNN_CODE_VERSION");
}

TEST(CodeVersion, DifferentExecutablesHaveDifferentVersions) {
  // Two different programs on every Linux machine.
  EXPECT_NE(ExecutableVersion("/proc/self/exe"), ExecutableVersion("/bin/sh"));
  EXPECT_EQ(ExecutableVersion("/bin/sh"), ExecutableVersion("/bin/sh"));
}

TEST(CodeVersion, AnUnreadableExecutableIsAnErrorNamingIt) {
  try {
    ExecutableVersion("/nonexistent/tool");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tool"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rcdnn
