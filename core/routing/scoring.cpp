#include "core/routing/scoring.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

ScoreFunction parse_score_function(const std::string& name, const std::string& key) {
  if (name == "softmax") return ScoreFunction::kSoftmax;
  if (name == "sigmoid") return ScoreFunction::kSigmoid;
  throw Error(key + ": unknown score function '" + name + "' (expected softmax or sigmoid)");
}

std::string to_string(ScoreFunction function) { return function == ScoreFunction::kSoftmax ? "softmax" : "sigmoid"; }

at::Tensor compute_scores(const at::Tensor& logits, ScoreFunction function) {
  at::Tensor x = logits;
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble) x = x.to(at::kFloat);
  return function == ScoreFunction::kSoftmax ? x.softmax(-1) : x.sigmoid();
}

at::Tensor normalize_scores(const at::Tensor& scores) {
  // The floor only matters when every sigmoid score of a token underflows to zero.
  return scores / scores.sum(-1, /*keepdim=*/true).clamp_min(1e-20);
}

}  // namespace moezoo::core
