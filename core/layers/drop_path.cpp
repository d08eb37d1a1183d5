#include "core/layers/drop_path.h"

#include <torch/torch.h>

#include <vector>

#include "core/util/error.h"

namespace moezoo::core {

at::Tensor drop_path(const at::Tensor& x, double p, bool training, bool scale_by_keep) {
  check_input(p >= 0.0 && p <= 1.0, "drop_path", "p must be in [0, 1], got " + std::to_string(p));
  if (p == 0.0 || !training) return x;
  check_input(x.dim() >= 1, "drop_path", "x needs a batch dimension");
  const double keep = 1.0 - p;
  // One draw per sample, broadcast over the remaining dimensions.
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[0] = x.size(0);
  at::Tensor mask = at::empty(shape, x.options()).bernoulli_(keep);
  if (keep > 0.0 && scale_by_keep) mask.div_(keep);
  return x * mask;
}

DropPathImpl::DropPathImpl(DropPathOptions options) : options(options) { reset(); }

void DropPathImpl::reset() {
  check_input(options.p() >= 0.0 && options.p() <= 1.0, "DropPathOptions.p",
              "must be in [0, 1], got " + std::to_string(options.p()));
}

at::Tensor DropPathImpl::forward(const at::Tensor& x) {
  return drop_path(x, options.p(), is_training(), options.scale_by_keep());
}

void DropPathImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::DropPath(p=" << options.p() << ")";
}

}  // namespace moezoo::core
