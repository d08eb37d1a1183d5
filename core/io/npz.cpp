#include "core/io/npz.h"

#include <zip.h>

#include <algorithm>
#include <memory>

#include "core/io/npy.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::io {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".npy";

struct ArchiveDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using Archive = std::unique_ptr<zip_t, ArchiveDiscard>;

struct FileClose {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using MemberFile = std::unique_ptr<zip_file_t, FileClose>;

std::string libzip_message(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string message = zip_error_strerror(&error);
  zip_error_fini(&error);
  return message;
}

Archive open_for_reading(const fs::path& path) {
  check_input(fs::exists(path), path.string(), "cannot open .npz archive (missing file?)");
  int code = 0;
  // ZIP_CHECKCONS compares the central directory with the local headers, so that a
  // damaged archive is reported here instead of yielding a wrong member later.
  zip_t* archive = zip_open(path.string().c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!archive) {
    throw Error(path.string() + ": not a readable .npz (zip) archive, it is corrupt or truncated (" +
                libzip_message(code) + ")");
  }
  return Archive(archive);
}

bool is_directory(const std::string& name) { return !name.empty() && name.back() == '/'; }

std::string key_of(const std::string& name) {
  if (name.size() > kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    return name.substr(0, name.size() - kSuffix.size());
  }
  return name;
}

zip_stat_t stat_member(zip_t* archive, zip_uint64_t index, const fs::path& path) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
    throw Error(path.string() + ": corrupt .npz archive: cannot read entry " + std::to_string(index) + " (" +
                zip_strerror(archive) + ")");
  }
  return st;
}

std::string read_member_bytes(zip_t* archive, zip_uint64_t index, const zip_stat_t& st, const std::string& where) {
  MemberFile file(zip_fopen_index(archive, index, 0));
  if (!file) throw Error(where + ": cannot open archive member (" + std::string(zip_strerror(archive)) + ")");
  // Read in chunks rather than trusting the declared size for one allocation: a damaged
  // directory may claim terabytes, while the real data is what inflates.
  std::string bytes;
  if (st.valid & ZIP_STAT_COMP_SIZE) {
    const zip_uint64_t plausible = st.comp_size * 1100 + 4096;  // deflate expands at most ~1032x
    bytes.reserve(static_cast<std::size_t>(std::min<zip_uint64_t>(st.size, plausible)));
  }
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  std::string chunk(kChunk, '\0');
  for (;;) {
    const zip_int64_t n = zip_fread(file.get(), chunk.data(), chunk.size());
    if (n < 0) {
      throw Error(where + ": corrupt .npz archive member (" + std::string(zip_error_strerror(zip_file_get_error(file.get()))) +
                  ")");
    }
    if (n == 0) break;
    bytes.append(chunk.data(), static_cast<std::size_t>(n));
    check_input(bytes.size() <= st.size, where, "corrupt .npz archive member: more data than its declared size " +
                                                    std::to_string(st.size));
  }
  check_input(bytes.size() == st.size, where,
              "truncated .npz archive member: declared " + std::to_string(st.size) + " bytes, read " +
                  std::to_string(bytes.size()));
  return bytes;
}

NpyArray read_member(zip_t* archive, zip_uint64_t index, const zip_stat_t& st, const fs::path& path) {
  const std::string where = path.string() + ":" + st.name;
  return parse_npy(read_member_bytes(archive, index, st, where), where);
}

zip_uint64_t entry_count(zip_t* archive, const fs::path& path) {
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  check_input(count >= 0, path.string(), "corrupt .npz archive: cannot count its entries");
  return static_cast<zip_uint64_t>(count);
}

// An archive with no members: libzip writes nothing at all for one, numpy writes this.
const std::string kEmptyZip = std::string("PK\x05\x06", 4) + std::string(18, '\0');

}  // namespace

