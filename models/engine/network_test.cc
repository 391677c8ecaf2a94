// Determinism, threads, workspace reuse and the errors bad inputs raise.
#include "models/engine/network.h"

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::LoadSpec;
using testing::Random;
using testing::RandomParams;

struct Batch {
  std::vector<float> images;
  std::vector<uint8_t> labels;
};

Batch RandomBatch(const NetSpec& spec, int n, uint64_t seed) {
  Random random(seed);
  Batch batch;
  batch.images = random.Vector(int64_t{n} * spec.input_channels * spec.input_height * spec.input_width);
  for (int i = 0; i < n; ++i) batch.labels.push_back(static_cast<uint8_t>(random.Int(spec.NumClasses())));
  return batch;
}

struct Result {
  RowMatrix logits;
  double loss = 0;
  NetParams grads;
};

Result RunBoth(const Network& network, const NetParams& params, const Batch& batch, int n, const Widths& widths,
           Workspace* workspace) {
  Result result;
  result.logits.resize(n, network.spec().NumClasses());
  network.Forward(params, batch.images.data(), n, widths, 0, workspace, result.logits);
  result.grads = ZerosLike(network.spec(), 1);
  result.loss =
      network.ForwardBackward(params, batch.images.data(), batch.labels.data(), n, widths, 0, workspace, &result.grads);
  return result;
}

void ExpectBitIdentical(const Result& a, const Result& b) {
  EXPECT_TRUE(a.logits == b.logits);
  EXPECT_EQ(a.loss, b.loss);
  for (size_t j = 0; j < a.grads.sliced.size(); ++j) {
    EXPECT_TRUE(a.grads.sliced[j].weights == b.grads.sliced[j].weights) << j;
    EXPECT_TRUE(a.grads.sliced[j].bias == b.grads.sliced[j].bias) << j;
  }
  EXPECT_TRUE(a.grads.heads[0].weights == b.grads.heads[0].weights);
  EXPECT_TRUE(a.grads.heads[0].bias == b.grads.heads[0].bias);
}

double RelativeDifference(const RowMatrix& a, const RowMatrix& b) {
  return (a - b).cwiseAbs().maxCoeff() / (1e-6 + b.cwiseAbs().maxCoeff());
}

TEST(NetworkTest, BitIdenticalForAFixedThreadCount) {
  const NetSpec spec = LoadSpec("lenet");
  NetParams params = ZerosLike(spec, 1);
  InitParams(spec, 17, &params);
  const Batch batch = RandomBatch(spec, 13, 1);
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    EngineOptions options;
    options.threads = threads;
    const Network network(spec, options);
    Workspace first, second;
    const Widths widths = UniformWidths(spec, 0.75);
    const Result a = RunBoth(network, params, batch, 13, widths, &first);
    const Result b = RunBoth(network, params, batch, 13, widths, &first);  // reused workspace
    const Result c = RunBoth(network, params, batch, 13, widths, &second);  // fresh workspace
    ExpectBitIdentical(a, b);
    ExpectBitIdentical(a, c);
    // A different Network object with the same options gives the same bits.
    const Network again(spec, options);
    ExpectBitIdentical(a, RunBoth(again, params, batch, 13, widths, &first));
  }
}

TEST(NetworkTest, ThreadCountsAgreeWithinRounding) {
  for (const std::string name : {"lenet", "alexnet"}) {
    const NetSpec spec = LoadSpec(name);
    const NetParams params = RandomParams(spec, 1, 2);
    const Batch batch = RandomBatch(spec, 9, 3);
    EngineOptions two;
    two.threads = 2;
    Workspace workspace;
    for (double fraction : {0.5, 1.0}) {
      const Widths widths = UniformWidths(spec, fraction);
      const Result one_thread = RunBoth(Network(spec), params, batch, 9, widths, &workspace);
      const Result two_threads = RunBoth(Network(spec, two), params, batch, 9, widths, &workspace);
      EXPECT_LT(RelativeDifference(one_thread.logits, two_threads.logits), 1e-5) << name;
      EXPECT_NEAR(one_thread.loss, two_threads.loss, 1e-6) << name;
      for (size_t j = 0; j < one_thread.grads.sliced.size(); ++j) {
        EXPECT_LT(RelativeDifference(one_thread.grads.sliced[j].weights, two_threads.grads.sliced[j].weights), 1e-4)
            << name << " layer " << j;
      }
      EXPECT_LT(RelativeDifference(one_thread.grads.heads[0].weights, two_threads.grads.heads[0].weights), 1e-4);
    }
  }
}

