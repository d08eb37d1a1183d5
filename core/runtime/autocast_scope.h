#pragma once
/// bf16 autocast for the forward passes of a training step on CUDA (the Trainer's
/// `train.bf16`); restores the previous autocast state when it ends.

namespace moezoo::runtime {

class AutocastScope {
 public:
  /// Does nothing unless `enable` (the Trainer passes bf16 && device is CUDA).
  explicit AutocastScope(bool enable);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_;
  bool previous_enabled_ = false;
  int previous_dtype_ = 0;  // at::ScalarType, kept as int to keep ATen out of this header
};

}  // namespace moezoo::runtime
