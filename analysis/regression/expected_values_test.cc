#include <gtest/gtest.h>

#include <cstdlib>

#include "analysis/regression/expected_values.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::analysis {
namespace {

std::string Temp(const std::string& name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

results::Store StoreWithAccuracy(const std::string& path, double accuracy) {
  results::Store store = results::Store::Open(path);
  results::RunInfo info;
  info.run_key = "k";
  info.dataset_name = "fashion_mnist";
  store.WriteRun(info,
                 {{"accuracy", "lenet", "5,13,125", "golden", "test", "", 1, accuracy, ""},
                  {"images", "lenet", "5,13,125", "golden", "test", "", 1, 2000, ""},
                  {"not_checked", "lenet", "5,13,125", "golden", "test", "", 1, 7, ""}},
                 {});
  return store;
}

TEST(ExpectedValues, RoundTripAndPass) {
  results::Store store = StoreWithAccuracy(Temp("a.db"), 0.70);
  const auto actual = CollectActual(store);
  ASSERT_EQ(actual.size(), 2u);  // not_checked is not a regression metric
  WriteFileAtomically(Temp("e.csv"), FormatExpected(actual));
  const auto expected = ReadExpected(Temp("e.csv"));
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected[0].width, "5,13,125");
  const Comparison c = Compare(expected, actual);
  EXPECT_EQ(c.checked, 2);
  EXPECT_TRUE(c.failures.empty());
}

TEST(ExpectedValues, KeysWithCommasRoundTrip) {
  results::Store store = results::Store::Open(Temp("k.db"));
  results::RunInfo info;
  info.run_key = "k";
  info.dataset_name = "mnist";
  store.WriteRun(info, {{"fixed_point_accuracy_drop_pct", "lenet", "5,13,125", "fixed16_10", "test", "format=<16,10>", 1,
                         0.5, "%"}},
                 {});
  const auto actual = CollectActual(store);
  ASSERT_EQ(actual.size(), 1u);
  WriteFileAtomically(Temp("k.csv"), FormatExpected(actual));
  const auto expected = ReadExpected(Temp("k.csv"));
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_EQ(expected[0].key, "format=<16,10>");
  EXPECT_EQ(expected[0].tolerance, 1.5);
  EXPECT_EQ(Compare(expected, actual).checked, 1);
}

TEST(ExpectedValues, DriftIsNamed) {
  const auto expected = CollectActual(StoreWithAccuracy(Temp("b.db"), 0.70));
  const auto drifted = CollectActual(StoreWithAccuracy(Temp("c.db"), 0.60));
  const Comparison c = Compare(expected, drifted);
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_NE(c.failures[0].find("accuracy of lenet (fashion_mnist) method=golden width=5,13,125"), std::string::npos)
      << c.failures[0];
  // Within the accuracy band (0.03): passes.
  EXPECT_TRUE(Compare(expected, CollectActual(StoreWithAccuracy(Temp("d.db"), 0.72))).failures.empty());
}

TEST(ExpectedValues, MissingNumberAndUnavailableDataset) {
  auto expected = CollectActual(StoreWithAccuracy(Temp("f.db"), 0.70));
  auto actual = expected;
  actual.pop_back();
  EXPECT_EQ(Compare(expected, actual).failures.size(), 1u);
  for (auto& v : expected) v.dataset = "cifar10";
  const Comparison c = Compare(expected, actual);
  EXPECT_EQ(c.checked, 0);
  EXPECT_EQ(c.skipped_datasets, std::vector<std::string>{"cifar10"});
}

TEST(ExpectedValues, MalformedFileNamesTheLine) {
  WriteFileAtomically(Temp("bad.csv"), "dataset,network,name,method,width,increment,split,key,value,tolerance\na,b\n");
  try {
    ReadExpected(Temp("bad.csv"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2:"), std::string::npos);
  }
  WriteFileAtomically(Temp("noheader.csv"), "x\n");
  EXPECT_THROW(ReadExpected(Temp("noheader.csv")), Error);
}

}  // namespace
}  // namespace rcdnn::analysis
