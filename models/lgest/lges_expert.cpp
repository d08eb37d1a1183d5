#include "models/lgest/lges_expert.h"

#include <torch/torch.h>

#include <cmath>

#include "core/layers/patch_embed.h"
#include "core/util/error.h"

namespace moezoo::models::lgest {

LGESExpertImpl::LGESExpertImpl(LGESExpertOptions options_) : options(options_) { reset(); }

void LGESExpertImpl::reset() {
  const auto& o = options;
  const int64_t d = o.dim();
  check_input(d >= 1 && o.height() >= 1 && o.width() >= 1, "LGESExpert", "dim, height and width must be >= 1");
  check_input(o.heads() >= 1 && d % o.heads() == 0, "model.expert_heads",
              "must divide dim (" + std::to_string(d) + "), got " + std::to_string(o.heads()));
  const auto hidden = static_cast<int64_t>(std::llround(o.mlp_ratio() * static_cast<double>(d)));
  check_input(hidden >= 1, "model.expert_mlp_ratio", "must give at least one hidden unit");
  auto depthwise = [d] { return torch::nn::Conv2d(torch::nn::Conv2dOptions(d, d, 3).padding(1).groups(d)); };
  auto pointwise = [d] { return torch::nn::Conv2d(torch::nn::Conv2dOptions(d, d, 1)); };
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  dw1 = register_module("dw1", depthwise());
  pw1 = register_module("pw1", pointwise());
  dw2 = register_module("dw2", depthwise());
  pw2 = register_module("pw2", pointwise());
  attn = register_module("attn", core::SelfAttention(core::AttentionOptions(d, o.heads()).proj_dropout(o.dropout())));
  norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  fc1 = register_module("fc1", torch::nn::Linear(d, hidden));
  fc2 = register_module("fc2", torch::nn::Linear(hidden, d));
  drop = register_module("drop", torch::nn::Dropout(o.dropout()));
  fuse = register_module("fuse", torch::nn::Linear(2 * d, d));
}

at::Tensor LGESExpertImpl::local(const at::Tensor& u) {
  const std::vector<int64_t> grid{options.height(), options.width()};
  at::Tensor h = core::tokens_to_grid(u, grid);  // [n, D, H, W]
  h = pw2(dw2(torch::gelu(pw1(dw1(h)))));
  return core::grid_to_tokens(h);
}

at::Tensor LGESExpertImpl::global(const at::Tensor& x, const at::Tensor& u) {
  const at::Tensor a = attn(u);
  return a + drop(fc2(drop(torch::gelu(fc1(norm2(x + a))))));
}

at::Tensor LGESExpertImpl::forward(const at::Tensor& rows) {
  const auto& o = options;
  const int64_t n_tokens = o.height() * o.width();
  check_input(rows.dim() == 2 && rows.size(1) == n_tokens * o.dim(), "LGESExpert.forward",
              "rows must be [n, " + std::to_string(n_tokens * o.dim()) + "], got " + c10::str(rows.sizes()));
  const at::Tensor x = rows.reshape({rows.size(0), n_tokens, o.dim()});
  const at::Tensor u = norm(x);
  const at::Tensor y = fuse(torch::cat({local(u), global(x, u)}, -1));
  return y.reshape({rows.size(0), n_tokens * o.dim()});
}

}  // namespace moezoo::models::lgest
