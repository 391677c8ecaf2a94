// Writing files so that an interrupted run never leaves a half-written one:
// the bytes go to "<path>.tmp.<pid>", are flushed to disk, then renamed over
// <path> (rename is atomic on POSIX file systems).
#pragma once

#include <string>
#include <string_view>

namespace rcdnn {

// Throws rcdnn::Error naming the path on any failure; <path> is then untouched.
void WriteFileAtomically(const std::string& path, std::string_view bytes);

// Reads a whole file; throws rcdnn::Error naming the path if it is missing.
std::string ReadFileToString(const std::string& path);

}  // namespace rcdnn
