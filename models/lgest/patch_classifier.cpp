#include "models/lgest/patch_classifier.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::lgest {

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters())
    if (p.requires_grad()) n += p.numel();
  return n;
}

void check_patches(const at::Tensor& patches, int64_t bands, int64_t patch, const std::string& where) {
  const std::string expected = "[B, " + std::to_string(bands) + ", " + std::to_string(patch) + ", " +
                               std::to_string(patch) + "] floating point";
  check_input(patches.defined(), where, "patches must be " + expected + ", got an undefined tensor");
  check_input(patches.dim() == 4 && patches.size(0) >= 1 && patches.size(1) == bands && patches.size(2) == patch &&
                  patches.size(3) == patch && at::isFloatingType(patches.scalar_type()),
              where, "patches must be " + expected + ", got " + c10::str(patches.sizes()));
}

}  // namespace moezoo::models::lgest
