#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/parse_number.h"
#include "common/sha256.h"
#include "common/user_input.h"

namespace rcdnn {
namespace {

TEST(Sha256, KnownVectors) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  Sha256 hasher;
  hasher.Update("a");
  hasher.Update("bc");
  EXPECT_EQ(hasher.HexDigest(), Sha256Hex("abc"));
}

TEST(AtomicFile, WritesAndReplaces) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/f.bin";
  WriteFileAtomically(path, "first");
  WriteFileAtomically(path, "second");
  EXPECT_EQ(ReadFileToString(path), "second");
  EXPECT_EQ(Sha256OfFile(path), Sha256Hex("second"));
}

TEST(AtomicFile, UnwritableDirectoryIsAClearError) {
  try {
    WriteFileAtomically("/nonexistent-dir/x.bin", "bytes");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.bin"), std::string::npos);
  }
}

TEST(AtomicFile, MissingFileNamesThePath) {
  EXPECT_THROW(ReadFileToString("/no/such/file"), Error);
}

}  // namespace
TEST(ParseNumber, AllOfTheTextOrNothing) {
  EXPECT_EQ(ParseWholeDouble("0.25"), 0.25);
  EXPECT_EQ(ParseWholeDouble("-1e3"), -1000.0);
  EXPECT_EQ(ParseWholeDouble("3x"), std::nullopt);  // std::stod alone would give 3
  EXPECT_EQ(ParseWholeDouble(""), std::nullopt);
  EXPECT_EQ(ParseWholeDouble("abc"), std::nullopt);
  EXPECT_EQ(ParseWholeDouble("1e999"), std::nullopt);  // out of range
  EXPECT_EQ(ParseWholeInt("42"), 42);
  EXPECT_EQ(ParseWholeInt("4.5"), std::nullopt);
  EXPECT_EQ(ParseWholeInt("3000000000"), std::nullopt);  // beyond int
  EXPECT_EQ(ParseWholeInt64("3000000000"), int64_t{3000000000});
  EXPECT_EQ(ParseWholeInt64("12 "), std::nullopt);
}

TEST(UserInput, RelativePathsResolveWhereBazelRunWasTyped) {
  ::unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(ResolveUserPath("a/b.db"), "a/b.db");
  ::setenv("BUILD_WORKING_DIRECTORY", "/home/me/checkout", 1);
  EXPECT_EQ(ResolveUserPath("a/b.db"), "/home/me/checkout/a/b.db");
  EXPECT_EQ(ResolveUserPath("/abs/b.db"), "/abs/b.db");
  EXPECT_EQ(ResolveUserPath(""), "");
  EXPECT_EQ(ResolveUserPaths({"x", "/y"}), (std::vector<std::string>{"/home/me/checkout/x", "/y"}));
  ::unsetenv("BUILD_WORKING_DIRECTORY");
}

TEST(UserInput, FractionListsAreCheckedItemByItem) {
  EXPECT_EQ(ParseFractions("0.25,0.5,1", "fractions"), (std::vector<double>{0.25, 0.5, 1.0}));
  for (const char* bad : {"", "0,0.5", "0.5,1.5", "0.5x", "half"}) {
    try {
      ParseFractions(bad, "levels");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--levels"), std::string::npos) << e.what();
    }
  }
}

}  // namespace rcdnn
