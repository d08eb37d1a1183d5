// keep_freed_host_memory: a freed large block is reused by the next allocation of
// its size instead of being unmapped, and malloc stops using per-block mmaps.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "core/runtime/host_memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

using moezoo::runtime::keep_freed_host_memory;

#if defined(__GLIBC__)
TEST(HostMemory, LargeBlocksComeFromTheHeapAndAreReused) {
  ASSERT_TRUE(keep_freed_host_memory());
  constexpr size_t kBytes = size_t{96} << 20;  // above glibc's largest mmap threshold (32 MiB)
  const size_t mapped_before = mallinfo2().hblkhd;
  char* first = static_cast<char*>(std::malloc(kBytes));
  ASSERT_NE(first, nullptr);
  std::memset(first, 1, kBytes);
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "the block was mmapped, not taken from the heap";
  std::free(first);
  // Freed memory stays in the arena (not trimmed), and the same request gets it back.
  EXPECT_GE(mallinfo2().fordblks, kBytes);
  char* second = static_cast<char*>(std::malloc(kBytes));
  EXPECT_EQ(second, first);
  std::free(second);
}
#else
TEST(HostMemory, ReportsThatItCannotActOutsideGlibc) { EXPECT_FALSE(keep_freed_host_memory()); }
#endif

}  // namespace
