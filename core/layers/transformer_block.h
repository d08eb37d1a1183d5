#pragma once
/// A pre-norm Transformer block (Vaswani et al. 2017 with the pre-LN placement of
/// Xiong et al., "On Layer Normalization in the Transformer Architecture", ICML 2020,
/// as in ViT and timm's `Block`), with stochastic depth on every residual branch:
///   x = x + DropPath(SelfAttn(Norm1(x)))
///   x = x + DropPath(CrossAttn(NormC(x), context))      (optional)
///   x = x + DropPath(FFN(Norm2(x)))
/// FFN is any core::FeedForward: an MLP by default, or an MoE layer, whose auxiliary
/// losses are collected into the caller's AuxLosses. The context is used as given
/// (normalise it upstream if needed), as in Stable Diffusion's BasicTransformerBlock.

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <ostream>
#include <string>

#include "core/layers/attention.h"
#include "core/layers/drop_path.h"
#include "core/moe/aux_losses.h"
#include "core/moe/feed_forward.h"

namespace moezoo::core {

struct TransformerBlockOptions {
  TransformerBlockOptions(int64_t dim, int64_t heads) : dim_(dim), heads_(heads) {}
  /// Model width D.
  TORCH_ARG(int64_t, dim);
  /// Attention heads (D divisible by heads).
  TORCH_ARG(int64_t, heads);
  /// Hidden width of the default MLP: mlp_ratio * D.
  TORCH_ARG(double, mlp_ratio) = 4.0;
  /// Activation of the default MLP (any name from activation_names()).
  TORCH_ARG(std::string, activation) = "gelu";
  /// layernorm or rmsnorm, for every norm of the block.
  TORCH_ARG(std::string, norm) = "layernorm";
  TORCH_ARG(double, norm_eps) = 1e-6;
  TORCH_ARG(bool, qkv_bias) = true;
  /// Dropout after the attention projections and inside the default MLP.
  TORCH_ARG(double, dropout) = 0.0;
  /// Dropout on the attention weights.
  TORCH_ARG(double, attn_dropout) = 0.0;
  /// Stochastic-depth probability of each residual branch.
  TORCH_ARG(double, drop_path) = 0.0;
  /// Adds the cross-attention sub-layer (then forward needs a context).
  TORCH_ARG(bool, cross_attention) = false;
  /// Context width for cross-attention; 0 means dim.
  TORCH_ARG(int64_t, context_dim) = 0;
};

/// Not Cloneable: the FFN slot may hold a module shared with the caller (an MoE layer).
class TransformerBlockImpl : public torch::nn::Module {
 public:
  /// `ffn` fills the feed-forward slot (it must map [B, T, D] -> [B, T, D]); null means
  /// MLP(dim, mlp_ratio * dim, activation, dropout).
  explicit TransformerBlockImpl(TransformerBlockOptions options, std::shared_ptr<FeedForward> ffn = nullptr);

  /// x: [B, T, D], context: [B, S, Dc] (required iff cross_attention) -> [B, T, D].
  /// The FFN's auxiliary losses are added to *aux when aux is not null.
  /// self_masks index keys by T, context_masks by S.
  at::Tensor forward(const at::Tensor& x, AuxLosses* aux = nullptr, const at::Tensor& context = {},
                     const AttentionMasks& self_masks = {}, const AttentionMasks& context_masks = {});
  void pretty_print(std::ostream& stream) const override;

  TransformerBlockOptions options;
  torch::nn::AnyModule norm1, norm_cross, norm2;
  SelfAttention attn{nullptr};
  CrossAttention cross_attn{nullptr};
  std::shared_ptr<FeedForward> ffn;
  DropPath drop_path{nullptr};
};
TORCH_MODULE(TransformerBlock);

}  // namespace moezoo::core
