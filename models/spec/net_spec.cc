#include "models/spec/net_spec.h"

#include <map>
#include <set>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::models {
namespace {

class LineParser {
 public:
  LineParser(const std::string& source, int line) : source_(source), line_(line) {}

  [[noreturn]] void Fail(const std::string& message) const {
    throw Error(source_ + ":" + std::to_string(line_) + ": " + message);
  }

  // Splits "key=value" tokens; rejects duplicates and tokens without '='.
  std::map<std::string, std::string> KeyValues(const std::vector<std::string>& tokens) const {
    std::map<std::string, std::string> values;
    for (size_t i = 1; i < tokens.size(); ++i) {
      const auto eq = tokens[i].find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == tokens[i].size()) {
        Fail("expected key=value, got '" + tokens[i] + "'");
      }
      const std::string key = tokens[i].substr(0, eq);
      if (!values.emplace(key, tokens[i].substr(eq + 1)).second) Fail("key '" + key + "' given twice");
    }
    return values;
  }

  int PositiveInt(const std::map<std::string, std::string>& values, const std::string& what,
                  const std::string& key, int minimum) const {
    const auto it = values.find(key);
    if (it == values.end()) Fail(what + " is missing key '" + key + "'");
    size_t used = 0;
    long long parsed = 0;
    try {
      parsed = std::stoll(it->second, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != it->second.size()) Fail(what + ": '" + key + "=" + it->second + "' is not an integer");
    if (parsed < minimum || parsed > 1000000) {
      Fail(what + ": '" + key + "=" + it->second + "' must be between " + std::to_string(minimum) +
           " and 1000000");
    }
    return static_cast<int>(parsed);
  }

  void RejectUnknown(const std::map<std::string, std::string>& values, const std::string& what,
                     const std::set<std::string>& allowed) const {
    for (const auto& [key, value] : values) {
      if (!allowed.count(key)) Fail(what + ": unknown key '" + key + "'");
    }
  }

  // Optional `init` key of conv/fc layers: "xavier" or "gaussian:<std>".
  std::string Init(const std::map<std::string, std::string>& values, const std::string& what) const {
    const auto it = values.find("init");
    if (it == values.end() || it->second == "xavier") return "xavier";
    const std::string prefix = "gaussian:";
    if (it->second.rfind(prefix, 0) == 0) {
      size_t used = 0;
      double stddev = -1;
      try {
        stddev = std::stod(it->second.substr(prefix.size()), &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used > 0 && used == it->second.size() - prefix.size() && stddev > 0) return it->second;
    }
    Fail(what + ": init must be 'xavier' or 'gaussian:<positive std>', got '" + it->second + "'");
  }

 private:
  const std::string& source_;
  int line_;
};

std::vector<std::string> Tokens(const std::string& line) {
  std::istringstream in(line.substr(0, line.find('#')));
  std::vector<std::string> tokens;
  for (std::string token; in >> token;) tokens.push_back(token);
  return tokens;
}

}  // namespace

const char* LayerKindName(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv: return "conv";
    case LayerKind::kMaxPool: return "maxpool";
    case LayerKind::kAvgPool: return "avgpool";
    case LayerKind::kFc: return "fc";
    case LayerKind::kRelu: return "relu";
  }
  return "?";
}

std::vector<int> NetSpec::SlicedLayerIndices() const {
  std::vector<int> indices;
  for (int i = 0; i + 1 < static_cast<int>(layers.size()); ++i) {
    if (layers[i].HasWeights()) indices.push_back(i);
  }
  return indices;
}