std::map<std::string, NpyArray> read_npz(const fs::path& path) {
  Archive archive = open_for_reading(path);
  std::map<std::string, NpyArray> arrays;
  const zip_uint64_t count = entry_count(archive.get(), path);
  for (zip_uint64_t i = 0; i < count; ++i) {
    const zip_stat_t st = stat_member(archive.get(), i, path);
    const std::string name = st.name;
    if (is_directory(name)) continue;
    const std::string key = key_of(name);
    check_input(arrays.count(key) == 0, path.string(), "two members map to the key '" + key + "'");
    arrays.emplace(key, read_member(archive.get(), i, st, path));
  }
  return arrays;
}

std::vector<std::string> list_npz(const fs::path& path) {
  Archive archive = open_for_reading(path);
  std::vector<std::string> keys;
  const zip_uint64_t count = entry_count(archive.get(), path);
  for (zip_uint64_t i = 0; i < count; ++i) {
    const std::string name = stat_member(archive.get(), i, path).name;
    if (!is_directory(name)) keys.push_back(key_of(name));
  }
  return keys;
}

NpyArray read_npz_member(const fs::path& path, const std::string& key) {
  Archive archive = open_for_reading(path);
  zip_int64_t index = zip_name_locate(archive.get(), (key + std::string(kSuffix)).c_str(), 0);
  if (index < 0) index = zip_name_locate(archive.get(), key.c_str(), 0);
  if (index < 0) {
    std::string present;
    const zip_uint64_t count = entry_count(archive.get(), path);
    for (zip_uint64_t i = 0; i < count; ++i) {
      const std::string name = stat_member(archive.get(), i, path).name;
      if (is_directory(name)) continue;
      present += (present.empty() ? "" : ", ") + key_of(name);
    }
    throw Error(path.string() + ": no array '" + key + "' in the archive (keys: " +
                (present.empty() ? "none" : present) + ")");
  }
  const auto i = static_cast<zip_uint64_t>(index);
  return read_member(archive.get(), i, stat_member(archive.get(), i, path), path);
}

void write_npz(const fs::path& path, const std::map<std::string, NpyArray>& arrays, bool compress) {
  // Serialize first: a bad array fails before any file is touched.
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& [key, array] : arrays) {
    check_input(!key.empty(), path.string(), "cannot write an array with an empty key");
    try {
      members.emplace_back(key + std::string(kSuffix), serialize_npy(array));
    } catch (const Error& e) {
      throw Error(path.string() + ": cannot write '" + key + "': " + e.what());
    }
  }
  if (members.empty()) {
    write_file_atomically(path, kEmptyZip);
    return;
  }
  write_atomically(path, [&](const fs::path& tmp) {
    int code = 0;
    zip_t* raw = zip_open(tmp.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!raw) throw Error(tmp.string() + ": cannot create zip archive (" + libzip_message(code) + ")");
    Archive archive(raw);
    const auto fail = [&](const std::string& what) {
      throw Error(path.string() + ": " + what + " (" + zip_strerror(archive.get()) + ")");
    };
    for (const auto& [name, bytes] : members) {
      // The buffers outlive zip_close below, so libzip may reference them without copying.
      zip_source_t* source = zip_source_buffer(archive.get(), bytes.data(), bytes.size(), 0);
      if (!source) fail("cannot add member " + name);
      const zip_int64_t index = zip_file_add(archive.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8);
      if (index < 0) {
        zip_source_free(source);
        fail("cannot add member " + name);
      }
      // Level 6 is zlib's default, which np.savez_compressed (Python's zipfile) uses.
      const zip_int32_t method = compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
      if (zip_set_file_compression(archive.get(), static_cast<zip_uint64_t>(index), method, compress ? 6 : 0) != 0) {
        fail("cannot set compression of member " + name);
      }
    }
    if (zip_close(archive.get()) != 0) fail("cannot write the zip archive");
    archive.release();  // zip_close freed it
  });
}

}  // namespace moezoo::io
