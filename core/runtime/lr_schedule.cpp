#include "core/runtime/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace moezoo::runtime {

double LrSchedule::at(int64_t step) const {
  if (warmup_steps > 0 && step < warmup_steps) return base_lr * static_cast<double>(step + 1) / warmup_steps;
  if (kind == "cosine") {
    const int64_t span = std::max<int64_t>(1, total_steps - warmup_steps);
    const double progress = std::clamp(static_cast<double>(step - warmup_steps) / span, 0.0, 1.0);
    return base_lr * (min_lr_ratio + (1.0 - min_lr_ratio) * 0.5 * (1.0 + std::cos(M_PI * progress)));
  }
  if (kind == "step") return base_lr * std::pow(gamma, static_cast<double>(step / step_size));
  return base_lr;
}

}  // namespace moezoo::runtime
