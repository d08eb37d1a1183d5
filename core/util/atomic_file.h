#pragma once
/// Writing outputs so that an interrupted run never leaves a half-written file.

#include <filesystem>
#include <functional>
#include <string>

namespace moezoo {

/// Calls `write(tmp)` with a temporary path beside `target`, then renames it onto
/// `target` (atomic on POSIX file systems). On any exception the temporary is
/// removed and `target` is left as it was.
void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path& tmp)>& write);

/// Writes `bytes` to `target` atomically; throws moezoo::Error naming the file on failure.
void write_file_atomically(const std::filesystem::path& target, const std::string& bytes);

/// Reads a whole file; throws moezoo::Error naming the file when it cannot be read.
std::string read_file_bytes(const std::filesystem::path& path);

}  // namespace moezoo
