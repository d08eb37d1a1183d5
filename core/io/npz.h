#pragma once
/// The numpy .npz format: a zip archive of .npy members, as np.savez (stored) and
/// np.savez_compressed (deflate) write it. The graph datasets ship this way.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/io/npy_array.h"

namespace moezoo::io {

/// Every array in the archive, keyed as numpy's np.load keys them (member name
/// without ".npy"). Throws Error naming the file (and member) for a missing, corrupt
/// or truncated archive, a CRC mismatch, or a member that is not a supported .npy.
std::map<std::string, NpyArray> read_npz(const std::filesystem::path& path);

/// The keys of the archive, in archive order, without reading any data: lets a reader
/// pick members around ones it cannot read (e.g. the string arrays of some datasets).
std::vector<std::string> list_npz(const std::filesystem::path& path);

/// One array; throws Error naming the file, the key and the keys present when absent.
NpyArray read_npz_member(const std::filesystem::path& path, const std::string& key);

/// Writes `arrays` as "<key>.npy" members, deflate-compressed like np.savez_compressed
/// when `compress`, stored like np.savez otherwise. Atomic: the archive is assembled
/// under a temporary name and renamed.
void write_npz(const std::filesystem::path& path, const std::map<std::string, NpyArray>& arrays,
               bool compress = true);

}  // namespace moezoo::io
