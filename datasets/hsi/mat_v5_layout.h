#pragma once
/// The chain of top-level elements of a MATLAB v5 file, walked from their tags alone
/// (no decompression): each variable is one miMATRIX (14) or miCOMPRESSED (15)
/// element whose tag declares its size. matio reads a truncated uncompressed element
/// without complaint, so the reader checks every element against the file size here.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moezoo::datasets::hsi {

/// One top-level element: its tag at `offset`, `bytes` of payload after the tag.
constexpr uint32_t kMatV5Matrix = 14;      ///< miMATRIX
constexpr uint32_t kMatV5Compressed = 15;  ///< miCOMPRESSED

struct MatV5Element {
  uint64_t offset = 0;
  uint32_t type = 0;
  uint64_t bytes = 0;
  bool complete = false;  ///< the payload (and padding) lies inside the file
};

struct MatV5Layout {
  uint64_t file_size = 0;
  bool big_endian = false;
  std::vector<MatV5Element> elements;  ///< in file order, up to the first damaged one included
  /// Empty when the chain ends exactly at the end of the file; otherwise what is
  /// wrong, in words ("element 3 at byte 4096 declares 9000 bytes but the file ends at 6000").
  std::string damage;
};

/// matio inflates a compressed element only as far as the variable's data goes and
/// never checks the end of the zlib stream, so flipped bytes can come out as other
/// numbers with no message. This inflates the element `element` of `path` to its end,
/// which verifies zlib's Adler-32 checksum: empty when it is intact, otherwise what is
/// wrong ("compressed data is corrupt (zlib: invalid distance too far back)").
std::string check_compressed_element(const std::filesystem::path& path, const MatV5Element& element);

/// Walks the element tags of the v5 file `path` (after its 128-byte header). Errors
/// only when the file cannot be read; a damaged chain is described in `damage`.
MatV5Layout read_mat_v5_layout(const std::filesystem::path& path);

}  // namespace moezoo::datasets::hsi
