#pragma once
/// How router logits become expert scores: softmax (Switch, Mixtral, MMoE) or an
/// independent sigmoid per expert (DeepSeek-V3). Shared by every router so that the
/// scoring rule lives in one place.

#include <ATen/core/Tensor.h>

#include <string>

namespace moezoo::core {

enum class ScoreFunction { kSoftmax, kSigmoid };

/// "softmax" | "sigmoid"; anything else throws moezoo::Error naming `key`.
ScoreFunction parse_score_function(const std::string& name, const std::string& key = "router.scoring");
std::string to_string(ScoreFunction function);

/// logits: [T, E] -> scores [T, E]. Reduced-precision logits (half, bfloat16) are
/// scored in float32, since top-k ties and the normalisation are precision sensitive;
/// float32 and float64 stay as they are.
at::Tensor compute_scores(const at::Tensor& logits, ScoreFunction function);

/// scores: [T, E] -> s / sum_j s per token (the "normalised scores" s' of DeepSeek-V3);
/// rows of softmax scores already sum to one, sigmoid rows do not.
at::Tensor normalize_scores(const at::Tensor& scores);

}  // namespace moezoo::core
