// One intra-op thread for a whole test executable (linked into the suites whose models
// or volumes are large enough for LibTorch to go parallel): CTest runs executables side
// by side on a 2-core machine, and two OpenMP threads busy-waiting there made small
// models 3-10x slower (the LGEST tests took 75 s instead of 10 s under load; a 64^3
// synthetic MRI case 4 s instead of 0.4 s).
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

namespace {

class SingleThreadEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { at::set_num_threads(1); }
};

[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new SingleThreadEnvironment);

}  // namespace
