#include "accel_sim/tech_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* kTech32 = "accel_sim/tech/fixed32_16.tech";

// Replaces the first line starting with `key =` by `line` ("" deletes it).
std::string Edit(const std::string& text, const std::string& key, const std::string& line) {
  std::istringstream in(text);
  std::string out, raw;
  bool done = false;
  while (std::getline(in, raw)) {
    if (!done && raw.rfind(key + " ", 0) == 0) {
      done = true;
      if (!line.empty()) out += line + "\n";
      continue;
    }
    out += raw + "\n";
  }
  EXPECT_TRUE(done) << key;
  return out;
}

// Parsing must fail with a message naming the parameter and the file.
void ExpectError(const std::string& text, const std::string& parameter) {
  try {
    ParseTechConfig(text, "edited.tech");
    FAIL() << "no error for " << parameter;
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(parameter), std::string::npos) << message;
    EXPECT_NE(message.find("edited.tech"), std::string::npos) << message;
  }
}

TEST(TechConfig, LoadsThePaperConfigurations) {
  const TechConfig t32 = LoadTechConfig(kTech32);
  EXPECT_EQ(t32.name, "fixed32_16");
  EXPECT_EQ(t32.arithmetic, Arithmetic::kFixed);
  EXPECT_EQ(t32.format, (FixedPointFormat{32, 16}));
  EXPECT_DOUBLE_EQ(t32.clock_period_ns, 3.99);
  EXPECT_NEAR(t32.ClockMhz(), 250.6, 0.05);
  EXPECT_DOUBLE_EQ(t32.power.sb_mw, 979.96);
  EXPECT_DOUBLE_EQ(t32.power.total_mw, 1213.4);
  EXPECT_EQ(t32.sb.capacity_bytes + t32.bin.capacity_bytes + t32.bout.capacity_bytes, 90 * 1024);
  EXPECT_EQ(t32.sb.words_per_access, 256);
  EXPECT_EQ(t32.bin.words_per_access, 16);
  EXPECT_DOUBLE_EQ(t32.dram.peak_bandwidth_gb_s, 12.8);
  EXPECT_DOUBLE_EQ(t32.margin.latency_ns, 12.0);
  // 496 ops x 250.6 MHz = 124 GOP/s, the paper's §5.1 figure.
  EXPECT_NEAR(496 * t32.ClockMhz() / 1000.0, 124.3, 0.1);

  const TechConfig t16 = LoadTechConfig("accel_sim/tech/fixed16_10.tech");
  EXPECT_EQ(t16.format, (FixedPointFormat{16, 10}));
  EXPECT_EQ(t16.WordBytes(), 2);
  EXPECT_EQ(t16.sb.capacity_bytes / t16.WordBytes(), t32.sb.capacity_bytes / t32.WordBytes());
  const TechConfig tf = LoadTechConfig("accel_sim/tech/float32.tech");
  EXPECT_EQ(tf.arithmetic, Arithmetic::kFloat32);
  EXPECT_DOUBLE_EQ(tf.power.total_mw, 1379.6);
}

TEST(TechConfig, KeepsTableTwoAreasAndEverySource) {
  const TechConfig t32 = LoadTechConfig(kTech32);
  EXPECT_DOUBLE_EQ(t32.area.sb_um2, 11369714);
  EXPECT_DOUBLE_EQ(t32.area.nfu_um2, 1275780);
  EXPECT_DOUBLE_EQ(t32.area.control_um2, 36187);
  EXPECT_DOUBLE_EQ(t32.area.total_um2, 14133270);
  // Every parameter line, in file order, with its source text.
  ASSERT_FALSE(t32.parameters.empty());
  EXPECT_EQ(t32.parameters.front().key, "name");
  EXPECT_EQ(t32.parameters.front().value, "fixed32_16");
  EXPECT_EQ(t32.parameters.front().source, "paper Table 1 row \"Fixed Point <32,16>\"");
  bool found = false;
  for (const TechParameter& p : t32.parameters) {
    EXPECT_FALSE(p.source.empty()) << p.key;
    EXPECT_GT(p.line, 0) << p.key;
    if (p.key == "sb_power_mw") {
      found = true;
      EXPECT_EQ(p.value, "979.96");
      EXPECT_EQ(p.source, "paper Table 2 \"Sb (Weights Buffer)\"");
    }
  }
  EXPECT_TRUE(found);
  for (const char* path : {"accel_sim/tech/fixed16_10.tech", "accel_sim/tech/float32.tech"}) {
    const TechConfig t = LoadTechConfig(path);
    const double blocks = t.area.sb_um2 + t.area.bin_um2 + t.area.bout_um2 + t.area.nfu_um2 + t.area.control_um2;
    EXPECT_NEAR(blocks / t.area.total_um2, 1.0, 0.01) << path;
  }
}

