// The one error type of the project. Library code throws rcdnn::Error with a
// message that names the file / parameter / layer at fault and what to do;
// every main catches it, prints the message on one line and exits non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace rcdnn {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace rcdnn
