#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/sha256.h"

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
}  // namespace rcdnn