TEST(TechConfig, BadFilesNameTheParameterAndTheFile) {
  const std::string good = ReadFile(kTech32);
  ASSERT_NO_THROW(ParseTechConfig(good, "edited.tech"));
  // Missing.
  ExpectError(Edit(good, "sb_power_mw", ""), "sb_power_mw");
  ExpectError(Edit(good, "clock_period_ns", ""), "clock_period_ns");
  // Negative.
  ExpectError(Edit(good, "bin_power_mw", "bin_power_mw = -61.25  # source: test"), "bin_power_mw");
  ExpectError(Edit(good, "dram_energy_pj_per_bit", "dram_energy_pj_per_bit = -1  # source: test"),
              "dram_energy_pj_per_bit");
  // Zero or negative clock.
  ExpectError(Edit(good, "clock_period_ns", "clock_period_ns = 0  # source: test"), "clock_period_ns");
  ExpectError(Edit(good, "clock_period_ns", "clock_period_ns = -3.99  # source: test"), "clock_period_ns");
  // Inconsistent: the buffer split no longer sums to 90 KB.
  ExpectError(Edit(good, "sb_bytes", "sb_bytes = 65536  # source: test"), "total_buffer_bytes");
  // Inconsistent: a block power far from the total.
  ExpectError(Edit(good, "nfu_power_mw", "nfu_power_mw = 900  # source: test"), "total_power_mw");
  // Inconsistent: block areas far from the total area.
  ExpectError(Edit(good, "sb_area_um2", "sb_area_um2 = 1000  # source: test"), "total_area_um2");
  ExpectError(Edit(good, "total_area_um2", "total_area_um2 = 20000000  # source: test"), "total_area_um2");
  ExpectError(Edit(good, "nfu_area_um2", ""), "nfu_area_um2");
  // Inconsistent: fraction bits beyond the word.
  ExpectError(Edit(good, "frac_bits", "frac_bits = 32  # source: test"), "frac_bits");
  // Unknown, duplicated, unsourced, not a number.
  ExpectError(good + "sram_leakage_mw = 3  # source: test\n", "sram_leakage_mw");
  ExpectError(good + "bout_bytes = 5120  # source: test\n", "bout_bytes");
  ExpectError(Edit(good, "area_mm2", "area_mm2 = 14.13"), "area_mm2");
  ExpectError(Edit(good, "area_mm2", "area_mm2 = 14.13mm  # source: test"), "area_mm2");
  ExpectError(Edit(good, "arithmetic", "arithmetic = posit  # source: test"), "arithmetic");
}

TEST(TechConfig, FloatFileMayNotCarryFractionBits) {
  const std::string text = ReadFile("accel_sim/tech/float32.tech");
  ExpectError(text + "frac_bits = 16  # source: test\n", "frac_bits");
}

TEST(TechConfig, MissingFileIsAnError) {
  try {
    LoadTechConfig("accel_sim/tech/no_such.tech");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such.tech"), std::string::npos);
  }
}

TEST(TechConfig, ValidateChecksStructsBuiltInCode) {
  TechConfig tech = LoadTechConfig(kTech32);
  tech.dram.row_bytes = 100;  // not a multiple of the 64-byte burst
  EXPECT_THROW(Validate(tech), Error);
}

}  // namespace
}  // namespace rcdnn::accel