TEST(NetworkTest, OneImageSplitOverThreadsKeepsTheBitsOfOneThread) {
  // A single image's big convolutions split their output rows over the
  // threads in whole GEMM panels: any thread count gives one thread's bits.
  for (const std::string name : {"lenet", "alexnet", "convnets"}) {
    const NetSpec spec = LoadSpec(name);
    const NetParams params = RandomParams(spec, 1, 31);
    const Batch batch = RandomBatch(spec, 1, 32);
    const Network one(spec);
    for (int threads : {2, 3}) {
      EngineOptions options;
      options.threads = threads;
      const Network several(spec, options);
      for (double fraction : {0.25, 0.5, 0.75, 1.0}) {
        const Widths widths = UniformWidths(spec, fraction);
        RowMatrix want(1, spec.NumClasses()), got(1, spec.NumClasses());
        Workspace one_workspace, several_workspace;
        one.Forward(params, batch.images.data(), 1, widths, 0, &one_workspace, want);
        several.Forward(params, batch.images.data(), 1, widths, 0, &several_workspace, got);
        EXPECT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0)
            << name << " at " << fraction << " on " << threads << " threads:\n" << want << "\nvs\n" << got;
        several.Forward(params, batch.images.data(), 1, widths, 0, &several_workspace, got);  // workspace reused
        EXPECT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0) << name;
      }
    }
  }
}

