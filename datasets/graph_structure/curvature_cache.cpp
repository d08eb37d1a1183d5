#include "datasets/graph_structure/curvature_cache.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <system_error>
#include <vector>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::datasets::graph_structure {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'M', 'Z', 'C', 'U', 'R', 'V', '\r', '\n'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8 + 8 + 8;

struct Fnv1a {
  uint64_t state = 14695981039346656037ull;
  void bytes(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
      state ^= p[i];
      state *= 1099511628211ull;
    }
  }
  template <typename T>
  void value(const T& v) {
    bytes(&v, sizeof(T));
  }
};

template <typename T>
void append(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
T take(const std::string& in, size_t& offset) {
  T v;
  std::memcpy(&v, in.data() + offset, sizeof(T));
  offset += sizeof(T);
  return v;
}

uint64_t checksum(const char* data, size_t size) {
  Fnv1a h;
  h.bytes(data, size);
  return h.state;
}

size_t expected_size(int64_t num_edges) {
  return kHeaderBytes + static_cast<size_t>(num_edges) * (2 * sizeof(int64_t) + 3 * sizeof(double)) + sizeof(uint64_t);
}

std::string encode(const SimpleGraph& graph, const OllivierRicciOptions& options, uint64_t key,
                   const GraphCurvature& curvature) {
  const Fraction alpha = exact_alpha(options.alpha);
  std::string out;
  out.reserve(expected_size(graph.num_edges()));
  out.append(kMagic, sizeof(kMagic));
  append(out, kVersion);
  append(out, static_cast<uint32_t>(options.distance));
  append(out, key);
  append(out, graph.num_nodes());
  append(out, graph.num_edges());
  append(out, alpha.num);
  append(out, alpha.den);
  for (const auto& e : graph.edges()) {
    append(out, e.u);
    append(out, e.v);
  }
  for (const auto* values : {&curvature.ollivier_ricci, &curvature.forman, &curvature.forman_augmented})
    out.append(reinterpret_cast<const char*>(values->data()), values->size() * sizeof(double));
  append(out, checksum(out.data(), out.size()));
  return out;
}

/// Decodes an entry into `curvature`; returns "" on success, else why it is unusable.
std::string decode(const std::string& bytes, const SimpleGraph& graph, const OllivierRicciOptions& options,
                   uint64_t key, GraphCurvature& curvature) {
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    return "not a curvature cache entry (bad magic or truncated header)";
  size_t at = sizeof(kMagic);
  const auto version = take<uint32_t>(bytes, at);
  if (version != kVersion) return "format version " + std::to_string(version) + ", expected " + std::to_string(kVersion);
  const auto distance = take<uint32_t>(bytes, at);
  const auto stored_key = take<uint64_t>(bytes, at);
  const auto num_nodes = take<int64_t>(bytes, at);
  const auto num_edges = take<int64_t>(bytes, at);
  const auto alpha_num = take<int64_t>(bytes, at);
  const auto alpha_den = take<int64_t>(bytes, at);
  const Fraction alpha = exact_alpha(options.alpha);
  if (stored_key != key || distance != static_cast<uint32_t>(options.distance) || num_nodes != graph.num_nodes() ||
      num_edges != graph.num_edges() || alpha_num != alpha.num || alpha_den != alpha.den)
    return "entry of another graph or options";
  if (bytes.size() != expected_size(num_edges))
    return "size " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected_size(num_edges)) +
           " (truncated?)";
  size_t end = bytes.size() - sizeof(uint64_t);
  size_t checksum_at = end;
  if (take<uint64_t>(bytes, checksum_at) != checksum(bytes.data(), end)) return "checksum mismatch (corrupt)";
  for (const auto& e : graph.edges()) {
    const auto u = take<int64_t>(bytes, at);
    const auto v = take<int64_t>(bytes, at);
    if (u != e.u || v != e.v) return "edge list differs from the graph's (hash collision?)";
  }
  for (auto* values : {&curvature.ollivier_ricci, &curvature.forman, &curvature.forman_augmented}) {
    values->resize(static_cast<size_t>(num_edges));
    std::memcpy(values->data(), bytes.data() + at, values->size() * sizeof(double));
    at += values->size() * sizeof(double);
  }
  return "";
}

}  // namespace

fs::path default_curvature_cache_dir() {
  if (const char* cache = std::getenv("MOEZOO_CACHE"); cache && *cache) return fs::path(cache) / "curvature";
  if (const char* home = std::getenv("MOEZOO_HOME"); home && *home) return fs::path(home) / "curvature";
  const char* user_home = std::getenv("HOME");
  return fs::path(user_home && *user_home ? user_home : ".") / ".cache" / "moezoo" / "curvature";
}

uint64_t curvature_cache_key(const SimpleGraph& graph, const OllivierRicciOptions& options) {
  const Fraction alpha = exact_alpha(options.alpha);
  Fnv1a h;
  h.value(kVersion);
  h.value(graph.num_nodes());
  h.value(graph.num_edges());
  for (const auto& e : graph.edges()) {
    h.value(e.u);
    h.value(e.v);
  }
  h.value(static_cast<uint8_t>(graph.weighted()));
  for (double w : graph.weights()) h.value(w);
  h.value(alpha.num);
  h.value(alpha.den);
  h.value(static_cast<uint32_t>(options.distance));
  return h.state;
}

fs::path curvature_cache_file(const fs::path& dir, uint64_t key) {
  char name[32];
  std::snprintf(name, sizeof(name), "%016llx.curv", static_cast<unsigned long long>(key));
  return dir / name;
}

CachedCurvature cached_graph_curvature(const SimpleGraph& graph, const OllivierRicciOptions& options,
                                       const fs::path& dir) {
  CachedCurvature result;
  const uint64_t key = curvature_cache_key(graph, options);
  result.file = curvature_cache_file(dir, key);
  std::error_code ec;
  if (fs::exists(result.file, ec)) {
    std::string why;
    try {
      why = decode(read_file_bytes(result.file), graph, options, key, result.curvature);
    } catch (const Error& e) {
      why = e.what();
    }
    if (why.empty()) {
      fill_node_curvature(graph, result.curvature);
      result.from_cache = true;
      return result;
    }
    result.warning = result.file.string() + ": " + why + "; recomputing";
  }
  result.curvature = compute_graph_curvature(graph, options);
  try {
    write_file_atomically(result.file, encode(graph, options, key, result.curvature));
  } catch (const std::exception& e) {  // moezoo::Error or filesystem_error (read-only directory)
    result.warning += std::string(result.warning.empty() ? "" : "; ") + "cannot write the curvature cache: " + e.what();
  }
  if (!result.warning.empty()) std::cerr << "moezoo: warning: " << result.warning << std::endl;
  return result;
}

}  // namespace moezoo::datasets::graph_structure
