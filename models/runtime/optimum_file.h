// The Table 7 optimum as a file: the increments' fractions that the Eq. 1
// sweep chose, written by the `runtime` tool (--optimum-out) and read by the
// trainer of those increments (//models/train:train_optimum) and by the
// accelerator run that prices them. The paper trains its Table 8 and 9
// models from exactly these fractions ("Based on the results in Table 7, we
// proceed to incrementally train the network").
//
// Format: '#' comment lines and blank lines, then one line of increasing
// fractions in (0, 1] ending with 1, comma-separated:
//
//   # Table 7 optimum of lenet: ...
//   0.25,1
#pragma once

#include <string>
#include <vector>

namespace rcdnn::models::runtime {

// "0.25,0.3,1": each fraction in 6 significant digits (the sweep's grid
// point 0.30000000000000004 is 0.3).
std::string FormatFractions(const std::vector<double>& fractions);

// The file's text; `comment` (one line, no newline) says where it came from.
std::string FormatOptimumFile(const std::vector<double>& fractions, const std::string& comment);

// Throws rcdnn::Error "<source>:<line>: ..." for a malformed fraction, a
// second data line, fractions not increasing or not ending at 1; "<source>
// holds no fractions ..." when there is no data line (e.g. a truncated file).
std::vector<double> ParseOptimumFile(const std::string& text, const std::string& source_name);
std::vector<double> ReadOptimumFile(const std::string& path);

}  // namespace rcdnn::models::runtime
