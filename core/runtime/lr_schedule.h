#pragma once
/// Learning rate as a pure function of the optimizer step, so that a resumed run
/// needs no scheduler state beyond the step it is at.

#include <cstdint>
#include <string>

namespace moezoo::runtime {

struct LrSchedule {
  std::string kind = "constant";  ///< constant | cosine | step
  double base_lr = 1e-3;
  int64_t total_steps = 1;
  int64_t warmup_steps = 0;   ///< linear from base_lr/warmup to base_lr (all kinds)
  double min_lr_ratio = 0.0;  ///< cosine floor as a fraction of base_lr
  int64_t step_size = 1000;   ///< step kind: decay interval
  double gamma = 0.1;         ///< step kind: decay factor

  /// The rate for optimizer step `step` (0-based).
  ///   warm-up:  lr = base * (step + 1) / warmup
  ///   cosine:   lr = base * (r + (1 - r) * (1 + cos(pi * p)) / 2), p = (step - warmup) / (total - warmup)
  ///   step:     lr = base * gamma ^ floor(step / step_size)
  double at(int64_t step) const;
};

}  // namespace moezoo::runtime
