#include "models/lgest/feature_tokenizer.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::lgest {

FeatureTokenizerImpl::FeatureTokenizerImpl(FeatureTokenizerOptions options_) : options(options_) { reset(); }

void FeatureTokenizerImpl::reset() {
  check_input(options.features() >= 1 && options.tokens() >= 1 && options.dim() >= 1, "FeatureTokenizer",
              "features, tokens and dim must be >= 1");
  // The reference code holds them as [1, L, F] and [1, F, D]; xavier_normal_ gives the same
  // std either way (fan_in + fan_out of the last two dimensions).
  token_wA = register_parameter("token_wA", torch::empty({options.tokens(), options.features()}));
  token_wV = register_parameter("token_wV", torch::empty({options.features(), options.dim()}));
  torch::nn::init::xavier_normal_(token_wA);
  torch::nn::init::xavier_normal_(token_wV);
}

at::Tensor FeatureTokenizerImpl::forward(const at::Tensor& x) {
  check_input(x.dim() == 3 && x.size(2) == options.features(), "FeatureTokenizer.forward",
              "x must be [B, N, " + std::to_string(options.features()) + "], got " + c10::str(x.sizes()));
  const at::Tensor a = torch::softmax(torch::matmul(x, token_wA.t()).transpose(1, 2), -1);  // [B, L, N]
  return torch::matmul(a, torch::matmul(x, token_wV));                                        // [B, L, D]
}

}  // namespace moezoo::models::lgest
