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

/// Options of an N-d patch embedding (N = 2: images, N = 3: volumes).
template <size_t N>
struct PatchEmbedOptions {
  PatchEmbedOptions(int64_t in_channels, int64_t dim, torch::ExpandingArray<N> patch_size)
      : in_channels_(in_channels), dim_(dim), patch_size_(patch_size) {}
  TORCH_ARG(int64_t, in_channels);
  /// Embedding width D.
  TORCH_ARG(int64_t, dim);
  /// (p_1, ..., p_N); a single number means a square / cubic patch.
  TORCH_ARG(torch::ExpandingArray<N>, patch_size);
  TORCH_ARG(bool, bias) = true;
};

/// Conv: torch::nn::Conv2d or Conv3d, the projection for N = 2 or 3.
template <size_t N, typename Conv>
class PatchEmbedImpl : public torch::nn::Cloneable<PatchEmbedImpl<N, Conv>> {
 public:
  explicit PatchEmbedImpl(PatchEmbedOptions<N> options);
  void reset() override;
  /// x: [B, C, S_1, ..., S_N] (S_i divisible by p_i) -> [B, prod(S_i / p_i), D]
  at::Tensor forward(const at::Tensor& x);
  /// The patch grid (S_1/p_1, ..., S_N/p_N) for an input of spatial size (S_1, ..., S_N).
  std::vector<int64_t> grid(at::IntArrayRef spatial) const;
  void pretty_print(std::ostream& stream) const override;

  PatchEmbedOptions<N> options;
  Conv proj{nullptr};
};

using PatchEmbed2dOptions = PatchEmbedOptions<2>;
using PatchEmbed3dOptions = PatchEmbedOptions<3>;
/// x: [B, C, H, W] -> [B, (H/p_h)(W/p_w), D]
using PatchEmbed2dImpl = PatchEmbedImpl<2, torch::nn::Conv2d>;
/// x: [B, C, D, H, W] -> [B, (D/p_d)(H/p_h)(W/p_w), dim]
using PatchEmbed3dImpl = PatchEmbedImpl<3, torch::nn::Conv3d>;
TORCH_MODULE(PatchEmbed2d);
TORCH_MODULE(PatchEmbed3d);

extern template class PatchEmbedImpl<2, torch::nn::Conv2d>;
extern template class PatchEmbedImpl<3, torch::nn::Conv3d>;

}  // namespace moezoo::core
