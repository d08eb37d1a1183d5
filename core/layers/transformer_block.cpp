#include "core/layers/transformer_block.h"

#include <torch/torch.h>

#include <cmath>

#include "core/layers/mlp.h"
#include "core/layers/norm.h"
#include "core/util/error.h"

namespace moezoo::core {

TransformerBlockImpl::TransformerBlockImpl(TransformerBlockOptions options, std::shared_ptr<FeedForward> ffn_module)
    : options(std::move(options)) {
  const auto& o = this->options;
  check_input(o.mlp_ratio() > 0.0, "TransformerBlockOptions.mlp_ratio", "must be positive");
  const auto norm_options = NormOptions(o.norm(), o.dim()).eps(o.norm_eps());
  const auto attn_options = AttentionOptions(o.dim(), o.heads())
                                .qkv_bias(o.qkv_bias())
                                .attn_dropout(o.attn_dropout())
                                .proj_dropout(o.dropout())
                                .context_dim(o.context_dim());
  norm1 = make_norm(norm_options);
  register_module("norm1", norm1.ptr());
  attn = register_module("attn", SelfAttention(attn_options));
  if (o.cross_attention()) {
    norm_cross = make_norm(norm_options);
    register_module("norm_cross", norm_cross.ptr());
    cross_attn = register_module("cross_attn", CrossAttention(attn_options));
  }
  norm2 = make_norm(norm_options);
  register_module("norm2", norm2.ptr());
  if (!ffn_module) {
    const auto hidden = static_cast<int64_t>(std::llround(o.mlp_ratio() * static_cast<double>(o.dim())));
    ffn_module = MLP(MLPOptions(o.dim()).hidden(hidden).activation(o.activation()).dropout(o.dropout())).ptr();
  }
  ffn = register_module("ffn", std::move(ffn_module));
  drop_path = register_module("drop_path", DropPath(o.drop_path()));
}

at::Tensor TransformerBlockImpl::forward(const at::Tensor& x, AuxLosses* aux, const at::Tensor& context,
                                         const AttentionMasks& self_masks, const AttentionMasks& context_masks) {
  check_input(x.dim() == 3 && x.size(2) == options.dim(), "TransformerBlock.forward",
              "x must be [B, T, " + std::to_string(options.dim()) + "], got " + c10::str(x.sizes()));
  check_input(context.defined() == options.cross_attention(), "TransformerBlock.forward",
              options.cross_attention() ? "context is required (cross_attention is on)"
                                        : "context given but cross_attention is off");
  at::Tensor h = x + drop_path->forward(attn->forward(norm1.forward(x), self_masks));
  if (options.cross_attention()) {
    h = h + drop_path->forward(cross_attn->forward(norm_cross.forward(h), context, context_masks));
  }
  return h + drop_path->forward(ffn->forward(norm2.forward(h), aux));
}

void TransformerBlockImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::TransformerBlock(dim=" << options.dim() << ", heads=" << options.heads()
         << ", norm=" << options.norm() << ", cross_attention=" << (options.cross_attention() ? "true" : "false")
         << ", drop_path=" << options.drop_path() << ")";
}

}  // namespace moezoo::core
