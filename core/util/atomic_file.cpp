#include "core/util/atomic_file.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/util/error.h"

namespace moezoo {

namespace fs = std::filesystem;

void write_atomically(const fs::path& target, const std::function<void(const fs::path& tmp)>& write) {
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid());
  try {
    write(tmp);
    fs::rename(tmp, target);
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void write_file_atomically(const fs::path& target, const std::string& bytes) {
  write_atomically(target, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    check_input(static_cast<bool>(out), tmp.string(), "cannot open for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    check_input(static_cast<bool>(out), tmp.string(), "write failed (disk full?)");
  });
}

std::string read_file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(static_cast<bool>(in), path.string(), "cannot open for reading (missing file?)");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  check_input(!in.bad(), path.string(), "read failed");
  return buffer.str();
}

}  // namespace moezoo
