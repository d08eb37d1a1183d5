#include "core/moe/aux_losses.h"

#include <ATen/ATen.h>

namespace moezoo::core {

void AuxLosses::add(const std::string& name, const at::Tensor& value) {
  auto it = terms.find(name);
  if (it == terms.end()) terms.emplace(name, value);
  else it->second = it->second + value;
}

void AuxLosses::merge(const AuxLosses& other, const std::string& prefix) {
  for (const auto& [name, value] : other.terms) add(prefix + name, value);
}

at::Tensor AuxLosses::total() const {
  at::Tensor sum;
  for (const auto& [name, value] : terms) sum = sum.defined() ? sum + value : value;
  return sum.defined() ? sum : at::zeros({});
}

}  // namespace moezoo::core
