#include "core/runtime/autocast_scope.h"

#include <ATen/autocast_mode.h>

namespace moezoo::runtime {

AutocastScope::AutocastScope(bool enable) : active_(enable) {
  if (!active_) return;
  previous_enabled_ = at::autocast::is_autocast_enabled(at::kCUDA);
  previous_dtype_ = static_cast<int>(at::autocast::get_autocast_dtype(at::kCUDA));
  at::autocast::set_autocast_enabled(at::kCUDA, true);
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  at::autocast::set_autocast_enabled(at::kCUDA, previous_enabled_);
  at::autocast::set_autocast_dtype(at::kCUDA, static_cast<at::ScalarType>(previous_dtype_));
  at::autocast::clear_cache();
}

}  // namespace moezoo::runtime
