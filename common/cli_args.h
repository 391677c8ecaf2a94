// For mains only (the one place Boost.Program_options is used).
//
// Boost.Program_options drops words that are not flags ("positional
// arguments") without a word unless the parser is told that there are none,
// so `--specs a.net b.net` would silently time only a.net. Every tool parses
// with .positional(rcdnn::kNoPositionalArguments), which makes a stray word
// an error ("too many positional options").
#pragma once

#include <boost/program_options.hpp>

namespace rcdnn {

inline const boost::program_options::positional_options_description kNoPositionalArguments{};

}  // namespace rcdnn
