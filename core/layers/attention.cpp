#include "core/layers/attention.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace moezoo::core {
namespace {

// attn_mask in one of its accepted shapes -> a 4-d view broadcastable to [B, H, T, S].
at::Tensor attn_mask_4d(const at::Tensor& m, int64_t batch, int64_t heads, int64_t queries, int64_t keys) {
  const std::string what = "must be [T, S], [B, T, S] or [B, H, T, S] with T=" + std::to_string(queries) +
                           ", S=" + std::to_string(keys) + ", got " + c10::str(m.sizes());
  check_input(m.scalar_type() == at::kBool || at::isFloatingType(m.scalar_type()), "AttentionMasks.attn_mask",
              "must be bool or floating, got " + std::string(c10::toString(m.scalar_type())));
  check_input(m.dim() >= 2 && m.dim() <= 4 && m.size(-2) == queries && m.size(-1) == keys,
              "AttentionMasks.attn_mask", what);
  if (m.dim() == 2) return m.view({1, 1, queries, keys});
  check_input(m.size(0) == batch || m.size(0) == 1, "AttentionMasks.attn_mask", what);
  if (m.dim() == 3) return m.unsqueeze(1);
  check_input(m.size(1) == heads || m.size(1) == 1, "AttentionMasks.attn_mask", what);
  return m;
}

void check_heads(const AttentionOptions& o, const char* where) {
  check_input(o.dim() > 0 && o.heads() > 0 && o.dim() % o.heads() == 0, where,
              "dim (" + std::to_string(o.dim()) + ") must be a positive multiple of heads (" +
                  std::to_string(o.heads()) + ")");
  check_input(o.attn_dropout() >= 0.0 && o.attn_dropout() < 1.0, where, "attn_dropout must be in [0, 1)");
  check_input(o.proj_dropout() >= 0.0 && o.proj_dropout() < 1.0, where, "proj_dropout must be in [0, 1)");
  check_input(o.context_dim() >= 0, where, "context_dim must be >= 0 (0 means dim)");
}

void check_tokens(const at::Tensor& x, int64_t dim, const char* where, const char* name) {
  check_input(x.dim() == 3 && x.size(2) == dim, where,
              std::string(name) + " must be [B, N, " + std::to_string(dim) + "], got " + c10::str(x.sizes()));
}

}  // namespace

at::Tensor merge_attention_masks(const AttentionMasks& masks, int64_t batch, int64_t heads, int64_t queries,
                                 int64_t keys) {
  at::Tensor merged;
  if (masks.attn_mask.defined()) merged = attn_mask_4d(masks.attn_mask, batch, heads, queries, keys);
  if (!masks.key_padding_mask.defined()) return merged;
  const at::Tensor& pad = masks.key_padding_mask;
  check_input(pad.scalar_type() == at::kBool && pad.dim() == 2 && pad.size(0) == batch && pad.size(1) == keys,
              "AttentionMasks.key_padding_mask",
              "must be bool [B, S] with B=" + std::to_string(batch) + ", S=" + std::to_string(keys) + ", got " +
                  c10::str(pad.scalar_type()) + " " + c10::str(pad.sizes()));
  const at::Tensor keep = pad.logical_not().view({batch, 1, 1, keys});
  if (!merged.defined()) return keep;
  if (merged.scalar_type() == at::kBool) return merged.logical_and(keep);
  return at::where(keep, merged, at::full({}, -std::numeric_limits<double>::infinity(), merged.options()));
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const AttentionMasks& masks,
                     double dropout_p) {
  at::Tensor mask = merge_attention_masks(masks, q.size(0), q.size(1), q.size(2), k.size(2));
  // SDPA wants an additive mask in the query's dtype.
  if (mask.defined() && mask.scalar_type() != at::kBool) mask = mask.to(q.scalar_type());
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  return at::scaled_dot_product_attention(q, k, v, mask.defined() ? std::optional<at::Tensor>(mask) : std::nullopt,
                                          dropout_p, /*is_causal=*/false, scale);
}

