#include "datasets/hsi/label_map.h"

#include <ATen/ATen.h>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

at::Tensor read_label_map(const MatFile& file, const std::string& variable, int64_t max_label) {
  const std::string where = file.path().string() + ": variable '" + variable + "'";
  const at::Tensor raw = file.read_array(variable);
  check_input(raw.dim() == 2, where, "a label map must be a 2-d matrix, found rank " + std::to_string(raw.dim()));
  check_input(raw.scalar_type() != at::kBool, where, "a label map must hold class numbers, found a logical array");
  if (at::isFloatingType(raw.scalar_type())) {
    check_input(raw.isfinite().all().item<bool>(), where, "holds NaN or infinite labels");
    check_input(raw.eq(raw.round()).all().item<bool>(), where, "holds fractional labels");
  }
  at::Tensor map = raw.to(at::kLong);
  if (map.numel() > 0) {
    check_input(map.min().item<int64_t>() >= 0, where,
                "holds a negative label (" + std::to_string(map.min().item<int64_t>()) + "); 0 is unlabeled");
    if (max_label >= 0)
      check_input(map.max().item<int64_t>() <= max_label, where,
                  "holds label " + std::to_string(map.max().item<int64_t>()) + ", above the scene's " +
                      std::to_string(max_label) + " classes");
  }
  return map;
}

at::Tensor remap_labels(const at::Tensor& map, const std::vector<int64_t>& table, const std::string& where) {
  check_input(!table.empty() && table[0] == 0, where, "a relabelling table must keep 0 (unlabeled) as 0");
  if (map.numel() > 0)
    check_input(map.min().item<int64_t>() >= 0 && map.max().item<int64_t>() < static_cast<int64_t>(table.size()), where,
                "labels outside [0, " + std::to_string(table.size() - 1) + "]");
  return at::tensor(table, at::kLong).index_select(0, map.reshape({-1})).view(map.sizes());
}

}  // namespace moezoo::datasets::hsi
