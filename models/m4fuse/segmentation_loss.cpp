#include "models/m4fuse/segmentation_loss.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::m4fuse {

namespace {

void check_loss_input(const at::Tensor& logits, const at::Tensor& target) {
  const std::string where = "m4fuse_loss";
  check_input(logits.defined() && logits.dim() >= 3 && logits.size(1) >= 2 && at::isFloatingType(logits.scalar_type()),
              where, "logits must be [B, K, ...] floating point with K >= 2, got " +
                         (logits.defined() ? c10::str(logits.sizes()) : std::string("undefined")));
  auto expected = logits.sizes().vec();
  expected.erase(expected.begin() + 1);
  check_input(target.defined() && target.sizes().vec() == expected && target.scalar_type() == torch::kLong, where,
              "target must be int64 " + c10::str(c10::IntArrayRef(expected)) + ", got " +
                  (target.defined() ? c10::str(target.sizes()) : std::string("undefined")));
}

}  // namespace

SegmentationLossOptions brats_loss_options() {
  return SegmentationLossOptions()
      .ce_weight(0.3)
      .dice_weight(0.7)
      .class_weights({1.0, 3.0, 2.0, 5.0})
      .dice_class_weights({1.0, 2.0, 3.0, 5.0})
      .include_background(true);
}

at::Tensor soft_dice_loss(const at::Tensor& logits, const at::Tensor& target, const SegmentationLossOptions& options) {
  check_loss_input(logits, target);
  const int64_t k = logits.size(1);
  const int64_t first = options.include_background() ? 0 : 1;
  const int64_t used = k - first;
  std::vector<double> weights = options.dice_class_weights();
  if (weights.empty()) weights.assign(static_cast<size_t>(used), 1.0);
  if (static_cast<int64_t>(weights.size()) == k && first == 1) weights.erase(weights.begin());
  check_input(static_cast<int64_t>(weights.size()) == used, "loss.dice_class_weights",
              "needs " + std::to_string(used) + " entries (one per Dice class), got " + std::to_string(weights.size()));
  const at::Tensor probs = torch::softmax(logits, 1);
  const at::Tensor onehot = torch::one_hot(target, k).movedim(-1, 1).to(probs.dtype());  // [B, K, ...]
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < logits.dim(); ++d) dims.push_back(d);
  const at::Tensor inter = (probs * onehot).sum(dims);  // [K]
  const at::Tensor denom = probs.sum(dims) + onehot.sum(dims);
  const at::Tensor dice = (2 * inter + options.smooth()) / (denom + options.smooth());
  const at::Tensor w = torch::tensor(weights, probs.options());
  return ((1 - dice.narrow(0, first, used)) * w).sum() / w.sum();
}

at::Tensor m4fuse_loss(const at::Tensor& logits, const at::Tensor& target, const SegmentationLossOptions& options) {
  check_loss_input(logits, target);
  const int64_t k = logits.size(1);
  at::Tensor ce_weights;
  if (!options.class_weights().empty()) {
    check_input(static_cast<int64_t>(options.class_weights().size()) == k, "loss.class_weights",
                "needs " + std::to_string(k) + " entries (one per class), got " +
                    std::to_string(options.class_weights().size()));
    ce_weights = torch::tensor(options.class_weights(), logits.options());
  }
  const at::Tensor ce = torch::nn::functional::cross_entropy(
      logits, target, torch::nn::functional::CrossEntropyFuncOptions().weight(ce_weights));
  return options.ce_weight() * ce + options.dice_weight() * soft_dice_loss(logits, target, options);
}

}  // namespace moezoo::models::m4fuse
