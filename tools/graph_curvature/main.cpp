/// moezoo-graph-curvature: per-edge and per-node Ollivier-Ricci and Forman curvature of
/// an edge list, written as CSV; timings on stderr.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <string>

#include "core/util/error.h"
#include "datasets/graph_structure/curvature_cache.h"
#include "datasets/graph_structure/edge_list_io.h"
#include "datasets/graph_structure/forman.h"
#include "datasets/graph_structure/graph_curvature.h"
#include "datasets/graph_structure/ollivier_ricci.h"

namespace fs = std::filesystem;
using namespace moezoo;
using namespace moezoo::datasets::graph_structure;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Args {
  fs::path edges;
  fs::path edges_out = "edge_curvature.csv";
  fs::path nodes_out;
  int64_t num_nodes = -1;
  double alpha = 0.5;
  std::string distance = "hop";
  int threads = 1;
  int repeat = 1;
  std::optional<fs::path> cache_dir;
};

int run(const Args& args) {
  OllivierRicciOptions options;
  options.alpha = args.alpha;
  options.distance = parse_distance_kind(args.distance, "--distance");
  options.threads = args.threads;
  exact_alpha(options.alpha);  // reject a bad --alpha before reading anything
  check_input(args.repeat >= 1, "--repeat", "must be >= 1");

  auto start = Clock::now();
  const SimpleGraph graph = read_edge_list(args.edges, args.num_nodes);
  const double read_ms = ms_since(start);
  std::fprintf(stderr, "moezoo-graph-curvature: %s: %lld nodes, %lld edges (%s), read in %.1f ms\n",
               args.edges.string().c_str(), static_cast<long long>(graph.num_nodes()),
               static_cast<long long>(graph.num_edges()), graph.weighted() ? "weighted" : "unweighted", read_ms);

  GraphCurvature curvature;
  if (args.cache_dir) {
    start = Clock::now();
    auto cached = cached_graph_curvature(graph, options, *args.cache_dir);
    std::fprintf(stderr, "moezoo-graph-curvature: cache %s (%s) in %.1f ms\n", cached.from_cache ? "hit" : "miss",
                 cached.file.string().c_str(), ms_since(start));
    curvature = std::move(cached.curvature);
  } else {
    // Best of --repeat runs: the benchmark's steady-state number (building the Boost.Graph
    // view is part of each run).
    double best_ms = std::numeric_limits<double>::infinity();
    for (int r = 0; r < args.repeat; ++r) {
      start = Clock::now();
      curvature.ollivier_ricci = ollivier_ricci(graph, options);
      best_ms = std::min(best_ms, ms_since(start));
    }
    start = Clock::now();
    auto forman = forman_curvature(graph);
    const double forman_ms = ms_since(start);
    curvature.forman = std::move(forman.forman);
    curvature.forman_augmented = std::move(forman.augmented);
    fill_node_curvature(graph, curvature);
    std::fprintf(stderr,
                 "moezoo-graph-curvature: ollivier-ricci %.3f ms (alpha %g, %s distance, %d threads, best of %d; "
                 "%.0f edges/s); forman %.3f ms\n",
                 best_ms, args.alpha, args.distance.c_str(), args.threads, args.repeat,
                 static_cast<double>(graph.num_edges()) / (best_ms / 1000.0), forman_ms);
  }

  start = Clock::now();
  write_edge_curvature_csv(args.edges_out, graph, curvature);
  if (!args.nodes_out.empty()) write_node_curvature_csv(args.nodes_out, graph, curvature);
  std::fprintf(stderr, "moezoo-graph-curvature: wrote %s%s%s in %.1f ms\n", args.edges_out.string().c_str(),
               args.nodes_out.empty() ? "" : " and ", args.nodes_out.string().c_str(), ms_since(start));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Ollivier-Ricci (exact optimal transport) and Forman curvature of every edge and node of a graph",
               "moezoo-graph-curvature"};
  Args args;
  app.add_option("edges", args.edges, "edge list: one 'u v' or 'u,v' (optionally 'u v length') per line, '#' comments")
      ->required();
  app.add_option("--edges-out,-o", args.edges_out, "per-edge CSV: u,v,ollivier_ricci,forman,forman_augmented")
      ->capture_default_str();
  app.add_option("--nodes-out", args.nodes_out, "per-node CSV: node,degree,ollivier_ricci,forman,forman_augmented");
  app.add_option("--num-nodes", args.num_nodes, "number of nodes (default: largest id + 1)");
  app.add_option("--alpha", args.alpha, "idleness: mass kept at the node, a fraction p/q with q <= 10^6")
      ->capture_default_str();
  app.add_option("--distance", args.distance, "transport cost metric: hop or weighted (third column)")
      ->capture_default_str();
  app.add_option("--threads", args.threads, "worker threads over edges (0: all hardware threads)")
      ->capture_default_str();
  app.add_option("--repeat", args.repeat, "run Ollivier-Ricci this many times and report the best time")
      ->capture_default_str();
  app.add_option_function<std::string>(
      "--cache", [&](const std::string& dir) { args.cache_dir = fs::path(dir); },
      "read/write the curvature cache in this folder (keyed by the graph's content)");
  app.footer("Example: moezoo-graph-curvature cora_edges.txt --alpha 0.5 --threads 2 -o edges.csv --nodes-out nodes.csv");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return run(args);
  } catch (const Error& e) {
    std::cerr << "moezoo-graph-curvature: error: " << e.what() << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "moezoo-graph-curvature: error: " << e.what() << std::endl;
    return 3;
  }
}
