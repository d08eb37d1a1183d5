// One intra-op thread for the whole suite: CTest runs test executables side by side on a
// 2-core machine, and two OpenMP threads busy-waiting there made these small models 3-10x
// slower (the LGEST tests took 75 s instead of 10 s under load).
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

namespace {

class SingleThreadEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { at::set_num_threads(1); }
};

[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new SingleThreadEnvironment);

}  // namespace
