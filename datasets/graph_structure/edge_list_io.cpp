#include "datasets/graph_structure/edge_list_io.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/graph_structure/number_text.h"

namespace moezoo::datasets::graph_structure {

namespace fs = std::filesystem;

namespace {

bool is_separator(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r'; }

/// Splits a line at runs of separators (so "u, v" and "u\tv" both work).
void split(std::string_view line, std::vector<std::string_view>& tokens) {
  tokens.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_separator(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !is_separator(line[i])) ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
}

std::string show(std::string_view token) {
  return "'" + std::string(token.substr(0, 40)) + (token.size() > 40 ? "...'" : "'");
}

void append_double(std::string& out, double value) { out += number_text(value); }

void append_int(std::string& out, int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

}  // namespace

SimpleGraph read_edge_list(const fs::path& path, int64_t num_nodes) {
  const std::string text = read_file_bytes(path);
  const std::string name = path.string();
  std::vector<int64_t> src, dst;
  std::vector<double> weights;
  std::vector<std::string_view> tokens;
  size_t columns = 0;
  int64_t max_id = -1;
  size_t line_number = 0;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    ++line_number;
    split(line, tokens);
    if (tokens.empty() || tokens[0][0] == '#') continue;
    // Messages (and "file:line") are built only on failure: this loop runs once per edge.
    auto fail = [&](const std::string& what) { throw Error(name + ":" + std::to_string(line_number) + ": " + what); };
    if (tokens.size() != 2 && tokens.size() != 3)
      fail("expected 'u v' or 'u v length', got " + std::to_string(tokens.size()) + " columns");
    if (columns == 0) columns = tokens.size();
    if (tokens.size() != columns)
      fail(std::to_string(tokens.size()) + " columns where earlier lines have " + std::to_string(columns));
    int64_t ids[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
      const auto token = tokens[static_cast<size_t>(k)];
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), ids[k]);
      if (ec != std::errc() || ptr != token.data() + token.size() || ids[k] < 0)
        fail(show(token) + " is not a node id (a non-negative integer)");
      if (num_nodes >= 0 && ids[k] >= num_nodes)
        fail("node id " + std::to_string(ids[k]) + " is outside [0, " + std::to_string(num_nodes) + ")");
      max_id = std::max(max_id, ids[k]);
    }
    src.push_back(ids[0]);
    dst.push_back(ids[1]);
    if (columns == 3) {
      double w = 0;
      const auto token = tokens[2];
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), w);
      if (ec != std::errc() || ptr != token.data() + token.size()) fail(show(token) + " is not a number");
      if (!(std::isfinite(w) && w > 0)) fail("edge length " + std::string(token) + " must be finite and > 0");
      weights.push_back(w);
    }
  }
  if (num_nodes < 0) num_nodes = max_id + 1;
  return SimpleGraph::from_directed_pairs(num_nodes, src.data(), dst.data(), static_cast<int64_t>(src.size()),
                                          columns == 3 ? weights.data() : nullptr, name);
}

void write_edge_curvature_csv(const fs::path& path, const SimpleGraph& graph, const GraphCurvature& curvature) {
  const size_t edges = graph.edges().size();
  check_input(curvature.ollivier_ricci.size() == edges && curvature.forman.size() == edges &&
                  curvature.forman_augmented.size() == edges,
              path.string(), "curvature does not match the graph's " + std::to_string(edges) + " edges");
  std::string out = "u,v,ollivier_ricci,forman,forman_augmented\n";
  out.reserve(out.size() + edges * 64);
  for (size_t e = 0; e < edges; ++e) {
    append_int(out, graph.edges()[e].u);
    out += ',';
    append_int(out, graph.edges()[e].v);
    for (const auto* values : {&curvature.ollivier_ricci, &curvature.forman, &curvature.forman_augmented}) {
      out += ',';
      append_double(out, (*values)[e]);
    }
    out += '\n';
  }
  write_file_atomically(path, out);
}

void write_node_curvature_csv(const fs::path& path, const SimpleGraph& graph, const GraphCurvature& curvature) {
  const auto nodes = static_cast<size_t>(graph.num_nodes());
  check_input(curvature.node_ollivier_ricci.size() == nodes && curvature.node_forman.size() == nodes &&
                  curvature.node_forman_augmented.size() == nodes,
              path.string(), "node curvature does not match the graph's " + std::to_string(nodes) + " nodes");
  const auto degrees = graph.degrees();
  std::string out = "node,degree,ollivier_ricci,forman,forman_augmented\n";
  out.reserve(out.size() + nodes * 64);
  for (size_t v = 0; v < nodes; ++v) {
    append_int(out, static_cast<int64_t>(v));
    out += ',';
    append_int(out, degrees[v]);
    for (const auto* values :
         {&curvature.node_ollivier_ricci, &curvature.node_forman, &curvature.node_forman_augmented}) {
      out += ',';
      append_double(out, (*values)[v]);
    }
    out += '\n';
  }
  write_file_atomically(path, out);
}

}  // namespace moezoo::datasets::graph_structure
