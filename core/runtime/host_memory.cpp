#include "core/runtime/host_memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace moezoo::runtime {

bool keep_freed_host_memory() {
#if defined(__GLIBC__)
  // M_MMAP_MAX = 0: no block gets its own mapping; M_TRIM_THRESHOLD at its maximum:
  // the top of the heap is never given back. Both return 1 on success.
  const bool no_mmap = mallopt(M_MMAP_MAX, 0) == 1;
  const bool no_trim = mallopt(M_TRIM_THRESHOLD, 0x7fffffff) == 1;
  return no_mmap && no_trim;
#else
  return false;
#endif
}

}  // namespace moezoo::runtime
