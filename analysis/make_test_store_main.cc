// Writes the analysis tests' small LeNet store (test_store.h) to argv[1], for
// the browser test.
#include <cstdio>
#include <exception>

#include "analysis/test_store.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_test_store <store.db>\n");
    return 1;
  }
  try {
    rcdnn::analysis::testing::WriteLenetStore(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_test_store: %s\n", e.what());
    return 1;
  }
  return 0;
}
