#pragma once
/// The whole-scene classification map that `moezoo-lgest infer` writes: every pixel
/// classified (unlabelled ones too), as an int64 .npy and as PNGs -- the map itself at
/// one image pixel per scene pixel, the ground truth likewise, and a figure with both
/// side by side, enlarged, with a legend of the class names.

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/report/image.h"

namespace moezoo::pipelines::lgest {

/// Colour of class c (0-based): tab10, then lighter and darker tab10 for classes 10..29,
/// and so on. Never black, the colour of unlabelled ground-truth pixels.
report::Rgb class_color(int64_t c);
inline constexpr report::Rgb kUnlabeledColor{0, 0, 0};

/// labels [H, W] int64 in 0..C (0 unlabelled, c -> class_color(c - 1)) -> W x H image.
report::Image render_label_map(const at::Tensor& labels);

/// Ground truth and prediction (both [H, W] int64 in 0..C) side by side, each scaled by
/// an integer factor, titled, with a legend of `class_names` and "unlabeled".
report::Image render_map_figure(const at::Tensor& ground_truth, const at::Tensor& prediction,
                                const std::vector<std::string>& class_names, const std::string& title);

struct ClassMapFiles {
  std::filesystem::path npy, map_png, ground_truth_png, figure_png;
};

/// Writes, atomically, into `dir`: classification_map.npy (int64 [H, W], scene class ids
/// 1..C), classification_map.png and ground_truth.png (W x H), classification_figure.png.
/// prediction: [H, W] int64 class ids 1..C; ground_truth: [H, W] int64 0..C.
ClassMapFiles write_class_map(const std::filesystem::path& dir, const at::Tensor& prediction,
                              const at::Tensor& ground_truth, const std::vector<std::string>& class_names,
                              const std::string& title);

}  // namespace moezoo::pipelines::lgest
