#pragma once
/// Patch embedding (Dosovitskiy et al., "An Image is Worth 16x16 Words", ICLR 2021,
/// eq. 1): the image is cut into non-overlapping patches, each flattened and linearly
/// projected, z = [x_p^1 E; ...; x_p^N E] + b. A convolution with kernel = stride =
/// patch computes exactly that; 3D volumes (UNETR, SwinUNETR, M4Fuse) use 3D patches.
/// Tokens are ordered row-major over the patch grid (depth, height, width).
///
/// patchify/unpatchify are the pixel <-> token reshapes (MAE-style reconstruction
/// targets, decoders). Within a token the layout is (channel, p_1, ..., p_k)
/// row-major, the same as the flattened conv weight [D, C, p_1, ..., p_k], so
/// PatchEmbed(x) == patchify(x, patch) @ W.view(D, -1)^T + b.

#include <torch/arg.h>
#include <torch/expanding_array.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <ostream>
#include <vector>

namespace moezoo::core {

/// x: [B, C, S_1, ..., S_k] with S_i divisible by patch_i -> [B, N, C * prod(patch)],
/// N = prod(S_i / patch_i). k = patch.size() (1, 2 or 3).
at::Tensor patchify(const at::Tensor& x, at::IntArrayRef patch);

/// The inverse of patchify: tokens: [B, prod(grid), C * prod(patch)] ->
/// [B, C, grid_1 * patch_1, ..., grid_k * patch_k].
at::Tensor unpatchify(const at::Tensor& tokens, at::IntArrayRef grid, at::IntArrayRef patch);

/// tokens: [B, prod(grid), D] -> feature map [B, D, grid_1, ..., grid_k].
at::Tensor tokens_to_grid(const at::Tensor& tokens, at::IntArrayRef grid);

/// feature map [B, D, G_1, ..., G_k] -> tokens [B, prod(G), D].
at::Tensor grid_to_tokens(const at::Tensor& feature_map);

struct PatchEmbed2dOptions {
  PatchEmbed2dOptions(int64_t in_channels, int64_t dim, torch::ExpandingArray<2> patch_size)
      : in_channels_(in_channels), dim_(dim), patch_size_(patch_size) {}
  TORCH_ARG(int64_t, in_channels);
  /// Embedding width D.
  TORCH_ARG(int64_t, dim);
  /// (p_h, p_w); a single number means a square patch.
  TORCH_ARG(torch::ExpandingArray<2>, patch_size);
  TORCH_ARG(bool, bias) = true;
};

class PatchEmbed2dImpl : public torch::nn::Cloneable<PatchEmbed2dImpl> {
 public:
  explicit PatchEmbed2dImpl(PatchEmbed2dOptions options);
  void reset() override;
  /// x: [B, C, H, W] (H, W divisible by the patch) -> [B, (H/p_h)(W/p_w), D]
  at::Tensor forward(const at::Tensor& x);
  /// The patch grid (H/p_h, W/p_w) for an input of spatial size (H, W).
  std::vector<int64_t> grid(at::IntArrayRef spatial) const;
  void pretty_print(std::ostream& stream) const override;

  PatchEmbed2dOptions options;
  torch::nn::Conv2d proj{nullptr};
};
TORCH_MODULE(PatchEmbed2d);

struct PatchEmbed3dOptions {
  PatchEmbed3dOptions(int64_t in_channels, int64_t dim, torch::ExpandingArray<3> patch_size)
      : in_channels_(in_channels), dim_(dim), patch_size_(patch_size) {}
  TORCH_ARG(int64_t, in_channels);
  /// Embedding width D.
  TORCH_ARG(int64_t, dim);
  /// (p_d, p_h, p_w); a single number means a cubic patch.
  TORCH_ARG(torch::ExpandingArray<3>, patch_size);
  TORCH_ARG(bool, bias) = true;
};

class PatchEmbed3dImpl : public torch::nn::Cloneable<PatchEmbed3dImpl> {
 public:
  explicit PatchEmbed3dImpl(PatchEmbed3dOptions options);
  void reset() override;
  /// x: [B, C, D, H, W] (divisible by the patch) -> [B, (D/p_d)(H/p_h)(W/p_w), dim]
  at::Tensor forward(const at::Tensor& x);
  /// The patch grid for an input of spatial size (D, H, W).
  std::vector<int64_t> grid(at::IntArrayRef spatial) const;
  void pretty_print(std::ostream& stream) const override;

  PatchEmbed3dOptions options;
  torch::nn::Conv3d proj{nullptr};
};
TORCH_MODULE(PatchEmbed3d);

}  // namespace moezoo::core
