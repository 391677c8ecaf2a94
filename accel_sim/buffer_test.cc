#include "accel_sim/buffer.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

TEST(Buffer, CapacityInWordsAndHalves) {
  const Buffer sb(BufferConfig{"Sb", 81920, 4, 256});
  EXPECT_EQ(sb.CapacityWords(), 20480);
  EXPECT_EQ(sb.HalfCapacityWords(), 10240);
  const Buffer sb16(BufferConfig{"Sb", 40960, 2, 256});
  EXPECT_EQ(sb16.CapacityWords(), 20480);  // same words, half the bytes
}

TEST(Buffer, CountsAccessesAndBytes) {
  Buffer bin(BufferConfig{"Bin", 5120, 4, 16});
  EXPECT_EQ(bin.AccessesFor(0), 0);
  EXPECT_EQ(bin.AccessesFor(16), 1);
  EXPECT_EQ(bin.AccessesFor(17), 2);  // a tail costs a whole access
  bin.WriteWords(17);
  bin.Read(3, 40);
  EXPECT_EQ(bin.stats().write_accesses, 2);
  EXPECT_EQ(bin.stats().write_bytes, 68);
  EXPECT_EQ(bin.stats().read_accesses, 3);
  EXPECT_EQ(bin.stats().read_bytes, 160);
  BufferStats twice;
  twice.Add(bin.stats(), 2);
  EXPECT_EQ(twice.read_bytes, 320);
  bin.ResetStats();
  EXPECT_EQ(bin.stats().read_accesses, 0);
}

TEST(Buffer, RejectsNonsenseConfig) {
  EXPECT_THROW(Buffer(BufferConfig{"Bout", 0, 4, 16}), Error);
  EXPECT_THROW(Buffer(BufferConfig{"Bout", 5120, 4, 0}), Error);
}

}  // namespace
}  // namespace rcdnn::accel