at::Tensor attention_reference(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const AttentionMasks& masks) {
  const at::Tensor mask = merge_attention_masks(masks, q.size(0), q.size(1), q.size(2), k.size(2));
  at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(q.size(-1)));
  if (mask.defined()) {
    scores = mask.scalar_type() == at::kBool
                 ? scores.masked_fill(mask.logical_not(), -std::numeric_limits<double>::infinity())
                 : scores + mask.to(scores.scalar_type());
  }
  return at::matmul(at::softmax(scores, -1), v);
}

// ---- SelfAttention ----------------------------------------------------------

SelfAttentionImpl::SelfAttentionImpl(AttentionOptions options) : options(options) { reset(); }

void SelfAttentionImpl::reset() {
  check_heads(options, "SelfAttention");
  const int64_t d = options.dim();
  qkv = register_module("qkv", torch::nn::Linear(torch::nn::LinearOptions(d, 3 * d).bias(options.qkv_bias())));
  proj = register_module("proj", torch::nn::Linear(d, d));
  proj_drop = register_module("proj_drop", torch::nn::Dropout(options.proj_dropout()));
}

at::Tensor SelfAttentionImpl::forward(const at::Tensor& x, const AttentionMasks& masks) {
  check_tokens(x, options.dim(), "SelfAttention.forward", "x");
  const int64_t b = x.size(0), t = x.size(1), h = options.heads(), dh = options.dim() / h;
  const at::Tensor qkv_h = qkv->forward(x).view({b, t, 3, h, dh}).permute({2, 0, 3, 1, 4});  // [3, B, H, T, dh]
  const at::Tensor o =
      attention(qkv_h[0], qkv_h[1], qkv_h[2], masks, is_training() ? options.attn_dropout() : 0.0);
  return proj_drop->forward(proj->forward(o.transpose(1, 2).reshape({b, t, options.dim()})));
}

void SelfAttentionImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::SelfAttention(dim=" << options.dim() << ", heads=" << options.heads() << ")";
}

// ---- CrossAttention ---------------------------------------------------------

CrossAttentionImpl::CrossAttentionImpl(AttentionOptions options) : options(options) { reset(); }

int64_t CrossAttentionImpl::context_dim() const {
  return options.context_dim() > 0 ? options.context_dim() : options.dim();
}

void CrossAttentionImpl::reset() {
  check_heads(options, "CrossAttention");
  const int64_t d = options.dim();
  q = register_module("q", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(options.qkv_bias())));
  kv = register_module("kv",
                       torch::nn::Linear(torch::nn::LinearOptions(context_dim(), 2 * d).bias(options.qkv_bias())));
  proj = register_module("proj", torch::nn::Linear(d, d));
  proj_drop = register_module("proj_drop", torch::nn::Dropout(options.proj_dropout()));
}

at::Tensor CrossAttentionImpl::forward(const at::Tensor& x, const at::Tensor& context, const AttentionMasks& masks) {
  check_tokens(x, options.dim(), "CrossAttention.forward", "x");
  check_tokens(context, context_dim(), "CrossAttention.forward", "context");
  check_input(context.size(0) == x.size(0), "CrossAttention.forward",
              "context batch " + std::to_string(context.size(0)) + " != x batch " + std::to_string(x.size(0)));
  const int64_t b = x.size(0), t = x.size(1), s = context.size(1), h = options.heads(), dh = options.dim() / h;
  const at::Tensor q_h = q->forward(x).view({b, t, h, dh}).transpose(1, 2);                         // [B, H, T, dh]
  const at::Tensor kv_h = kv->forward(context).view({b, s, 2, h, dh}).permute({2, 0, 3, 1, 4});  // [2, B, H, S, dh]
  const at::Tensor o = attention(q_h, kv_h[0], kv_h[1], masks, is_training() ? options.attn_dropout() : 0.0);
  return proj_drop->forward(proj->forward(o.transpose(1, 2).reshape({b, t, options.dim()})));
}

void CrossAttentionImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::CrossAttention(dim=" << options.dim() << ", context_dim=" << context_dim()
         << ", heads=" << options.heads() << ")";
}

}  // namespace moezoo::core
