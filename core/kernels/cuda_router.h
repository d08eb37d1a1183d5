#pragma once
/// select_topk (core/routing/topk_selection.h) on CUDA through the fused router kernel
/// (core/kernels/fused_topk.h); select_topk calls it for the logits it supports, so
/// TopKRouter and PriorRouter take it without change.
///
/// Gradients: the kernel makes the choice (indices, no gradient) and the histogram.
/// When the logits need a gradient, router_probs = compute_scores(logits) and the
/// combine weights (gather, renormalise, scale) are recomputed with ATen ops, exactly
/// as on the CPU, so autograd differentiates them w.r.t. the logits; otherwise (no
/// grad: inference, evaluation) the kernel's own probabilities and weights are used
/// and the whole router is one launch (plus the histogram's memset). Dropless routing
/// (capacity_factor <= 0) takes keep_mask and tokens_per_expert from the kernel and
/// needs no device sync; capacity limits go through apply_capacity as on the CPU.

#include <ATen/core/Tensor.h>

#include "core/routing/routing.h"
#include "core/routing/topk_selection.h"

namespace moezoo::core {

/// Whether select_topk_cuda takes these logits: CUDA float32/float16/bfloat16 [T, E]
/// with E <= 256, k <= 8 and, with groups, n_group <= 32.
bool select_topk_cuda_supported(const at::Tensor& logits, const TopKSelectionOptions& options);

/// select_topk's contract (options already checked; expert_bias [E] or undefined).
Routing select_topk_cuda(const at::Tensor& logits, const TopKSelectionOptions& options,
                         const at::Tensor& expert_bias);

}  // namespace moezoo::core
