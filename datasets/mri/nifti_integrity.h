#pragma once
/// A complete-file check that ITK does not make: ITK's NIfTI reader fills what a
/// truncated .nii.gz lacks without a word (tested on BraTS files cut at 50%, 90% and
/// 99.9%), which would be a silently wrong volume. This check decompresses the whole
/// stream (zlib verifies the gzip CRC and length at its end) and compares the byte
/// count with what the NIfTI-1 header promises: vox_offset + voxels * bitpix / 8.

#include <filesystem>

namespace moezoo::datasets::mri {

/// Throws Error naming `path` when its gzip stream is truncated or corrupt, or when it
/// holds fewer bytes than its NIfTI-1 header needs. Plain .nii files are checked the
/// same way (zlib reads them transparently). NIfTI-2 headers get the stream check only.
void check_nifti_complete(const std::filesystem::path& path);

}  // namespace moezoo::datasets::mri
