// One intra-op thread for the whole MRI suite: CTest runs test executables side by side
// on a 2-core machine, and two threads each oversubscribe it (a 64^3 synthetic case took
// 4 s instead of 0.4 s under load).
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

namespace {

class SingleThreadEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { at::set_num_threads(1); }
};

const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new SingleThreadEnvironment);

}  // namespace
