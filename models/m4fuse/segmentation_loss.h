#pragma once
/// The M4Fuse training loss (arXiv 2605.02444: 0.3 weighted cross entropy + 0.7 soft
/// Dice; official code tonxycs/M4Fuse, loss.py, class BraTSLoss):
///   L    = ce_weight CE_w(logits, y) + dice_weight L_dice
///   CE_w = sum_v w_{y_v} (-log p_{y_v, v}) / sum_v w_{y_v}            (torch's weighted mean)
///   L_dice = sum_c d_c (1 - Dice_c) / sum_c d_c,
///   Dice_c = (2 sum_v p_cv [y_v = c] + smooth) / (sum_v p_cv + sum_v [y_v = c] + smooth)
/// p = softmax(logits) over the classes; the sums run over all voxels of the whole batch
/// (one Dice per class for the batch, not per sample), as the code does.
///
/// Following the code: the Dice runs over ALL classes including background
/// (include_background = true), with per-class weights d (the code's class_dice_weights,
/// [1, 2, 3, 5] for background, NCR, ED, ET); its training script passes CE class weights
/// [1, 3, 2, 5]. brats_loss_options() returns these; the defaults here are uniform.
/// Where we differ from the code: it adds eps to the intersection before doubling
/// (1 - 2 (I + eps) / (P + T + eps)), which makes an absent, unpredicted class contribute
/// 1 - 2 = -1; we use the usual (2 I + smooth) / (P + T + smooth), which gives 0 there.

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <vector>

namespace moezoo::models::m4fuse {

struct SegmentationLossOptions {
  TORCH_ARG(double, ce_weight) = 0.3;
  TORCH_ARG(double, dice_weight) = 0.7;
  /// CE class weights w, K entries; empty = uniform.
  TORCH_ARG(std::vector<double>, class_weights) = {};
  /// Dice class weights d, K entries (or K - 1 without background); empty = uniform.
  TORCH_ARG(std::vector<double>, dice_class_weights) = {};
  /// Count class 0 (background) in the Dice term.
  TORCH_ARG(bool, include_background) = true;
  /// Added to numerator and denominator of every Dice (the code's eps).
  TORCH_ARG(double, smooth) = 1e-6;
};

/// The official training configuration for BraTS (4 classes): CE weights [1, 3, 2, 5],
/// Dice weights [1, 2, 3, 5], 0.3 CE + 0.7 Dice, Dice over all classes.
SegmentationLossOptions brats_loss_options();

/// logits [B, K, D, H, W], target [B, D, H, W] int64 class indices (0..K-1) -> scalar
at::Tensor m4fuse_loss(const at::Tensor& logits, const at::Tensor& target, const SegmentationLossOptions& options = {});

/// The Dice term alone (L_dice above). logits [B, K, ...], target [B, ...] -> scalar
at::Tensor soft_dice_loss(const at::Tensor& logits, const at::Tensor& target, const SegmentationLossOptions& options = {});

}  // namespace moezoo::models::m4fuse
