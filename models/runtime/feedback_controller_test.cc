#include "models/runtime/feedback_controller.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "models/runtime/test_util.h"

namespace rcdnn::models::runtime {
namespace {

using testing::ErrorOf;
using testing::MakeSet;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Four capacities costing 1, 2, 4, 8 per image; capacities 3 and 4 are right on every image,
// 1 and 2 on none. Budgets: 10 from image 0, 3 from image 3 (tighter), 100 from image 8
// (looser), 1.5 from image 12 (tighter), 16 images.
class ScriptedBudget : public ::testing::Test {
 protected:
  static constexpr int kImages = 16;
  PredictionSet wrong = MakeSet(std::vector<bool>(kImages, false), std::vector<double>(kImages, 0.5));
  PredictionSet right = MakeSet(std::vector<bool>(kImages, true), std::vector<double>(kImages, 0.5));
  std::vector<CapacityLevel> levels{{1, -1, &wrong}, {2, -1, &wrong}, {4, -1, &right}, {8, -1, &right}};
  std::vector<BudgetStep> schedule{{0, 10, kInf}, {3, 3, kInf}, {8, 100, kInf}, {12, 1.5, kInf}};

  static std::vector<int> Capacities(const ControllerRun& run) {
    std::vector<int> c;
    for (const ControllerStep& s : run.steps) c.push_back(s.capacity);
    return c;
  }
};

TEST_F(ScriptedBudget, AlgorithmTwoAsWrittenJumpsToMaxAndSettles) {
  // image 0-2: 8 <= 10, stay at 4. image 3: tighter, the last image used 8 > 3: down to 3 (4 > 3,
  // a violation). image 4: 4 > 3: down to 2. images 5-7: 2 <= 3, stay. image 8: looser: jump to 4.
  // image 12: tighter, 8 > 1.5: 3 (violation); 13: 2 (violation); 14: 1; 15: 1.
  const ControllerRun run = SimulateController(levels, schedule, LoosenPolicy::kJumpToMax, kImages);
  EXPECT_EQ(Capacities(run), (std::vector<int>{4, 4, 4, 3, 2, 2, 2, 2, 4, 4, 4, 4, 3, 2, 1, 1}));
  EXPECT_EQ(run.energy_violations, 3);
  EXPECT_EQ(run.violating_images, 3);
  EXPECT_EQ(run.delay_violations, 0);
  EXPECT_TRUE(run.steps[3].energy_violation);
  EXPECT_TRUE(run.steps[12].energy_violation);
  EXPECT_TRUE(run.steps[13].energy_violation);
  EXPECT_DOUBLE_EQ(run.accuracy, 9.0 / 16.0);  // capacities >= 3 on images 0-3 and 8-12
  EXPECT_DOUBLE_EQ(run.mean_energy, (3 * 8 + 4 + 4 * 2 + 4 * 8 + 4 + 2 + 1 + 1) / 16.0);
  EXPECT_LT(run.mean_delay, 0);  // no time in this cost model
  EXPECT_EQ(run.images_per_capacity, (std::vector<int64_t>{2, 5, 2, 7}));
  EXPECT_DOUBLE_EQ(run.steps[5].budget_energy, 3);
}

TEST_F(ScriptedBudget, StepUpVariantClimbsOneIncrement) {
  // Same until image 8, where the looser budget takes capacity 2 -> 3, and it stays there (no
  // rise without a budget change). image 12: 4 > 1.5: 2 (violation); 13: 1; then 1.
  const ControllerRun run = SimulateController(levels, schedule, LoosenPolicy::kStepUp, kImages);
  EXPECT_EQ(Capacities(run), (std::vector<int>{4, 4, 4, 3, 2, 2, 2, 2, 3, 3, 3, 3, 2, 1, 1, 1}));
  EXPECT_EQ(run.energy_violations, 2);
  EXPECT_DOUBLE_EQ(run.accuracy, 8.0 / 16.0);
}

TEST_F(ScriptedBudget, CapacityNeverGoesBelowOne) {
  const ControllerRun run = SimulateController(levels, {{0, 0.5, kInf}}, LoosenPolicy::kJumpToMax, 6);
  EXPECT_EQ(Capacities(run), (std::vector<int>{3, 2, 1, 1, 1, 1}));
  EXPECT_EQ(run.energy_violations, 6);  // even capacity 1 costs more than 0.5
}

TEST(FeedbackControllerTest, DelayBudgetsAreEnforcedToo) {
  const PredictionSet set = MakeSet(std::vector<bool>(4, true), std::vector<double>(4, 0.5));
  const std::vector<CapacityLevel> levels = {{1, 1, &set}, {1, 2, &set}, {1, 3, &set}, {1, 4, &set}};
  // Energy never binds; the delay budget falls from 10 to 2.5 at image 2.
  const ControllerRun run =
      SimulateController(levels, {{0, kInf, 10}, {2, kInf, 2.5}}, LoosenPolicy::kJumpToMax, 4);
  EXPECT_EQ(run.steps[1].capacity, 4);
  EXPECT_EQ(run.steps[2].capacity, 3);  // 3 > 2.5: a delay violation
  EXPECT_TRUE(run.steps[2].delay_violation);
  EXPECT_EQ(run.steps[3].capacity, 2);
  EXPECT_EQ(run.delay_violations, 1);
  EXPECT_DOUBLE_EQ(run.mean_delay, (4 + 4 + 3 + 2) / 4.0);
}

TEST(FeedbackControllerTest, SingleStepsOfAlgorithmTwo) {
  FeedbackController c(4, LoosenPolicy::kJumpToMax);
  EXPECT_EQ(c.Step(5, kInf, 8, 0), 3);  // first call: unchanged budget, over it: down
  EXPECT_EQ(c.Step(5, kInf, 4, 0), 3);  // within budget: stay
  EXPECT_EQ(c.Step(4, kInf, 4, 0), 3);  // tighter but not exceeded (4 > 4 is false): stay
  EXPECT_EQ(c.Step(9, kInf, 4, 0), 4);  // looser: MaxCapacity
  EXPECT_EQ(c.Step(9, 5, 8, 6), 3);     // delay budget appears (tighter), delay over: down
  EXPECT_THROW(FeedbackController(0, LoosenPolicy::kStepUp), Error);
}

TEST(FeedbackControllerTest, DelayBudgetWithoutTimeIsAnError) {
  const PredictionSet set = MakeSet({true}, {0.5});
  EXPECT_NE(ErrorOf([&] { SimulateController({{1, -1, &set}}, {{0, 1, 5}}, LoosenPolicy::kJumpToMax, 1); })
                .find("no time"),
            std::string::npos);
  EXPECT_THROW(SimulateController({{1, -1, &set}}, {{0, 1, kInf}}, LoosenPolicy::kJumpToMax, 2), Error);
  EXPECT_THROW(SimulateController({}, {{0, 1, kInf}}, LoosenPolicy::kJumpToMax, 1), Error);
}

TEST(BudgetScheduleTest, ReadsLinesWithOptionalHeader) {
  const std::vector<BudgetStep> s =
      ParseBudgetSchedule("from_image energy_uj delay_us\n0 343.39 inf  # full LeNet\n\n100\t17.48 20\n", "b.txt", 200);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].from_image, 100);
  EXPECT_DOUBLE_EQ(s[1].energy, 17.48);
  EXPECT_DOUBLE_EQ(s[1].delay, 20);
  EXPECT_TRUE(std::isinf(s[0].delay));
}