TEST(NetworkTest, ConcurrentCallersGetTheSameBits) {
  // Two callers share one Network (and its pool); the one that finds the pool
  // busy runs its chunks inline. Both must match a sequential run.
  const NetSpec spec = LoadSpec("lenet");
  const NetParams params = RandomParams(spec, 1, 9);
  const Batch batch = RandomBatch(spec, 16, 10);
  EngineOptions options;
  options.threads = 2;
  const Network network(spec, options);
  const Widths widths = FullWidths(spec);
  Workspace reference_workspace;
  const Result expected = RunBoth(network, params, batch, 16, widths, &reference_workspace);
  std::vector<Result> results(2);
  std::vector<std::thread> callers;
  for (int t = 0; t < 2; ++t) {
    callers.emplace_back([&, t] {
      Workspace workspace;
      for (int repeat = 0; repeat < 5; ++repeat) results[t] = RunBoth(network, params, batch, 16, widths, &workspace);
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (const Result& result : results) ExpectBitIdentical(expected, result);
}

TEST(NetworkTest, WorkspaceMovesBetweenNetworksAndBatchSizes) {
  const NetSpec lenet = LoadSpec("lenet"), alexnet = LoadSpec("alexnet");
  const NetParams lenet_params = RandomParams(lenet, 1, 1), alexnet_params = RandomParams(alexnet, 1, 2);
  const Batch lenet_batch = RandomBatch(lenet, 8, 3), alexnet_batch = RandomBatch(alexnet, 8, 4);
  EngineOptions options;
  options.threads = 2;
  const Network lenet_net(lenet, options), alexnet_net(alexnet, options);
  Workspace shared;
  const Result small = RunBoth(lenet_net, lenet_params, lenet_batch, 2, FullWidths(lenet), &shared);
  const Result alex = RunBoth(alexnet_net, alexnet_params, alexnet_batch, 8, FullWidths(alexnet), &shared);
  const Result big = RunBoth(lenet_net, lenet_params, lenet_batch, 8, FullWidths(lenet), &shared);
  Workspace fresh1, fresh2, fresh3;
  ExpectBitIdentical(small, RunBoth(lenet_net, lenet_params, lenet_batch, 2, FullWidths(lenet), &fresh1));
  ExpectBitIdentical(alex, RunBoth(alexnet_net, alexnet_params, alexnet_batch, 8, FullWidths(alexnet), &fresh2));
  ExpectBitIdentical(big, RunBoth(lenet_net, lenet_params, lenet_batch, 8, FullWidths(lenet), &fresh3));
}

TEST(NetworkTest, CyclingThroughManyWidthsReusesOrRecomputesShapes) {
  // More widths than the workspace caches, visited twice: every call must
  // match a run on a fresh workspace.
  const NetSpec spec = LoadSpec("lenet");
  const NetParams params = RandomParams(spec, 1, 3);
  const Batch batch = RandomBatch(spec, 3, 4);
  const Network network(spec);
  Workspace cycling;
  for (int round = 0; round < 2; ++round) {
    for (int w = 1; w <= 11; ++w) {
      const Widths widths = {w, 4 * w, 40 * w};
      Workspace fresh;
      RowMatrix a(3, 10), b(3, 10);
      network.Forward(params, batch.images.data(), 3, widths, 0, &cycling, a);
      network.Forward(params, batch.images.data(), 3, widths, 0, &fresh, b);
      EXPECT_TRUE(a == b) << "round " << round << " width " << w;
    }
  }
}

TEST(NetworkTest, BatchOfOneMatchesItsRowInABatch) {
  const NetSpec spec = LoadSpec("lenet");
  const NetParams params = RandomParams(spec, 1, 5);
  const Batch batch = RandomBatch(spec, 4, 6);
  const Network network(spec);
  Workspace workspace;
  RowMatrix all(4, 10), one(1, 10);
  network.Forward(params, batch.images.data(), 4, FullWidths(spec), 0, &workspace, all);
  network.Forward(params, batch.images.data() + 2 * 28 * 28, 1, FullWidths(spec), 0, &workspace, one);
  EXPECT_LT(RelativeDifference(one, all.middleRows(2, 1)), 1e-5);
}

// Runs `action`, expecting an rcdnn::Error whose message contains `needle`.
template <typename F>
void ExpectErrorMentioning(F action, const std::string& needle) {
  try {
    action();
    ADD_FAILURE() << "no error; expected one mentioning '" << needle << "'";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(NetworkTest, BadInputsNameTheLayer) {
  const NetSpec spec = LoadSpec("lenet");
  const NetParams params = RandomParams(spec, 2, 1);
  const Batch batch = RandomBatch(spec, 2, 2);
  const Network network(spec);
  Workspace workspace;
  RowMatrix logits(2, 10);
  NetParams grads = ZerosLike(spec, 2);
  auto forward = [&](const NetParams& p, const Widths& widths, int head) {
    network.Forward(p, batch.images.data(), 2, widths, head, &workspace, logits);
  };
  auto train = [&](const NetParams& p, const Widths& widths, int head, NetParams* g) {
    network.ForwardBackward(p, batch.images.data(), batch.labels.data(), 2, widths, head, &workspace, g);
  };
  const Widths full = FullWidths(spec);

  ExpectErrorMentioning([&] { forward(params, {20, 50}, 0); }, "sliced layers");
  ExpectErrorMentioning([&] { forward(params, {20, 50, 500, 10}, 0); }, "sliced layers");
  ExpectErrorMentioning([&] { forward(params, {21, 50, 500}, 0); }, "conv1");
  ExpectErrorMentioning([&] { train(params, {20, 51, 500}, 0, &grads); }, "conv2");
  ExpectErrorMentioning([&] { forward(params, {20, 50, 0}, 0); }, "ip1");
  ExpectErrorMentioning([&] { forward(params, full, 2); }, "ip2");
  ExpectErrorMentioning([&] { forward(params, full, -1); }, "ip2");
  ExpectErrorMentioning([&] { train(params, full, 2, &grads); }, "ip2");

  // Parameters shaped for another network, or one layer off.
  const NetSpec alexnet = LoadSpec("alexnet");
  const NetParams alexnet_params = ZerosLike(alexnet, 2);
  ExpectErrorMentioning([&] { forward(alexnet_params, full, 0); }, "conv1");
  NetParams bad_ip1 = params;
  bad_ip1.sliced[2].weights.resize(500, 801);
  ExpectErrorMentioning([&] { forward(bad_ip1, full, 0); }, "ip1");
  NetParams bad_bias = params;
  bad_bias.sliced[1].bias.resize(49);
  ExpectErrorMentioning([&] { forward(bad_bias, full, 0); }, "conv2");
  NetParams bad_head = params;
  bad_head.heads[1].weights.resize(10, 499);
  ExpectErrorMentioning([&] { forward(bad_head, full, 0); }, "ip2");
  NetParams no_heads = params;
  no_heads.heads.clear();
  ExpectErrorMentioning([&] { forward(no_heads, full, 0); }, "ip2");
  NetParams bad_grads = ZerosLike(spec, 2);
  bad_grads.sliced[0].weights.resize(20, 24);
  ExpectErrorMentioning([&] { train(params, full, 0, &bad_grads); }, "conv1");
  NetParams one_head_grads = ZerosLike(spec, 1);
  ExpectErrorMentioning([&] { train(params, full, 0, &one_head_grads); }, "ip2");

  // Labels, logits, batch size.
  std::vector<uint8_t> bad_labels = {3, 10};
  ExpectErrorMentioning(
      [&] {
        network.ForwardBackward(params, batch.images.data(), bad_labels.data(), 2, full, 0, &workspace, &grads);
      },
      "label 10");
  RowMatrix wrong_logits(2, 9);
  ExpectErrorMentioning(
      [&] { network.Forward(params, batch.images.data(), 2, full, 0, &workspace, wrong_logits); }, "logits");
  ExpectErrorMentioning(
      [&] {
        network.ForwardBackward(params, batch.images.data(), batch.labels.data(), 0, full, 0, &workspace, &grads);
      },
      "at least one image");

  // After all these errors the workspace still works.
  forward(params, full, 1);
  EXPECT_TRUE(logits.allFinite());
}

TEST(NetworkTest, BadSpecsAndOptions) {
  // The parser rejects pad >= kernel for pools; a spec built in code reaches the engine.
  NetSpec pool_pad = ParseNetSpec(R"(
network bad
input channels=1 height=8 width=8
pool name=pool1 op=max kernel=2 stride=2 pad=1
fc name=ip1 outputs=3
)",
                                  "bad");
  pool_pad.layers[0].pad = 2;
  ExpectErrorMentioning([&] { Network network(pool_pad); }, "pool1");
  const NetSpec big_kernel = ParseNetSpec(R"(
network bad
input channels=1 height=4 width=4
conv name=conv1 filters=2 kernel=5 stride=1 pad=0
fc name=ip1 outputs=3
)",
                                          "bad");
  ExpectErrorMentioning([&] { Network network(big_kernel); }, "conv1");
  EngineOptions zero_threads;
  zero_threads.threads = 0;
  ExpectErrorMentioning([&] { Network network(LoadSpec("lenet"), zero_threads); }, "threads");
}

}  // namespace
}  // namespace rcdnn::models
