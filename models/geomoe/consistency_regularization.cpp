#include "models/geomoe/consistency_regularization.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::geomoe {

void check_consistency_options(const ConsistencyOptions& o) {
  check_input(o.samples >= 1, "train.consistency.samples", "must be at least 1");
  check_input(o.coef >= 0, "train.consistency.coef", "must be non-negative");
  check_input(o.temperature > 0, "train.consistency.temperature", "must be positive");
  check_input(o.drop_node >= 0 && o.drop_node < 1, "train.consistency.drop_node", "must be in [0, 1)");
}

at::Tensor drop_nodes(const at::Tensor& x, double rate) {
  check_input(rate >= 0 && rate < 1, "train.consistency.drop_node", "must be in [0, 1)");
  if (rate == 0) return x;
  const at::Tensor keep = torch::bernoulli(torch::full({x.size(0), 1}, 1.0 - rate, x.options()));
  return x * keep / (1.0 - rate);
}

at::Tensor sharpen(const at::Tensor& probs, double temperature) {
  check_input(temperature > 0, "train.consistency.temperature", "must be positive");
  const at::Tensor powered = probs.pow(1.0 / temperature);
  return powered / powered.sum(1, /*keepdim=*/true);
}

at::Tensor consistency_loss(const std::vector<at::Tensor>& logits, double temperature) {
  check_input(!logits.empty(), "consistency_loss", "needs at least one set of logits");
  std::vector<at::Tensor> probs;
  for (const auto& l : logits) probs.push_back(torch::softmax(l, 1));
  const at::Tensor target = sharpen(torch::stack(probs).mean(0), temperature).detach();
  at::Tensor loss = torch::zeros({}, logits.front().options());
  for (const auto& p : probs) loss = loss + (p - target).pow(2).sum(1).mean();
  return loss / static_cast<double>(probs.size());
}

}  // namespace moezoo::models::geomoe
