// Values a user types on a command line, read the same way by every tool.
#pragma once

#include <string>
#include <vector>

namespace rcdnn {

// `bazel run` starts a tool in its runfiles tree: a relative path the user
// typed is taken from the directory they typed it in
// (BUILD_WORKING_DIRECTORY, when set); absolute and empty paths are kept.
std::string ResolveUserPath(const std::string& path);
std::vector<std::string> ResolveUserPaths(const std::vector<std::string>& paths);

// "0.25,0.5,0.75,1" -> fractions in (0, 1], in the order given; throws
// rcdnn::Error naming --`flag` and the item that is not one.
std::vector<double> ParseFractions(const std::string& text, const std::string& flag);

}  // namespace rcdnn
