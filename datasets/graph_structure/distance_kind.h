#pragma once
/// Which graph metric Ollivier-Ricci transport costs use.

#include <string>

namespace moezoo::datasets::graph_structure {

enum class DistanceKind {
  kHop,       ///< number of edges (lengths ignored)
  kWeighted,  ///< sum of edge lengths (SimpleGraph::weights(), 1 when unweighted)
};

/// "hop" or "weighted".
std::string to_string(DistanceKind kind);
/// Parses "hop" / "weighted"; throws Error naming `where` otherwise.
DistanceKind parse_distance_kind(const std::string& name, const std::string& where = "distance");

}  // namespace moezoo::datasets::graph_structure
