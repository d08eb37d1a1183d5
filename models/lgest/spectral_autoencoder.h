#pragma once
/// LGEST's Deep Spatial-Spectral Autoencoder (DSAE; Wen et al., "LGEST: Dynamic
/// Spatial-Spectral Expert Routing for Hyperspectral Image Classification", arXiv
/// 2603.24045, the DSAE part of the method): 3D convolutions over (band, row, column)
/// compress the spectral depth while every output voxel still sees its 3x3 spatial
/// neighbourhood, so the latent keeps 3D neighbourhoods coherent; a mirror decoder
/// reconstructs the patch, and its MSE is trained next to the task loss:
///   h1 = ReLU(BN(Conv3d_{7x3x3, stride (2,1,1)}(x)))       [B, c1, ceil(C/2), P, P]
///   h2 = ReLU(BN(Conv3d_{5x3x3, stride (2,1,1)}(h1)))      [B, c2, C'', P, P]
///   z  = Conv2d_{1x1}(fold(h2))                            [B, L, P, P], fold: (c2, C'') -> channels
///   x^ = ConvT3d_{7x3x3}(ReLU(BN(ConvT3d_{5x3x3}(unfold(ReLU(Conv2d_{1x1}(z)))))))
///   L_rec = mean (x^ - x)^2
/// The paper gives no layer sizes; the kernels follow HybridSN's 7- and 5-band spectral
/// kernels, and the spectral stride 2 halves the depth per layer. The transposed
/// convolutions' output padding is chosen from C so that x^ has exactly C bands.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace moezoo::models::lgest {

struct SpectralAutoencoderOptions {
  SpectralAutoencoderOptions(int64_t bands, int64_t latent_dim) : bands_(bands), latent_dim_(latent_dim) {}
  /// C, spectral bands of the input patches.
  TORCH_ARG(int64_t, bands);
  /// L, channels of the latent map.
  TORCH_ARG(int64_t, latent_dim);
  /// c1, c2: feature maps of the two 3D convolutions.
  TORCH_ARG(int64_t, channels1) = 4;
  TORCH_ARG(int64_t, channels2) = 8;
};

class SpectralAutoencoderImpl : public torch::nn::Cloneable<SpectralAutoencoderImpl> {
 public:
  explicit SpectralAutoencoderImpl(SpectralAutoencoderOptions options);
  void reset() override;

  /// x: [B, C, P, P] -> latent z: [B, L, P, P]
  at::Tensor encode(const at::Tensor& x);
  /// z: [B, L, P, P] -> reconstruction [B, C, P, P]
  at::Tensor decode(const at::Tensor& z);
  /// x: [B, C, P, P] -> reconstruction [B, C, P, P]
  at::Tensor forward(const at::Tensor& x) { return decode(encode(x)); }

  /// Spectral depths after the first and the second encoder convolution.
  int64_t depth1() const { return (options.bands() + 1) / 2; }
  int64_t depth2() const { return (depth1() + 1) / 2; }

  SpectralAutoencoderOptions options;
  torch::nn::Conv3d enc1{nullptr}, enc2{nullptr};
  torch::nn::BatchNorm3d enc_bn1{nullptr}, enc_bn2{nullptr}, dec_bn2{nullptr};
  torch::nn::Conv2d to_latent{nullptr}, from_latent{nullptr};
  torch::nn::ConvTranspose3d dec2{nullptr}, dec1{nullptr};
};
TORCH_MODULE(SpectralAutoencoder);

}  // namespace moezoo::models::lgest
