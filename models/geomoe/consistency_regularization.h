#pragma once
/// Consistency regularisation for semi-supervised node classification, after GRAND
/// (Feng et al., "Graph Random Neural Network for Semi-Supervised Learning on Graphs",
/// NeurIPS 2020, Sections 4.1-4.2). It is not part of GeoMoE's paper: moezoo offers it
/// as a training option of the graph pipeline (train.consistency.*) for any model.
///
/// Each training step runs the model S times on randomly perturbed inputs (DropNode:
/// whole feature rows dropped, plus the model's own dropout) and adds to the mean of
/// the S cross-entropies
///   lambda * 1/S sum_s 1/N sum_v || p_s,v - sharpen(pbar_v, T) ||^2,
///   pbar_v = 1/S sum_s p_s,v,  sharpen(p, T)_c = p_c^(1/T) / sum_c' p_c'^(1/T)
/// over every node, labelled or not; the sharpened target carries no gradient.

#include <ATen/core/Tensor.h>

#include <vector>

namespace moezoo::models::geomoe {

struct ConsistencyOptions {
  int64_t samples = 1;       ///< S, perturbed forward passes per step (1 = off)
  double coef = 0.0;         ///< lambda
  double temperature = 0.5;  ///< T of the sharpening
  double drop_node = 0.0;    ///< DropNode rate of the input rows (0 = none)
};

/// Throws a one-line error naming the train.consistency.* key out of range.
void check_consistency_options(const ConsistencyOptions& options);

/// DropNode: x [N, F] -> every row zeroed with probability `rate`, the kept rows
/// scaled by 1 / (1 - rate) so that the expectation is x (GRAND scales at test time
/// instead; with a linear first layer the two agree).
at::Tensor drop_nodes(const at::Tensor& x, double rate);

/// The sharpened mean of probability rows: probs [N, C] -> [N, C].
at::Tensor sharpen(const at::Tensor& probs, double temperature);

/// logits: S tensors [N, C] of the same nodes -> 0-d consistency loss (without lambda).
at::Tensor consistency_loss(const std::vector<at::Tensor>& logits, double temperature);

}  // namespace moezoo::models::geomoe
