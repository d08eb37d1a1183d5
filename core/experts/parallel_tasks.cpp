#include "core/experts/parallel_tasks.h"

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <atomic>

namespace moezoo::core {

void run_parallel_tasks(int64_t n, const std::function<void(int64_t)>& task) {
  if (n <= 0) return;
  std::atomic<int64_t> next{0};
  const int64_t workers = std::min<int64_t>(n, at::get_num_threads());
  // The caller's thread-local state (inference mode, autocast, the profiler) goes with
  // the tasks; grad mode is then turned off, since the tasks work on saved tensors.
  const at::ThreadLocalState caller_state;
  // One chunk per worker; each worker then claims tasks until none are left.
  at::parallel_for(0, workers, 1, [&](int64_t, int64_t) {
    const at::ThreadLocalStateGuard state(caller_state);
    const at::NoGradGuard no_grad;
    for (int64_t i = next++; i < n; i = next++) task(i);
  });
}

bool parallel_tasks_run_in_parallel() {
#ifdef INTRA_OP_PARALLEL
  return true;
#else
  return false;
#endif
}

}  // namespace moezoo::core
