#pragma once
/// Seeding, determinism switches, thread count, device choice and the RNG state
/// that a checkpoint carries so that a resumed run continues the same random stream.

#include <c10/core/Device.h>
#include <torch/serialize/archive.h>

#include <cstdint>
#include <string>

namespace moezoo::runtime {

/// Seeds every generator (CPU and all CUDA devices).
void seed_everything(uint64_t seed);
/// Deterministic algorithms (and cuDNN) on or off.
void set_deterministic(bool on);
/// Intra-op thread count; 0 leaves LibTorch's default.
void set_threads(int64_t threads);
/// "auto" | "cpu" | "cuda" | "cuda:N" -> a device; "cuda" without a GPU is an error.
c10::Device resolve_device(const std::string& name);

void save_rng_state(torch::serialize::OutputArchive& archive);
void load_rng_state(torch::serialize::InputArchive& archive);

}  // namespace moezoo::runtime
