#include "datasets/mri/nifti_integrity.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/util/error.h"

namespace moezoo::datasets::mri {

namespace {

constexpr int kNifti1HeaderSize = 348;

template <typename T>
T field(const unsigned char* header, size_t offset, bool swap) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, header + offset, sizeof(T));
  if (swap)
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

/// Bytes a NIfTI-1 file needs (vox_offset + data), or -1 when the header is not NIfTI-1.
int64_t needed_bytes(const unsigned char* header) {
  bool swap = false;
  if (field<int32_t>(header, 0, false) != kNifti1HeaderSize) {
    if (field<int32_t>(header, 0, true) != kNifti1HeaderSize) return -1;
    swap = true;
  }
  const int16_t rank = field<int16_t>(header, 40, swap);
  if (rank < 1 || rank > 7) return -1;
  int64_t voxels = 1;
  for (int d = 1; d <= rank; ++d) voxels *= std::max<int16_t>(1, field<int16_t>(header, 40 + 2 * d, swap));
  const int16_t bitpix = field<int16_t>(header, 72, swap);
  const float vox_offset = field<float>(header, 108, swap);
  return static_cast<int64_t>(vox_offset) + voxels * bitpix / 8;
}

}  // namespace

void check_nifti_complete(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(where.c_str(), "rb"), gzclose);
  check_input(file != nullptr, where, "cannot open for reading");
  std::vector<unsigned char> buffer(1 << 20);
  unsigned char header[kNifti1HeaderSize];
  int64_t total = 0;
  for (;;) {
    const int got = gzread(file.get(), buffer.data(), static_cast<unsigned>(buffer.size()));
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(file.get(), &code);
      throw Error(where + ": corrupt or truncated gzip stream (" + (message ? message : "zlib error") + ")");
    }
    if (got == 0) break;
    if (total < kNifti1HeaderSize)
      std::memcpy(header + total, buffer.data(), std::min<size_t>(kNifti1HeaderSize - total, static_cast<size_t>(got)));
    total += got;
  }
  // gzread reports a stream cut inside the deflate data as end of file; gzerror says so.
  int code = Z_OK;
  const char* message = gzerror(file.get(), &code);
  if (code != Z_OK)
    throw Error(where + ": corrupt or truncated gzip stream (" + (message ? message : "zlib error") + ")");
  check_input(total >= kNifti1HeaderSize, where, "truncated: shorter than a NIfTI-1 header");
  const int64_t needed = needed_bytes(header);
  if (needed >= 0 && total < needed)
    throw Error(where + ": truncated: " + std::to_string(total) + " bytes, the header needs " + std::to_string(needed));
}

}  // namespace moezoo::datasets::mri
