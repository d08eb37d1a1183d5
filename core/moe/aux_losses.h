#pragma once
/// Auxiliary losses that modules report next to their output (load balancing,
/// router z-loss, reconstruction, ...). The trainer adds `total()` to the task
/// loss and logs every term on its own.

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace moezoo::core {

struct AuxLosses {
  /// Named scalar terms, already multiplied by their coefficients.
  std::map<std::string, at::Tensor> terms;

  /// Adds `value` to the term `name` (several layers report under one name).
  void add(const std::string& name, const at::Tensor& value);
  /// Adds every term of `other`, prefixed by `prefix` when given.
  void merge(const AuxLosses& other, const std::string& prefix = "");
  /// The sum of all terms: a 0-d tensor, zero when empty.
  at::Tensor total() const;
  bool empty() const { return terms.empty(); }
};

}  // namespace moezoo::core
