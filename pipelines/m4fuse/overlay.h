#pragma once
/// The overlay figure of a predicted mask: a few axial slices (tensor axis D) through the
/// predicted tumour, FLAIR in grey (its 0.5th .. 99.5th percentile inside the brain, background black) with the
/// labels blended in colour (NCR red, ED green, ET yellow, as BraTS figures use) and a
/// legend. Slices are drawn as stored (row = H, column = W); for LPS data with identity
/// direction that is the radiological view (patient's left on the right, anterior up).

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/report/image.h"

namespace moezoo::pipelines::m4fuse {

/// The colour of BraTS label 1, 2 or 4.
report::Rgb label_color(int64_t label);

/// The axial slices drawn for `labels` [D, H, W]: `count` slices spread over the
/// tumour's extent along D (its middle when it spans fewer), or the middle slices of
/// the volume when there is no tumour.
std::vector<int64_t> overlay_slices(const at::Tensor& labels, int count = 3);

/// flair [D, H, W] (any scale), labels [D, H, W] (BraTS 0/1/2/4) -> the figure.
report::Image render_overlay(const at::Tensor& flair, const at::Tensor& labels, const std::string& title,
                             int count = 3);

/// render_overlay written as PNG to `path` (atomically).
void write_overlay(const std::filesystem::path& path, const at::Tensor& flair, const at::Tensor& labels,
                   const std::string& title, int count = 3);

}  // namespace moezoo::pipelines::m4fuse
