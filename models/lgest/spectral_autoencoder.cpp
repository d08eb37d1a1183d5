#include "models/lgest/spectral_autoencoder.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::lgest {

SpectralAutoencoderImpl::SpectralAutoencoderImpl(SpectralAutoencoderOptions options_) : options(options_) { reset(); }

void SpectralAutoencoderImpl::reset() {
  const auto& o = options;
  check_input(o.bands() >= 1, "model.in_bands", "must be >= 1, got " + std::to_string(o.bands()));
  check_input(o.latent_dim() >= 1 && o.channels1() >= 1 && o.channels2() >= 1, "model.dsae",
              "latent_dim and channels must be >= 1");
  using torch::ExpandingArray;
  const int64_t c1 = o.channels1(), c2 = o.channels2(), d1 = depth1(), d2 = depth2();
  enc1 = register_module("enc1", torch::nn::Conv3d(torch::nn::Conv3dOptions(1, c1, ExpandingArray<3>({7, 3, 3}))
                                                       .stride(ExpandingArray<3>({2, 1, 1}))
                                                       .padding(ExpandingArray<3>({3, 1, 1}))));
  enc_bn1 = register_module("enc_bn1", torch::nn::BatchNorm3d(c1));
  enc2 = register_module("enc2", torch::nn::Conv3d(torch::nn::Conv3dOptions(c1, c2, ExpandingArray<3>({5, 3, 3}))
                                                       .stride(ExpandingArray<3>({2, 1, 1}))
                                                       .padding(ExpandingArray<3>({2, 1, 1}))));
  enc_bn2 = register_module("enc_bn2", torch::nn::BatchNorm3d(c2));
  to_latent = register_module("to_latent", torch::nn::Conv2d(torch::nn::Conv2dOptions(c2 * d2, o.latent_dim(), 1)));
  from_latent = register_module("from_latent", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.latent_dim(), c2 * d2, 1)));
  // ConvTranspose output depth (d_in - 1) * 2 - 2 p + k + op = 2 d_in - 1 + op here, so
  // op = d_out - 2 d_in + 1, which is 0 or 1 (an odd or even d_out).
  dec2 = register_module("dec2", torch::nn::ConvTranspose3d(
                                     torch::nn::ConvTranspose3dOptions(c2, c1, ExpandingArray<3>({5, 3, 3}))
                                         .stride(ExpandingArray<3>({2, 1, 1}))
                                         .padding(ExpandingArray<3>({2, 1, 1}))
                                         .output_padding(ExpandingArray<3>({d1 - 2 * d2 + 1, 0, 0}))));
  dec_bn2 = register_module("dec_bn2", torch::nn::BatchNorm3d(c1));
  dec1 = register_module("dec1", torch::nn::ConvTranspose3d(
                                     torch::nn::ConvTranspose3dOptions(c1, 1, ExpandingArray<3>({7, 3, 3}))
                                         .stride(ExpandingArray<3>({2, 1, 1}))
                                         .padding(ExpandingArray<3>({3, 1, 1}))
                                         .output_padding(ExpandingArray<3>({o.bands() - 2 * d1 + 1, 0, 0}))));
}

at::Tensor SpectralAutoencoderImpl::encode(const at::Tensor& x) {
  check_input(x.dim() == 4 && x.size(1) == options.bands(), "SpectralAutoencoder.encode",
              "x must be [B, " + std::to_string(options.bands()) + ", P, P], got " + c10::str(x.sizes()));
  at::Tensor h = torch::relu(enc_bn1(enc1(x.unsqueeze(1))));
  h = torch::relu(enc_bn2(enc2(h)));                              // [B, c2, d2, P, P]
  return to_latent(h.flatten(1, 2));                              // [B, L, P, P]
}

at::Tensor SpectralAutoencoderImpl::decode(const at::Tensor& z) {
  check_input(z.dim() == 4 && z.size(1) == options.latent_dim(), "SpectralAutoencoder.decode",
              "z must be [B, " + std::to_string(options.latent_dim()) + ", P, P], got " + c10::str(z.sizes()));
  const int64_t b = z.size(0), h = z.size(2), w = z.size(3);
  at::Tensor y = torch::relu(from_latent(z)).view({b, options.channels2(), depth2(), h, w});
  y = torch::relu(dec_bn2(dec2(y)));                              // [B, c1, d1, P, P]
  return dec1(y).squeeze(1);                                      // [B, C, P, P]
}

}  // namespace moezoo::models::lgest
