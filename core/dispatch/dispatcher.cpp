#include "core/dispatch/dispatcher.h"

#include "core/dispatch/aten_dispatcher.h"
#include "core/dispatch/cpu_dispatcher.h"
#include "core/util/error.h"

namespace moezoo::core {

DispatchBackend parse_dispatch_backend(const std::string& name, const std::string& key) {
  if (name == "auto") return DispatchBackend::kAuto;
  if (name == "cpu") return DispatchBackend::kCpu;
  if (name == "aten") return DispatchBackend::kAten;
  throw Error(key + ": unknown dispatch backend '" + name + "' (expected auto, cpu or aten)");
}

std::string to_string(DispatchBackend backend) {
  switch (backend) {
    case DispatchBackend::kAuto: return "auto";
    case DispatchBackend::kCpu: return "cpu";
    case DispatchBackend::kAten: return "aten";
  }
  return "?";
}

std::shared_ptr<Dispatcher> make_dispatcher(DispatchBackend backend, c10::Device device) {
  switch (backend) {
    case DispatchBackend::kAuto:
      if (device.is_cpu()) return std::make_shared<CpuDispatcher>();
      return std::make_shared<AtenDispatcher>();
    case DispatchBackend::kCpu:
      check_input(device.is_cpu(), "make_dispatcher", "the cpu dispatch backend needs CPU tensors, got " + device.str());
      return std::make_shared<CpuDispatcher>();
    case DispatchBackend::kAten: return std::make_shared<AtenDispatcher>();
  }
  throw Error("make_dispatcher: unknown backend");
}

}  // namespace moezoo::core
