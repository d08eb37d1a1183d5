#pragma once
/// BraTS tumour labels and the evaluated regions.
///
/// The BraTS 2018-2021 label convention is the one every MriCase uses:
///   0 background, 1 necrotic / non-enhancing tumour core (NCR/NET), 2 peritumoral
///   oedema (ED), 4 GD-enhancing tumour (ET).
/// BraTS 2023 renumbered ET to 3; nnU-Net's BraTS conversions (MSD Task01,
/// Dataset137_BraTS2021) use 1 oedema, 2 NCR, 3 ET. The regions scored by BraTS:
///   ET = {4}, TC (tumour core) = {1, 4}, WT (whole tumour) = {1, 2, 4}.

#include <ATen/core/Tensor.h>

#include <string>

namespace moezoo::datasets::mri {

/// How a label file numbers the tumour classes.
enum class LabelConvention {
  kBrats2018,  ///< 0, 1 NCR, 2 ED, 4 ET (BraTS 2018-2021, TCGA segmentations)
  kBrats2023,  ///< 0, 1 NCR, 2 ED, 3 ET
  kNnunet,     ///< 0, 1 ED, 2 NCR, 3 ET (nnU-Net / MSD BraTS)
};

/// Region channel order of label_regions: ET, TC, WT.
enum class TumorRegion { kEnhancing = 0, kCore = 1, kWhole = 2 };
inline constexpr int kNumRegions = 3;

/// raw label map (any dtype, integral values) in `convention` -> int64 [same shape] in
/// the BraTS 2018-2021 convention. A value outside the convention's set or a fractional
/// value is an Error naming `where` and the value.
at::Tensor to_brats_labels(const at::Tensor& raw, LabelConvention convention, const std::string& where);

/// labels [D, H, W] (BraTS 2018-2021) -> [3, D, H, W] bool: ET = 4, TC = 1 or 4, WT = 1, 2 or 4.
at::Tensor label_regions(const at::Tensor& labels);

/// regions [3, D, H, W] (bool or probabilities > 0.5) -> labels [D, H, W] int64: 4 where
/// ET, else 1 where TC, else 2 where WT, else 0 -- the nested-region decoding of BraTS
/// submissions, so regions that are not nested (ET outside TC) still give a valid map.
at::Tensor regions_to_labels(const at::Tensor& regions);

}  // namespace moezoo::datasets::mri
