#pragma once
/// One multi-modal brain MRI case: four co-registered modalities and, where known, a
/// tumour label map, on one shared grid.

#include <ATen/core/Tensor.h>

#include <array>
#include <filesystem>
#include <string>

#include "datasets/mri/geometry.h"
#include "datasets/mri/tumor_regions.h"

namespace moezoo::datasets::mri {

/// Image channel order of every MriCase (and of the model input).
enum class Modality { kT1 = 0, kT1ce = 1, kT2 = 2, kFlair = 3 };
inline constexpr int kNumModalities = 4;

/// "t1", "t1ce", "t2", "flair".
const char* modality_name(Modality modality);

/// A case in memory.
struct MriCase {
  std::string id;
  at::Tensor image;   ///< [4, D, H, W] float32 in Modality order (t1, t1ce, t2, flair)
  at::Tensor label;   ///< [D, H, W] int64, BraTS 2018-2021 labels 0/1/2/4; undefined when none
  Geometry geometry;  ///< shared by all modalities (size = {W, H, D})
};

/// Where a case's files are, whatever the layout.
struct CaseFiles {
  std::string id;
  std::array<std::filesystem::path, kNumModalities> images;  ///< in Modality order
  std::filesystem::path label;                               ///< empty: no label
  LabelConvention convention = LabelConvention::kBrats2018;  ///< how `label` numbers classes
};

/// Reads the four modalities and the label. A missing file, an unreadable one, or a
/// modality / label whose grid differs from the first modality's is an Error naming
/// the case id and the file.
MriCase read_case(const CaseFiles& files);

}  // namespace moezoo::datasets::mri