TEST(BudgetScheduleTest, BadFilesNameTheLine) {
  struct Case {
    std::string text, message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "b.txt is empty"},
           {"# nothing\n", "b.txt is empty"},
           {"0 10\n", "b.txt:1: expected 'from_image energy_uj delay_us'"},
           {"0 ten 5\n", "b.txt:1: energy_uj 'ten'"},
           {"0 10 nan\n", "b.txt:1: delay_us 'nan'"},
           {"0 0 5\n", "b.txt:1: energy budget 0 must be > 0"},
           {"0 10 -5\n", "b.txt:1: delay budget -5 must be > 0"},
           {"5 10 5\n", "b.txt:1: the first budget must start at image 0"},
           {"0 10 5\n\n0 5 5\n", "b.txt:3: from_image 0 does not increase"},
           {"0 10 5\n10 5 5\n", "b.txt:2: from_image 10 is out of range: the stream has 10 images"},
           {"0.5 10 5\n", "b.txt:1: from_image '0.5'"},
       }) {
    const std::string message = ErrorOf([&] { ParseBudgetSchedule(c.text, "b.txt", 10); });
    EXPECT_NE(message.find(c.message), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(TraceTest, CsvHasOneRowPerImageAndColumnsPerPolicy) {
  const PredictionSet set = MakeSet({true, false}, {0.5, 0.5});
  const std::vector<CapacityLevel> levels = {{1, 10, &set}, {2, 20, &set}};
  std::vector<ControllerRun> runs;
  for (LoosenPolicy p : {LoosenPolicy::kJumpToMax, LoosenPolicy::kStepUp}) {
    runs.push_back(SimulateController(levels, {{0, 1.5, kInf}}, p, 2));
  }
  EXPECT_EQ(ControllerTraceCsv(runs),
            "image,budget_energy,budget_delay,jump-to-max_capacity,jump-to-max_energy,jump-to-max_delay,"
            "jump-to-max_correct,jump-to-max_violation,step-up_capacity,step-up_energy,step-up_delay,"
            "step-up_correct,step-up_violation\n"
            "0,1.5,inf,1,1,10,1,0,1,1,10,1,0\n"
            "1,1.5,inf,1,1,10,0,0,1,1,10,0,0\n");
}

}  // namespace
}  // namespace rcdnn::models::runtime
