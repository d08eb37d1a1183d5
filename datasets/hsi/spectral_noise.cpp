#include "datasets/hsi/spectral_noise.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

at::Tensor add_noise_at_snr(const at::Tensor& x, double snr_db, uint64_t seed) {
  check_input(!std::isnan(snr_db), "snr_db", "must be a number (inf: no noise)");
  if (std::isinf(snr_db) && snr_db > 0) return x;
  const double power = x.to(at::kDouble).square().mean().item<double>();
  const double sigma = std::sqrt(power / std::pow(10.0, snr_db / 10.0));
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return x + at::randn(x.sizes(), gen, x.options()) * sigma;
}

}  // namespace moezoo::datasets::hsi
