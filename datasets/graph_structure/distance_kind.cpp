#include "datasets/graph_structure/distance_kind.h"

#include "core/util/error.h"

namespace moezoo::datasets::graph_structure {

std::string to_string(DistanceKind kind) { return kind == DistanceKind::kHop ? "hop" : "weighted"; }

DistanceKind parse_distance_kind(const std::string& name, const std::string& where) {
  if (name == "hop") return DistanceKind::kHop;
  if (name == "weighted") return DistanceKind::kWeighted;
  throw Error(where + ": unknown distance '" + name + "' (expected hop or weighted)");
}

}  // namespace moezoo::datasets::graph_structure
