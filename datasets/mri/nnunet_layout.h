#pragma once
/// The nnU-Net v2 raw dataset layout (Dataset137_BraTS2021 and the like):
///   dataset.json          channel_names {"0": "T1", "1": "T1ce", ...} (or MSD's "modality"),
///                         labels, file_ending (default .nii.gz)
///   imagesTr/ID_0000.nii.gz ... ID_0003.nii.gz   one file per channel
///   labelsTr/ID.nii.gz                           1 oedema, 2 NCR, 3 ET (nnU-Net's BraTS numbering)
///   imagesTs/ID_XXXX.nii.gz                      no labels
/// Channel names map to modalities case-insensitively: t1/t1w/t1n -> t1;
/// t1ce/t1c/t1gd/t1-ce -> t1ce; t2/t2w -> t2; flair/t2f/fla -> flair. A dataset.json whose
/// labels list a value 4 is taken as BraTS 2018 numbering (a copy of the original
/// labels), otherwise as nnU-Net's. MSD's 4-d single-file images are not supported.

#include <filesystem>
#include <vector>

#include "datasets/mri/mri_case.h"

namespace moezoo::datasets::mri {

/// The cases of the nnU-Net dataset folder `dataset`, sorted by id: imagesTr with
/// labelsTr, or imagesTs without labels when `test_split`. A dataset.json that is
/// malformed or does not name the four modalities, or a case missing a channel or
/// label file, is an Error naming the file or the case.
std::vector<CaseFiles> nnunet_cases(const std::filesystem::path& dataset, bool test_split = false);

}  // namespace moezoo::datasets::mri
