#include "pipelines/geomoe/graph_inputs_builder.h"

#include <torch/torch.h>

#include <chrono>
#include <iostream>

#include "datasets/graph_structure/curvature_cache.h"
#include "models/geomoe/curvature_features.h"
#include "models/geomoe/graph_adjacency.h"

namespace moezoo::pipelines::geomoe {

namespace gs = datasets::graph_structure;

at::Tensor edge_ollivier_ricci(const datasets::graph::GraphData& graph, const CurvatureSettings& curvature) {
  const at::Tensor edges = graph.edge_index.to(torch::kCPU).contiguous();
  const int64_t count = edges.size(1);
  const int64_t* src = edges.data_ptr<int64_t>();
  const int64_t* dst = src + count;
  const auto simple = gs::SimpleGraph::from_directed_pairs(graph.num_nodes(), src, dst, count, nullptr,
                                                           graph.name + " edge_index");
  const auto start = std::chrono::steady_clock::now();
  const auto cached = curvature.cache_dir.empty() ? gs::cached_graph_curvature(simple, curvature.orc)
                                                  : gs::cached_graph_curvature(simple, curvature.orc, curvature.cache_dir);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "moezoo-geomoe: Ollivier-Ricci curvature of " << simple.num_edges() << " edges "
            << (cached.from_cache ? "read from " : "computed in " + std::to_string(seconds) + " s, cached in ")
            << cached.file.string() << "\n";

  const auto ids = simple.edge_ids(src, dst, count, graph.name + " edge_index");
  at::Tensor values = torch::empty({count}, torch::kFloat64);
  double* out = values.data_ptr<double>();
  for (int64_t i = 0; i < count; ++i) out[i] = ids[i] < 0 ? 0.0 : cached.curvature.ollivier_ricci[ids[i]];
  return values;
}

models::geomoe::GraphInputs build_graph_inputs(const datasets::graph::GraphData& graph,
                                               const CurvatureSettings& curvature) {
  models::geomoe::GraphInputs inputs;
  inputs.x = graph.x;
  inputs.edge_index = graph.edge_index;
  inputs.adj = models::geomoe::normalized_adjacency(graph.edge_index, graph.num_nodes());
  if (curvature.needed) {
    inputs.edge_curvature = edge_ollivier_ricci(graph, curvature).to(torch::kFloat32);
    inputs.node_curvature =
        models::geomoe::node_curvature_features(graph.edge_index, inputs.edge_curvature, graph.num_nodes());
  }
  return inputs;
}

}  // namespace moezoo::pipelines::geomoe
