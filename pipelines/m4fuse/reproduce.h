#pragma once
/// `moezoo-m4fuse reproduce` (configs/m4fuse/reproduce.yaml), the evidence for M4Fuse in
/// one run, written to <out>/reproduce/m4fuse/table/<time>/:
///   a) train M4Fuse on synthetic cases (the training config `config` + `overrides`);
///   b) score best.pt on `test_cases` held-out synthetic cases of another stream
///      (`test_seed`): Dice + HD95 per region, test_scores.csv, mean +- std, and whether
///      Dice WT reaches `target_dice_wt`;
///   c) the real TCGA case (`tcga_case` under $MOEZOO_DATA/mri): mask written and scored
///      against the majority vote `mav` and each algorithm's `*-20` segmentation --
///      pseudo-references (algorithm output, not expert annotation); a reference
///      without ET (mav) gets no ET score;
///   d) the BraTS 2023 case (`brats2023_case`): mask written, overlay in table.md;
///   e) whole-volume inference time on the TCGA volume: at the working spacing with the
///      training window, and (`time_1mm`) at 1 mm with the paper's 64x128x128 window;
///   f) parameter counts of the four variants against the paper's.
/// Missing real data is an Error naming the file, checked before training.

#include <filesystem>
#include <string>
#include <vector>

#include "core/runtime/config.h"
#include "core/runtime/pipeline_verbs.h"

namespace moezoo::pipelines::m4fuse {

using runtime::ReproduceResult;

/// One variant's size: ours (1 expert) and the paper's, in millions.
struct VariantParameters {
  std::string variant;
  int64_t parameters = 0;
  std::string millions;  ///< "0.29"
  std::string paper;     ///< "0.29"
};

/// tiny, small, base, large.
std::vector<VariantParameters> variant_parameter_rows();

/// config: the reproduce config (its directory resolves `config`).
ReproduceResult reproduce(const runtime::Config& config, const std::filesystem::path& config_dir,
                          const std::filesystem::path& data_root, const std::filesystem::path& out_root);

}  // namespace moezoo::pipelines::m4fuse
