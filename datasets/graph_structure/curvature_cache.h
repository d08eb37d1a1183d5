#pragma once
/// Curvature computed once per graph and kept on disk, keyed by the graph's content
/// (nodes, edges, lengths) and the Ollivier-Ricci options that change the values.

#include <cstdint>
#include <filesystem>
#include <string>

#include "datasets/graph_structure/graph_curvature.h"

namespace moezoo::datasets::graph_structure {

/// $MOEZOO_CACHE/curvature when MOEZOO_CACHE is set, else
/// ${MOEZOO_HOME:-$HOME/.cache/moezoo}/curvature (beside the venv tools/setup.sh makes).
std::filesystem::path default_curvature_cache_dir();

/// 64-bit FNV-1a of the format version, node count, edges, lengths (when weighted), alpha
/// as its exact fraction and the distance kind. Thread count is not part of it (results
/// do not depend on it), and neither is edge order (edges() is canonical).
uint64_t curvature_cache_key(const SimpleGraph& graph, const OllivierRicciOptions& options);

/// The entry of `key` in `dir`: "<16 hex digits>.curv".
std::filesystem::path curvature_cache_file(const std::filesystem::path& dir, uint64_t key);

struct CachedCurvature {
  GraphCurvature curvature;
  bool from_cache = false;     ///< read from `file` rather than computed
  std::filesystem::path file;  ///< the cache entry
  std::string warning;         ///< why an existing entry was not used or could not be written ("" if none)
};

/// Reads the entry for (graph, options) from `dir`, or computes it and writes it there
/// atomically. Binary, little-endian: magic "MZCURV\r\n", version, key, sizes, alpha,
/// the edges themselves, the three per-edge curvatures, and a FNV-1a checksum of all
/// that. An entry that is truncated, corrupt, of another version or of another graph
/// is recomputed and replaced, with a one-line warning on stderr (also in `warning`);
/// an unwritable directory only costs the warning.
CachedCurvature cached_graph_curvature(const SimpleGraph& graph, const OllivierRicciOptions& options,
                                       const std::filesystem::path& dir = default_curvature_cache_dir());

}  // namespace moezoo::datasets::graph_structure
