#include "models/lgest/ciem_block.h"

#include <torch/torch.h>

#include <cmath>

#include "core/layers/patch_embed.h"
#include "core/util/error.h"

namespace moezoo::models::lgest {

namespace {

torch::nn::LayerNorm layer_norm(int64_t d) { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})); }

}  // namespace

CIEMBlockImpl::CIEMBlockImpl(CIEMBlockOptions options_) : options(std::move(options_)) {
  const auto& o = options;
  const int64_t d = o.dim(), n = o.height() * o.width();
  check_input(d >= 1 && o.height() >= 1 && o.width() >= 1, "CIEMBlock", "dim, height and width must be >= 1");
  check_input(o.heads() >= 1 && d % o.heads() == 0, "model.heads",
              "must divide dim (" + std::to_string(d) + "), got " + std::to_string(o.heads()));
  check_input(o.experts() >= 1, "model.experts", "must be >= 1, got " + std::to_string(o.experts()));
  check_input(o.top_k() >= 1 && o.top_k() <= o.experts(), "model.top_k",
              "must be in [1, experts = " + std::to_string(o.experts()) + "], got " + std::to_string(o.top_k()));
  const auto hidden = static_cast<int64_t>(std::llround(o.mlp_ratio() * static_cast<double>(d)));
  check_input(hidden >= 1, "model.mlp_ratio", "must give at least one hidden unit");

  pos_embed = register_parameter("pos_embed", torch::zeros({1, n, d}));
  torch::nn::init::normal_(pos_embed, 0.0, 0.02);
  gate_logit = register_parameter("gate_logit", torch::zeros({d}));

  spec_norm = register_module("spec_norm", layer_norm(d));
  spec_fc1 = register_module("spec_fc1", torch::nn::Linear(d, hidden));
  spec_fc2 = register_module("spec_fc2", torch::nn::Linear(hidden, d));
  spat_norm = register_module("spat_norm", layer_norm(d));
  spat_dw = register_module("spat_dw", torch::nn::Conv2d(torch::nn::Conv2dOptions(d, d, 3).padding(1).groups(d)));
  spat_pw = register_module("spat_pw", torch::nn::Conv2d(torch::nn::Conv2dOptions(d, d, 1)));

  const auto attention = core::AttentionOptions(d, o.heads()).proj_dropout(o.dropout());
  spec_query_norm = register_module("spec_query_norm", layer_norm(d));
  spat_key_norm = register_module("spat_key_norm", layer_norm(d));
  spec_from_spat = register_module("spec_from_spat", core::CrossAttention(attention));
  spat_query_norm = register_module("spat_query_norm", layer_norm(d));
  spec_key_norm = register_module("spec_key_norm", layer_norm(d));
  spat_from_spec = register_module("spat_from_spec", core::CrossAttention(attention));

  moe_norm = register_module("moe_norm", layer_norm(d));
  saliency = register_module("saliency", SaliencyPrior(d));
  const auto expert = LGESExpertOptions(d, o.height(), o.width())
                          .heads(o.expert_heads())
                          .mlp_ratio(o.expert_mlp_ratio())
                          .dropout(o.dropout());
  const int64_t row = n * d;
  moe = register_module(
      "moe", core::MoELayer(core::MoELayerOptions(row, d, o.experts())
                                .expert_factory([expert](int64_t) { return torch::nn::AnyModule(LGESExpert(expert)); })
                                .router(core::RouterOptions("prior", row, o.experts())
                                            .k(o.top_k())
                                            .prior_dim(saliency->prior_dim())
                                            .beta_init(o.prior_weight()))
                                .balancer(o.balancer())));
}

at::Tensor CIEMBlockImpl::gate() const { return torch::sigmoid(gate_logit); }

at::Tensor CIEMBlockImpl::forward(const at::Tensor& x, core::AuxLosses* aux) {
  const auto& o = options;
  check_input(x.dim() == 4 && x.size(1) == o.dim() && x.size(2) == o.height() && x.size(3) == o.width(),
              "CIEMBlock.forward",
              "x must be [B, " + std::to_string(o.dim()) + ", " + std::to_string(o.height()) + ", " +
                  std::to_string(o.width()) + "], got " + c10::str(x.sizes()));
  const int64_t b = x.size(0), n = o.height() * o.width();
  const std::vector<int64_t> grid{o.height(), o.width()};
  const at::Tensor t = core::grid_to_tokens(x) + pos_embed;  // [B, N, D]

  const at::Tensor spec = t + spec_fc2(torch::gelu(spec_fc1(spec_norm(t))));
  const at::Tensor spat =
      t + core::grid_to_tokens(spat_pw(torch::gelu(spat_dw(core::tokens_to_grid(spat_norm(t), grid)))));
  const at::Tensor spec2 = spec + spec_from_spat(spec_query_norm(spec), spat_key_norm(spat));
  const at::Tensor spat2 = spat + spat_from_spec(spat_query_norm(spat), spec_key_norm(spec));
  const at::Tensor g = gate();
  at::Tensor f = g * spec2 + (1 - g) * spat2;

  const at::Tensor u = moe_norm(f);
  const Saliency s = saliency(u);
  core::RouteContext context;
  context.prior = s.prior;
  f = f + moe->forward(u.reshape({b, n * o.dim()}), context, aux).view({b, n, o.dim()});
  last_saliency_ = {s.map.detach(), s.prior.detach()};
  return core::tokens_to_grid(f, grid);
}

}  // namespace moezoo::models::lgest
