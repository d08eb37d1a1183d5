#include "datasets/hsi/band_normalization.h"

#include <ATen/ATen.h>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

BandNormalization parse_band_normalization(const std::string& name, const std::string& where) {
  if (name == "none") return BandNormalization::None;
  if (name == "standardize") return BandNormalization::Standardize;
  if (name == "minmax") return BandNormalization::MinMax;
  throw Error(where + ": unknown band normalisation '" + name + "' (expected none, standardize or minmax)");
}

at::Tensor BandScaler::apply(const at::Tensor& cube) const {
  check_input(cube.dim() >= 1 && cube.size(-1) == offset.size(0), "band normalisation",
              "the cube has " + std::to_string(cube.size(-1)) + " bands, the scaler was fitted on " +
                  std::to_string(offset.size(0)));
  return (cube.to(at::kFloat) - offset) / scale;
}

BandScaler fit_band_scaler(const at::Tensor& cube, BandNormalization kind, const at::Tensor& pixels) {
  check_input(cube.dim() == 3, "band normalisation", "expected a cube [H, W, B]");
  const int64_t bands = cube.size(2);
  at::Tensor x = cube.reshape({-1, bands}).to(at::kDouble);
  if (pixels.defined()) {
    check_input(pixels.scalar_type() == at::kBool && pixels.dim() == 2 && pixels.size(0) == cube.size(0) &&
                    pixels.size(1) == cube.size(1),
                "band normalisation", "the pixel mask must be bool [H, W] like the cube");
    x = x.index_select(0, pixels.reshape({-1}).nonzero().reshape({-1}));
  }
  check_input(x.size(0) > 0 || kind == BandNormalization::None, "band normalisation", "no pixels to fit on");
  BandScaler s;
  switch (kind) {
    case BandNormalization::None:
      s.offset = at::zeros({bands}, at::kDouble);
      s.scale = at::ones({bands}, at::kDouble);
      break;
    case BandNormalization::Standardize:
      s.offset = x.mean(0);
      s.scale = (x - s.offset).square().mean(0).sqrt();
      break;
    case BandNormalization::MinMax:
      s.offset = std::get<0>(x.min(0));
      s.scale = std::get<0>(x.max(0)) - s.offset;
      break;
  }
  s.scale = s.scale.masked_fill(s.scale <= 0, 1.0);
  s.offset = s.offset.to(at::kFloat);
  s.scale = s.scale.to(at::kFloat);
  return s;
}

}  // namespace moezoo::datasets::hsi
