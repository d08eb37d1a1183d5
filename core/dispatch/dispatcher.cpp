#include "core/dispatch/dispatcher.h"

#include "core/dispatch/aten_dispatcher.h"
#include "core/dispatch/cpu_dispatcher.h"
#include "core/util/error.h"
#if MOEZOO_WITH_CUDA
#include "core/kernels/cuda_dispatcher.h"
#endif

namespace moezoo::core {

DispatchBackend parse_dispatch_backend(const std::string& name, const std::string& key) {
  if (name == "auto") return DispatchBackend::kAuto;
  if (name == "cpu") return DispatchBackend::kCpu;
  if (name == "aten") return DispatchBackend::kAten;
  if (name == "cuda") return DispatchBackend::kCuda;
  throw Error(key + ": unknown dispatch backend '" + name + "' (expected auto, cpu, cuda or aten)");
}

std::string to_string(DispatchBackend backend) {
  switch (backend) {
    case DispatchBackend::kAuto: return "auto";
    case DispatchBackend::kCpu: return "cpu";
    case DispatchBackend::kAten: return "aten";
    case DispatchBackend::kCuda: return "cuda";
  }
  return "?";
}

std::shared_ptr<Dispatcher> make_dispatcher(DispatchBackend backend, c10::Device device) {
  switch (backend) {
    case DispatchBackend::kAuto:
      if (device.is_cpu()) return std::make_shared<CpuDispatcher>();
#if MOEZOO_WITH_CUDA
      if (device.is_cuda()) return std::make_shared<CudaDispatcher>();
#endif
      return std::make_shared<AtenDispatcher>();
    case DispatchBackend::kCpu:
      check_input(device.is_cpu(), "make_dispatcher", "the cpu dispatch backend needs CPU tensors, got " + device.str());
      return std::make_shared<CpuDispatcher>();
    case DispatchBackend::kAten: return std::make_shared<AtenDispatcher>();
    case DispatchBackend::kCuda:
#if MOEZOO_WITH_CUDA
      check_input(device.is_cuda(), "make_dispatcher",
                  "the cuda dispatch backend needs CUDA tensors, got " + device.str());
      return std::make_shared<CudaDispatcher>();
#else
      throw Error("make_dispatcher: the cuda dispatch backend needs a build with CUDA (MOEZOO_CUDA=ON)");
#endif
  }
  throw Error("make_dispatcher: unknown backend");
}

}  // namespace moezoo::core
