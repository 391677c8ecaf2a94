// Helpers shared by the runtime tests: hand-made prediction sets, temporary
// paths, and the message of an expected rcdnn::Error.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "models/runtime/predictions.h"

namespace rcdnn::models::runtime::testing {

// A set whose image k has label 0 and is predicted correctly iff correct[k].
inline PredictionSet MakeSet(const std::vector<bool>& correct, const std::vector<double>& margin) {
  PredictionSet set;
  for (size_t k = 0; k < correct.size(); ++k) {
    set.label.push_back(0);
    set.predicted.push_back(correct[k] ? 0 : 1);
    set.margin.push_back(margin.at(k));
  }
  return set;
}

inline std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return std::string(tmp ? tmp : "/tmp") + "/" + name;
}

// The message of the rcdnn::Error `body` throws; fails the test if none.
inline std::string ErrorOf(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an rcdnn::Error";
  return "";
}

}  // namespace rcdnn::models::runtime::testing
