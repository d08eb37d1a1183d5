#pragma once
/// White Gaussian noise at a chosen signal-to-noise ratio, the way unmixing papers
/// corrupt a linear-mixing reconstruction: SNR = 10 log10(mean(x^2) / sigma^2) over
/// the whole cube, so sigma^2 = mean(x^2) / 10^(snr_db / 10).

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::datasets::hsi {

/// x + N(0, sigma^2) with sigma from `snr_db` as above, drawn from a generator seeded
/// with `seed` (never the global one); an infinite `snr_db` returns x unchanged.
at::Tensor add_noise_at_snr(const at::Tensor& x, double snr_db, uint64_t seed);

}  // namespace moezoo::datasets::hsi
