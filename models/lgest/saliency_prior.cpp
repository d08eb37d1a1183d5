#include "models/lgest/saliency_prior.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::lgest {

SaliencyPriorImpl::SaliencyPriorImpl(SaliencyPriorOptions options_) : options(options_) { reset(); }

void SaliencyPriorImpl::reset() {
  check_input(options.dim() >= 1, "SaliencyPrior", "dim must be >= 1");
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.dim()})));
  // No bias: a shift of every logit of a patch leaves the softmax unchanged.
  score = register_module("score", torch::nn::Linear(torch::nn::LinearOptions(2 * options.dim(), 1).bias(false)));
}

Saliency SaliencyPriorImpl::forward(const at::Tensor& tokens) {
  check_input(tokens.dim() == 3 && tokens.size(2) == options.dim(), "SaliencyPrior.forward",
              "tokens must be [B, N, " + std::to_string(options.dim()) + "], got " + c10::str(tokens.sizes()));
  const at::Tensor contrast = (tokens - tokens.mean(1, /*keepdim=*/true)).abs();
  const at::Tensor features = norm(tokens);
  const at::Tensor logits = score(torch::cat({features, contrast}, -1)).squeeze(-1);  // [B, N]
  Saliency s;
  s.map = torch::softmax(logits, 1);
  const at::Tensor weights = s.map.unsqueeze(-1);
  s.prior = torch::cat({(weights * features).sum(1), (weights * contrast).sum(1)}, -1);
  return s;
}

}  // namespace moezoo::models::lgest
