#pragma once
/// What `moezoo-geomoe infer` and the end of training write about each node:
/// predictions as CSV and, for mixture models, the gate's expert weights and a
/// plot of gate weight against node curvature.

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <vector>

#include "datasets/graph/graph_data.h"

namespace moezoo::pipelines::geomoe {

/// CSV, one row per node: node,split,label,prediction,confidence,prob_<c>...,
/// then curvature (when node_curvature is defined: the mean Ollivier-Ricci curvature
/// of the node's edges) and weight_<expert>... (when expert_weights is defined).
/// logits: [N, C], expert_weights: [N, E] or undefined, node_curvature: [N] or
/// undefined. Written atomically.
void write_node_predictions_csv(const std::filesystem::path& path, const datasets::graph::GraphData& graph,
                                const at::Tensor& logits, const at::Tensor& expert_weights,
                                const at::Tensor& node_curvature, const std::vector<std::string>& expert_names);

/// PNG line chart: the mean gate weight of each expert over nodes binned by curvature
/// (`bins` equal-width bins over the observed range; empty bins are left out).
/// expert_weights: [N, E], node_curvature: [N].
void plot_gate_against_curvature(const std::filesystem::path& png, const at::Tensor& expert_weights,
                                 const at::Tensor& node_curvature, const std::vector<std::string>& expert_names,
                                 int bins = 20);

}  // namespace moezoo::pipelines::geomoe
