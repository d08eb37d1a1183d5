#pragma once
/// Independent tasks on LibTorch's intra-op thread pool.
///
/// run_parallel_tasks(n, task) runs task(0) ... task(n - 1), each exactly once, on up
/// to at::get_num_threads() threads; a thread claims the next unclaimed task when it
/// finishes one (dynamic scheduling), so tasks of uneven size still balance. Matmuls
/// inside a task run single-threaded (BLAS sees the enclosing parallel region). Tasks
/// see the caller's thread-local state (inference mode, autocast, a running profiler),
/// with grad mode off: the tasks work on saved tensors. The first exception a task
/// throws is rethrown here.
///
/// The pool is OpenMP's (the PyPI LibTorch is built with it); parallel_tasks.cpp is
/// the one file compiled with OpenMP (cmake/MoezooTorch.cmake,
/// moezoo_use_torch_openmp). Built without it, the tasks run one after another on
/// the calling thread and parallel_tasks_run_in_parallel() says false.

#include <cstdint>
#include <functional>

namespace moezoo::core {

void run_parallel_tasks(int64_t n, const std::function<void(int64_t)>& task);

/// Whether run_parallel_tasks can use more than one thread in this build.
bool parallel_tasks_run_in_parallel();

}  // namespace moezoo::core
