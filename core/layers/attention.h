#pragma once
/// Multi-head scaled dot-product attention (Vaswani et al., "Attention Is All You
/// Need", NeurIPS 2017, eq. 1 and section 3.2.2):
///   Attention(Q, K, V) = softmax(Q K^T / sqrt(d_head) + M) V,
///   MultiHead(x, c) = Concat(head_1..head_H) W_O,  head_h = Attention(x W_Q^h, c W_K^h, c W_V^h)
/// Self-attention takes c = x (one fused qkv projection, as timm's ViT); cross-attention
/// takes queries from x and keys/values from a context c (encoder-decoder attention,
/// Perceiver, DETR). The kernel is at::scaled_dot_product_attention (flash / memory
/// efficient / math backends chosen by ATen); attention_reference() is the explicit
/// formula the tests compare it with.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <ostream>

namespace moezoo::core {

/// Optional masks; an undefined tensor means "none".
struct AttentionMasks {
  /// bool [T, S], [B, T, S] or [B, H, T, S]: true where query t may attend to key s
  /// (the at::scaled_dot_product_attention convention); or a floating additive mask
  /// of the same shapes (0 or -inf).
  at::Tensor attn_mask;
  /// bool [B, S]: true marks a padding key that no query attends to
  /// (torch.nn.MultiheadAttention's convention).
  at::Tensor key_padding_mask;
};

/// Merges both masks into one mask broadcastable to [B, H, T, S] (bool when attn_mask
/// is bool or absent, additive float otherwise); undefined when neither is given.
/// Throws moezoo::Error naming the mask when its shape does not fit.
at::Tensor merge_attention_masks(const AttentionMasks& masks, int64_t batch, int64_t heads, int64_t queries,
                                 int64_t keys);

/// q: [B, H, T, dh], k, v: [B, H, S, dh] -> [B, H, T, dh], through
/// at::scaled_dot_product_attention with scale 1/sqrt(dh). dropout_p acts on the
/// attention weights (pass 0 in evaluation). A query whose keys are all masked out
/// has an undefined (NaN) output.
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const AttentionMasks& masks = {},
                     double dropout_p = 0.0);

/// The explicit reference: softmax(q k^T / sqrt(dh) + mask) v, no dropout. Same shapes.
at::Tensor attention_reference(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const AttentionMasks& masks = {});

struct AttentionOptions {
  AttentionOptions(int64_t dim, int64_t heads) : dim_(dim), heads_(heads) {}
  /// Model width D (query input and output); must be divisible by heads.
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(int64_t, heads);
  /// Cross-attention only: width of the context; 0 means dim.
  TORCH_ARG(int64_t, context_dim) = 0;
  /// Bias on the q, k, v projections (the output projection always has one).
  TORCH_ARG(bool, qkv_bias) = true;
  /// Dropout on the attention weights.
  TORCH_ARG(double, attn_dropout) = 0.0;
  /// Dropout after the output projection.
  TORCH_ARG(double, proj_dropout) = 0.0;
};

/// Multi-head self-attention with a fused qkv projection.
class SelfAttentionImpl : public torch::nn::Cloneable<SelfAttentionImpl> {
 public:
  explicit SelfAttentionImpl(AttentionOptions options);
  void reset() override;
  /// x: [B, T, D] -> [B, T, D]; masks index keys by T.
  at::Tensor forward(const at::Tensor& x, const AttentionMasks& masks = {});
  void pretty_print(std::ostream& stream) const override;

  AttentionOptions options;
  /// qkv: D -> 3D laid out [q | k | v], each split into heads; proj: D -> D.
  torch::nn::Linear qkv{nullptr}, proj{nullptr};
  torch::nn::Dropout proj_drop{nullptr};
};
TORCH_MODULE(SelfAttention);

/// Multi-head cross-attention: queries from x, keys and values from a context.
class CrossAttentionImpl : public torch::nn::Cloneable<CrossAttentionImpl> {
 public:
  explicit CrossAttentionImpl(AttentionOptions options);
  void reset() override;
  /// x: [B, T, D], context: [B, S, Dc] -> [B, T, D]; masks index keys by S.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const AttentionMasks& masks = {});
  void pretty_print(std::ostream& stream) const override;

  /// Context width actually used (context_dim, or dim).
  int64_t context_dim() const;

  AttentionOptions options;
  /// q: D -> D; kv: Dc -> 2D laid out [k | v]; proj: D -> D.
  torch::nn::Linear q{nullptr}, kv{nullptr}, proj{nullptr};
  torch::nn::Dropout proj_drop{nullptr};
};
TORCH_MODULE(CrossAttention);

}  // namespace moezoo::core
