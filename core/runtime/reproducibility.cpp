#include "core/runtime/reproducibility.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::runtime {

void seed_everything(uint64_t seed) { torch::manual_seed(seed); }

void set_deterministic(bool on) {
  at::globalContext().setDeterministicAlgorithms(on, /*warn_only=*/false);
  at::globalContext().setDeterministicCuDNN(on);
  at::globalContext().setBenchmarkCuDNN(!on);
}

void set_threads(int64_t threads) {
  if (threads > 0) at::set_num_threads(static_cast<int>(threads));
}

c10::Device resolve_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  c10::Device device(c10::kCPU);
  try {
    device = c10::Device(name);
  } catch (const c10::Error&) {
    throw Error("train.device: '" + name + "' is not a device (auto, cpu, cuda, cuda:N)");
  }
  if (device.is_cuda()) {
    check_input(torch::cuda::is_available(), "train.device", "'" + name + "' asked for CUDA but no GPU is available");
    check_input(device.index() < static_cast<int>(torch::cuda::device_count()), "train.device",
                "'" + name + "': no such GPU");
  }
  return device;
}

void save_rng_state(torch::serialize::OutputArchive& archive) {
  archive.write("rng_cpu", at::detail::getDefaultCPUGenerator().get_state(), /*is_buffer=*/true);
  const int cuda_devices = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  for (int i = 0; i < cuda_devices; ++i) {
    auto gen = at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(i)));
    archive.write("rng_cuda_" + std::to_string(i), gen.get_state(), /*is_buffer=*/true);
  }
}

void load_rng_state(torch::serialize::InputArchive& archive) {
  at::Tensor state;
  archive.read("rng_cpu", state, /*is_buffer=*/true);
  at::Generator cpu = at::detail::getDefaultCPUGenerator();  // shares the default generator
  std::lock_guard<std::mutex> lock(cpu.mutex());
  cpu.set_state(state);
  const int cuda_devices = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  for (int i = 0; i < cuda_devices; ++i) {
    at::Tensor cuda_state;
    if (archive.try_read("rng_cuda_" + std::to_string(i), cuda_state, /*is_buffer=*/true)) {
      auto gen = at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(i)));
      gen.set_state(cuda_state);
    }
  }
}

}  // namespace moezoo::runtime
