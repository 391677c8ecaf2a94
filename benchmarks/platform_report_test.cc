#include "benchmarks/platform_report.h"

#include <cstdlib>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "results/store.h"

namespace rcdnn::benchmarks {
namespace {

LatencyStats Stats(double median, double p10, double p90) {
  LatencyStats s;
  s.samples = 10;
  s.median_us = median;
  s.p10_us = p10;
  s.p90_us = p90;
  return s;
}

IncrementTiming Timing(int number, int64_t macs, LatencyStats batch1, LatencyStats batched) {
  IncrementTiming t;
  t.increment.number = number;
  t.increment.label = std::to_string(number);
  t.increment.widths = {number * 5, number * 10};
  t.increment.head = number - 1;
  t.macs = macs;
  t.batch1 = batch1;
  t.batch = 8;
  t.batched = batched;
  return t;
}

// Increment 2 is slower than 3 at batch 1 (beyond the spreads) and slower
// than 4 within the spreads; batched latencies are in order.
NetworkTiming Inverted() {
  NetworkTiming network;
  network.network = "lenet";
  network.increments = {Timing(1, 100, Stats(10, 9, 11), Stats(80, 79, 81)),
                        Timing(2, 200, Stats(30, 29.5, 33), Stats(160, 158, 162)),
                        Timing(3, 300, Stats(25, 24, 26), Stats(240, 238, 242)),
                        Timing(4, 400, Stats(29, 28, 30), Stats(320, 318, 322))};
  return network;
}

PlatformRun SampleRun(bool energy) {
  PlatformRun run;
  run.method = "cpu";
  run.platform = {{"cpu_model", "Test CPU"}, {"kernel", "Linux 0.0"}};
  run.machine_summary = "1 logical cores, Linux 0.0";
  run.conditions = {{"load_average_before", "0.50 0.40 0.30"}};
  run.build_flags = "GCC test";
  run.energy_source = energy ? "RAPL package-0 (intel-rapl:0)" : "no RAPL package zones under /nowhere";
  run.energy_measured = energy;
  run.energy_key = "rapl";
  run.threads = 2;
  run.warmup = 1;
  run.repetitions = 10;
  run.batch = 8;
  run.networks = {Inverted()};
  if (energy) {
    for (IncrementTiming& t : run.networks[0].increments) t.energy_uj_per_image = 5.0 * t.increment.number;
  }
  run.weights = {"random (InitParams seed 1)"};
  return run;
}

TEST(FindInversionsTest, NarrowerSlowerThanWider) {
  const std::vector<Inversion> b1 = FindInversions(Inverted(), false);
  ASSERT_EQ(b1.size(), 2u);
  EXPECT_EQ(b1[0].narrow, 2);
  EXPECT_EQ(b1[0].wide, 3);
  EXPECT_TRUE(b1[0].beyond_spread);  // p10 29.5 > p90 26
  EXPECT_EQ(b1[1].narrow, 2);
  EXPECT_EQ(b1[1].wide, 4);
  EXPECT_FALSE(b1[1].beyond_spread);  // p10 29.5 <= p90 30
  EXPECT_TRUE(FindInversions(Inverted(), true).empty());
}

TEST(FindInversionsTest, EqualMacsOrEqualTimesAreNotInversions) {
  NetworkTiming network;
  network.network = "x";
  network.increments = {Timing(1, 100, Stats(10, 9, 11), Stats(1, 1, 1)),
                        Timing(2, 100, Stats(12, 9, 13), Stats(1, 1, 1)),   // same MACs, slower: no
                        Timing(3, 200, Stats(12, 11, 13), Stats(1, 1, 1))};  // equal median to 2: no
  EXPECT_TRUE(FindInversions(network, false).empty());
}

TEST(PrintReportTest, RatiosFlagsAndNotMeasured) {
  std::ostringstream out;
  PrintReport(SampleRun(false), out);
  const std::string text = out.str();
  EXPECT_NE(text.find("cpu_model: Test CPU"), std::string::npos) << text;
  EXPECT_NE(text.find("energy: NOT MEASURED (no RAPL package zones under /nowhere)"), std::string::npos) << text;
  EXPECT_NE(text.find("INVERSION (batch 1): increment 2 takes 30.00 us > increment 3 (wider) 25.00 us "
                      "[beyond the p10-p90 spreads]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("[within the p10-p90 spreads: may be noise]"), std::string::npos) << text;
  EXPECT_NE(text.find("INVERSION(b1)"), std::string::npos) << text;
  EXPECT_EQ(text.find("INVERSION(batch)"), std::string::npos) << text;
  // Increment 1: latency 10 / 29 = 0.345 next to MACs 100 / 400 = 0.250.
  const size_t row = text.find("\n  1 ");
  ASSERT_NE(row, std::string::npos) << text;
  const std::string line = text.substr(row + 1, text.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find("0.345"), std::string::npos) << line;
  EXPECT_NE(line.find("0.250"), std::string::npos) << line;
  EXPECT_NE(line.find("NOT MEASURED"), std::string::npos) << line;
}

std::map<std::string, double> ByNameAndKey(const std::vector<results::Metric>& metrics, int increment) {
  std::map<std::string, double> found;
  for (const results::Metric& m : metrics) {
    if (m.increment == increment) found[m.name + "|" + m.key] = m.value;
  }
  return found;
}

TEST(PlatformMetricsTest, NamesKeysAndUnits) {
  const std::vector<results::Metric> metrics = PlatformMetrics(SampleRun(false));
  // Per increment: latency_us x 3 stats x 2 batches, relative_latency x 2,
  // time_us x 2, relative_macs.
  EXPECT_EQ(metrics.size(), 4u * (6 + 2 + 2 + 1));
  for (const results::Metric& m : metrics) {
    EXPECT_EQ(m.method, "cpu");
    EXPECT_EQ(m.network, "lenet");
    EXPECT_TRUE(m.split.empty());
    EXPECT_NE(m.name, "energy_uj") << "energy written without a counter";
    if (m.name == "latency_us") {
      EXPECT_EQ(m.unit, "us");
    }
    if (m.name == "time_us") {
      EXPECT_EQ(m.unit, "us");
    }
    if (m.name == "relative_latency" || m.name == "relative_macs") {
      EXPECT_EQ(m.unit, "");
    }
  }
  const std::map<std::string, double> first = ByNameAndKey(metrics, 1);
  EXPECT_DOUBLE_EQ(first.at("latency_us|batch=1;stat=median"), 10);
  EXPECT_DOUBLE_EQ(first.at("latency_us|batch=1;stat=p10"), 9);
  EXPECT_DOUBLE_EQ(first.at("latency_us|batch=1;stat=p90"), 11);
  EXPECT_DOUBLE_EQ(first.at("latency_us|batch=8;stat=median"), 80);
  EXPECT_DOUBLE_EQ(first.at("relative_latency|batch=1"), 10.0 / 29.0);
  EXPECT_DOUBLE_EQ(first.at("relative_latency|batch=8"), 80.0 / 320.0);
  EXPECT_DOUBLE_EQ(first.at("relative_macs|"), 0.25);
  EXPECT_DOUBLE_EQ(first.at("time_us|total"), 10);
  EXPECT_DOUBLE_EQ(first.at("time_us|batch=8"), 80.0 / 8);
  for (const results::Metric& m : metrics) {
    if (m.increment == 1) {
      EXPECT_EQ(m.width, "5,10");
    }
  }
}

TEST(PlatformMetricsTest, EnergyOnlyWhenMeasured) {
  const std::map<std::string, double> third = ByNameAndKey(PlatformMetrics(SampleRun(true)), 3);
  EXPECT_DOUBLE_EQ(third.at("energy_uj|total"), 15);
}

TEST(PlatformRunInfoTest, CanonicalConfigWithThePlatform) {
  const results::RunInfo a = PlatformRunInfo(SampleRun(false), "//benchmarks:platforms", "paper");
  const results::RunInfo b = PlatformRunInfo(SampleRun(false), "//benchmarks:platforms", "paper");
  EXPECT_EQ(a.run_key, b.run_key);
  EXPECT_EQ(a.threads, 2);
  EXPECT_EQ(a.build_flags, "GCC test");
  EXPECT_NE(a.machine.find(" / 1 logical cores, Linux 0.0; load_average_before 0.50 0.40 0.30"), std::string::npos)
      << a.machine;
  EXPECT_EQ(a.config_json.find("load_average"), std::string::npos) << "conditions must not change the run key";
  EXPECT_NE(a.config_json.find("\"platform.cpu_model\":\"Test CPU\""), std::string::npos) << a.config_json;
  EXPECT_NE(a.config_json.find("\"energy_source\":\"NOT MEASURED: no RAPL"), std::string::npos) << a.config_json;
  EXPECT_LT(a.config_json.find("\"batch\""), a.config_json.find("\"threads\""));  // sorted keys
  PlatformRun other = SampleRun(false);
  other.threads = 1;
  EXPECT_NE(PlatformRunInfo(other, "//benchmarks:platforms", "paper").run_key, a.run_key);
}

TEST(WritePlatformRunTest, StoresTheMetrics) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/report_test.db";
  std::remove(path.c_str());
  const int64_t id = WritePlatformRun(path, SampleRun(true), "//benchmarks:test", "smoke");
  const results::Store store = results::Store::OpenReadOnly(path);
  results::MetricFilter filter;
  filter.run_id = id;
  EXPECT_EQ(store.QueryMetrics(filter).size(), PlatformMetrics(SampleRun(true)).size());
}

}  // namespace
}  // namespace rcdnn::benchmarks
