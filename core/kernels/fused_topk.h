#pragma once
/// The fused top-k router kernel: scores, expert bias, group-limited top-k,
/// renormalised weights and the tokens-per-expert histogram in one launch, for
/// E <= 256 experts and k <= 8 (DeepSeek-V3's MoEGate, arXiv:2412.19437; the same
/// function as select_topk in core/routing/topk_selection.h).
///
/// One warp per token: lane l holds experts l, l + 32, ... (coalesced loads of the
/// logits row), scores in float32 (softmax by a warp max and sum, or sigmoid), the
/// choice c = s + b; group scores (max or the sum of the two largest) are taken over a
/// copy of c in shared memory, the best topk_group groups by k-th order warp argmax;
/// then k rounds of warp argmax over c outside the dropped groups. Ties go to the lower
/// expert (group) index, and the slots come out by decreasing c, as torch.topk's
/// sorted output. The histogram counts per block in shared memory, then adds to the
/// global counts with integer atomics (exact, so reproducible).

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::core::kernels {

constexpr int64_t kFusedTopKMaxExperts = 256;
constexpr int64_t kFusedTopKMaxK = 8;
constexpr int64_t kFusedTopKMaxGroups = 32;

struct FusedTopKParams {
  int64_t k = 2;
  bool sigmoid = false;           ///< sigmoid scores, else softmax
  bool normalize = true;          ///< divide the k weights by their sum (floored at 1e-20)
  int64_t n_group = 1;            ///< group-limited routing when > 1
  int64_t topk_group = 1;
  bool group_top2 = false;        ///< group score: sum of the two largest, else the largest
  double scaling = 1.0;           ///< routed_scaling_factor
};

/// Whether the kernel takes these logits and options: a CUDA float/half/bfloat16
/// [T, E] with E <= kFusedTopKMaxExperts, k <= kFusedTopKMaxK and, with groups,
/// n_group <= kFusedTopKMaxGroups.
bool fused_topk_supported(const at::Tensor& logits, const FusedTopKParams& params);

/// logits: [T, E] contiguous CUDA (float, half or bfloat16); bias: [E] float32 or
/// undefined (added to the scores for the choice only). Writes
///   indices           [T, k] int64, by decreasing choice score;
///   tokens_per_expert [E] int64: assignments per expert (zeroed here first);
///   probs             [T, E] float32 scores, when defined;
///   weights           [T, k] in the logits' dtype, when defined: the unbiased scores of
///                     the chosen experts, renormalised and scaled;
///   keep_mask         [T, k] bool, when defined: all true (dropless routing).
void fused_topk_out(const at::Tensor& logits, const at::Tensor& bias, const FusedTopKParams& params,
                    at::Tensor& indices, at::Tensor& tokens_per_expert, at::Tensor& probs, at::Tensor& weights,
                    at::Tensor& keep_mask);

}  // namespace moezoo::core::kernels
