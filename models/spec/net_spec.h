// Network specifications as text (the networks of the paper's Table 3).
//
// A spec file is a list of lines, one layer each, after a header:
//
//   network lenet
//   input channels=1 height=28 width=28
//   conv name=conv1 filters=20 kernel=5 stride=1 pad=0
//   pool name=pool1 op=max kernel=2 stride=2 pad=0
//   fc   name=ip1 outputs=500
//   relu name=relu1
//   fc   name=ip2 outputs=10
//
// conv and fc layers may add `init=xavier` or `init=gaussian:0.01` (Caffe's
// weight fillers; xavier when absent).
// '#' starts a comment. Every other key must be given (stride/pad included) so the
// file states everything Table 3 leaves implicit. The last layer must be an
// fc layer: the classifier, whose output count never changes with width.
#pragma once

#include <string>
#include <vector>

namespace rcdnn::models {

enum class LayerKind { kConv, kMaxPool, kAvgPool, kFc, kRelu };

const char* LayerKindName(LayerKind kind);

struct LayerSpec {
  LayerKind kind = LayerKind::kConv;
  std::string name;
  int outputs = 0;  // conv: filters; fc: output neurons; others: 0
  int kernel = 1;   // conv and pool
  int stride = 1;   // conv and pool
  int pad = 0;      // conv and pool
  // Weight initialisation (Caffe's fillers), conv and fc only, key `init`:
  // "xavier" (default) or "gaussian:<std>". Biases start at zero.
  std::string init = "xavier";
  int line = 0;     // line in the spec file, for error messages

  // Conv and fc layers own weights and a channel count that a width can cut.
  bool HasWeights() const { return kind == LayerKind::kConv || kind == LayerKind::kFc; }
};

struct NetSpec {
  std::string name;
  int input_channels = 0, input_height = 0, input_width = 0;
  std::vector<LayerSpec> layers;
  std::string source_text;  // the exact text parsed (stored in model files)

  // Indices into `layers` of the layers whose width is configurable: every
  // conv/fc layer except the final classifier.
  std::vector<int> SlicedLayerIndices() const;
  // Index of the classifier (the last layer).
  int ClassifierIndex() const { return static_cast<int>(layers.size()) - 1; }
  int NumClasses() const { return layers.back().outputs; }
};

// Parses spec text; `source_name` (usually the file path) prefixes errors:
// "lenet.net:4: conv layer 'conv1' is missing key 'stride'". Throws rcdnn::Error.
NetSpec ParseNetSpec(const std::string& text, const std::string& source_name);

// Reads and parses a spec file. Throws rcdnn::Error naming the file.
NetSpec LoadNetSpec(const std::string& path);

}  // namespace rcdnn::models
