#include "datasets/hsi/endmembers.h"

#include <ATen/ATen.h>

#include <cctype>

#include "core/util/error.h"
#include "datasets/hsi/mat_file.h"

namespace moezoo::datasets::hsi {

std::string strip_endmember_number(const std::string& name) {
  size_t i = 0;
  if (i < name.size() && name[i] == '#') ++i;
  const size_t digits = i;
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  if (i == digits) return name;  // no number: keep as is
  while (i < name.size() && (name[i] == '-' || name[i] == ' ' || name[i] == '_' || name[i] == '.')) ++i;
  return i < name.size() ? name.substr(i) : name;
}

Endmembers read_endmembers(const std::filesystem::path& path) {
  const MatFile file(path);
  const std::string where = path.string();
  Endmembers e;
  e.spectra = file.read_array("M").to(at::kDouble);
  check_input(e.spectra.dim() == 2 && e.spectra.numel() > 0, where + ": variable 'M'",
              "expected endmember spectra [B, E]");
  const int64_t count = e.spectra.size(1);
  if (file.contains("waveLength")) e.wavelengths = file.read_array("waveLength").to(at::kDouble).reshape({-1});
  if (file.contains("slctBnds")) {
    const auto bands = file.read_array("slctBnds").to(at::kLong).reshape({-1}) - 1;
    check_input(
        bands.numel() > 0 && bands.min().item<int64_t>() >= 0 && bands.max().item<int64_t>() < e.spectra.size(0),
        where + ": variable 'slctBnds'", "band numbers outside 1.." + std::to_string(e.spectra.size(0)));
    e.spectra = e.spectra.index_select(0, bands);
    if (e.wavelengths.defined()) {
      check_input(e.wavelengths.numel() > bands.max().item<int64_t>(), where + ": variable 'waveLength'",
                  "fewer wavelengths than band numbers");
      e.wavelengths = e.wavelengths.index_select(0, bands);
    }
  }
  if (e.wavelengths.defined())
    check_input(
        e.wavelengths.numel() == e.spectra.size(0), where + ": variable 'waveLength'",
        std::to_string(e.wavelengths.numel()) + " wavelengths for " + std::to_string(e.spectra.size(0)) + " bands");
  if (file.contains("cood")) {
    for (const auto& n : file.read_strings("cood")) e.names.push_back(strip_endmember_number(n));
    check_input(static_cast<int64_t>(e.names.size()) == count, where + ": variable 'cood'",
                std::to_string(e.names.size()) + " names for " + std::to_string(count) + " endmembers in M");
  } else {
    for (int64_t i = 0; i < count; ++i) e.names.push_back("endmember " + std::to_string(i + 1));
  }
  if (file.contains("A")) {
    e.abundances = file.read_array("A").to(at::kDouble);
    check_input(e.abundances.dim() == 2 && e.abundances.size(0) == count, where + ": variable 'A'",
                "expected abundances [" + std::to_string(count) + ", pixels]");
    check_input(e.abundances.isfinite().all().item<bool>(), where + ": variable 'A'", "holds NaN or infinite values");
  }
  if (file.contains("nRow")) e.rows = static_cast<int64_t>(file.read_scalar("nRow"));
  if (file.contains("nCol")) e.cols = static_cast<int64_t>(file.read_scalar("nCol"));
  if (e.abundances.defined() && e.rows > 0 && e.cols > 0)
    check_input(
        e.abundances.size(1) == e.rows * e.cols, where + ": variable 'A'",
        std::to_string(e.abundances.size(1)) + " pixels, but nRow x nCol is " + std::to_string(e.rows * e.cols));
  return e;
}

}  // namespace moezoo::datasets::hsi
