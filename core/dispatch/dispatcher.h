#pragma once
/// Dispatcher: moves tokens to their experts and back.
///
///   plan:     Routing                      -> DispatchPlan (sorted by expert)
///   dispatch: x [T, D]                     -> xs [A, D], rows contiguous per expert
///   combine:  ys [A, N], weights [T, k]    -> out [T, N],
///             out[t] = sum_{j kept} weights[t, j] * ys[slot_position[t, j]]
///
/// Every backend is deterministic: each output row is summed by one thread in
/// slot order (j = 0..k-1), never by atomic adds, so results are bitwise
/// reproducible and independent of the thread count. Gradients flow to x, ys and
/// the combine weights (and so to the router).
///
/// Backends: "cpu" (custom autograd kernels, the CPU fast path), "cuda" (CUDA
/// kernels, core/kernels/cuda_dispatcher.h; only in builds with CUDA) and "aten"
/// (composite ATen ops on any device, the reference).

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <string>

#include "core/dispatch/dispatch_plan.h"
#include "core/routing/routing.h"

namespace moezoo::core {

enum class DispatchBackend {
  kAuto,  ///< the fastest backend for the tensors' device
  kCpu,   ///< CpuDispatcher
  kAten,  ///< AtenDispatcher (reference; any device)
  kCuda,  ///< CudaDispatcher (CUDA tensors; builds with CUDA only)
};

/// "auto" | "cpu" | "cuda" | "aten"; throws moezoo::Error naming `key` otherwise.
DispatchBackend parse_dispatch_backend(const std::string& name, const std::string& key = "dispatch");
std::string to_string(DispatchBackend backend);

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  /// The sorted layout of the kept assignments of `routing`.
  virtual DispatchPlan plan(const Routing& routing) const = 0;
  /// x: [T, D] -> [A, D] (row a is x[plan.token_index[a]]).
  virtual at::Tensor dispatch(const at::Tensor& x, const DispatchPlan& plan) const = 0;
  /// ys: [A, N], weights: [T, k] -> [T, N]; dropped slots contribute nothing
  /// (and get a zero weight gradient).
  virtual at::Tensor combine(const at::Tensor& ys, const at::Tensor& weights, const DispatchPlan& plan) const = 0;
  virtual std::string name() const = 0;
};

/// The dispatcher for `backend` on `device` (kAuto: CPU -> CpuDispatcher, CUDA ->
/// CudaDispatcher in builds with CUDA, other devices -> AtenDispatcher). kCuda in a
/// build without CUDA, or for a non-CUDA device, throws moezoo::Error.
std::shared_ptr<Dispatcher> make_dispatcher(DispatchBackend backend, c10::Device device);

}  // namespace moezoo::core