NetSpec ParseNetSpec(const std::string& text, const std::string& source_name) {
  NetSpec spec;
  spec.source_text = text;
  std::istringstream in(text);
  std::set<std::string> names;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const std::vector<std::string> tokens = Tokens(line);
    if (tokens.empty()) continue;
    LineParser parser(source_name, line_number);
    const std::string& keyword = tokens[0];
    if (keyword == "network") {
      if (tokens.size() != 2) parser.Fail("expected 'network <name>'");
      if (!spec.name.empty()) parser.Fail("'network' given twice");
      spec.name = tokens[1];
      continue;
    }
    if (spec.name.empty()) parser.Fail("the file must start with 'network <name>'");
    const auto values = parser.KeyValues(tokens);
    if (keyword == "input") {
      if (spec.input_channels != 0) parser.Fail("'input' given twice");
      if (!spec.layers.empty()) parser.Fail("'input' must come before the layers");
      parser.RejectUnknown(values, "input", {"channels", "height", "width"});
      spec.input_channels = parser.PositiveInt(values, "input", "channels", 1);
      spec.input_height = parser.PositiveInt(values, "input", "height", 1);
      spec.input_width = parser.PositiveInt(values, "input", "width", 1);
      continue;
    }
    if (spec.input_channels == 0) parser.Fail("'input channels=.. height=.. width=..' must come before the layers");
    LayerSpec layer;
    layer.line = line_number;
    const auto name_it = values.find("name");
    if (name_it == values.end()) parser.Fail(keyword + " layer is missing key 'name'");
    layer.name = name_it->second;
    if (!names.insert(layer.name).second) parser.Fail("layer name '" + layer.name + "' is used twice");
    const std::string what = keyword + " layer '" + layer.name + "'";
    if (keyword == "conv") {
      layer.kind = LayerKind::kConv;
      parser.RejectUnknown(values, what, {"name", "filters", "kernel", "stride", "pad", "init"});
      layer.init = parser.Init(values, what);
      layer.outputs = parser.PositiveInt(values, what, "filters", 1);
      layer.kernel = parser.PositiveInt(values, what, "kernel", 1);
      layer.stride = parser.PositiveInt(values, what, "stride", 1);
      layer.pad = parser.PositiveInt(values, what, "pad", 0);
    } else if (keyword == "pool") {
      parser.RejectUnknown(values, what, {"name", "op", "kernel", "stride", "pad"});
      const auto op = values.find("op");
      if (op == values.end()) parser.Fail(what + " is missing key 'op' (max or avg)");
      if (op->second == "max") {
        layer.kind = LayerKind::kMaxPool;
      } else if (op->second == "avg") {
        layer.kind = LayerKind::kAvgPool;
      } else {
        parser.Fail(what + ": op must be 'max' or 'avg', got '" + op->second + "'");
      }
      layer.kernel = parser.PositiveInt(values, what, "kernel", 1);
      layer.stride = parser.PositiveInt(values, what, "stride", 1);
      layer.pad = parser.PositiveInt(values, what, "pad", 0);
      if (layer.pad >= layer.kernel) parser.Fail(what + ": pad must be smaller than kernel");
    } else if (keyword == "fc") {
      layer.kind = LayerKind::kFc;
      parser.RejectUnknown(values, what, {"name", "outputs", "init"});
      layer.init = parser.Init(values, what);
      layer.outputs = parser.PositiveInt(values, what, "outputs", 1);
    } else if (keyword == "relu") {
      layer.kind = LayerKind::kRelu;
      parser.RejectUnknown(values, what, {"name"});
    } else {
      parser.Fail("unknown layer type '" + keyword + "' (known: conv, pool, fc, relu)");
    }
    spec.layers.push_back(layer);
  }
  if (spec.name.empty()) throw Error(source_name + ": empty spec (expected 'network <name>')");
  if (spec.input_channels == 0) throw Error(source_name + ": no 'input' line");
  if (spec.layers.empty() || spec.layers.back().kind != LayerKind::kFc) {
    throw Error(source_name + ": the last layer must be the fc classifier");
  }
  return spec;
}

NetSpec LoadNetSpec(const std::string& path) {
  return ParseNetSpec(ReadFileToString(path), path);
}

}  // namespace rcdnn::models
