#include "datasets/hsi/block_split.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

namespace {

enum Set : int64_t { kNone = 0, kTrain = 1, kVal = 2, kTest = 3 };

/// Pixels within Chebyshev distance `margin` of a true pixel of `mask` [H, W] bool.
at::Tensor dilate(const at::Tensor& mask, int64_t margin) {
  if (margin == 0) return mask;
  const auto x = mask.to(at::kFloat).unsqueeze(0).unsqueeze(0);
  return at::max_pool2d(x, {2 * margin + 1, 2 * margin + 1}, {1, 1}, {margin, margin}).squeeze(0).squeeze(0) > 0;
}

}  // namespace

at::Tensor block_ids(int64_t height, int64_t width, int64_t block_size) {
  check_input(block_size > 0, "block split", "block_size must be positive");
  const int64_t blocks_per_row = (width + block_size - 1) / block_size;
  const auto r = at::arange(height, at::kLong).div(block_size, "floor").unsqueeze(1);
  const auto c = at::arange(width, at::kLong).div(block_size, "floor").unsqueeze(0);
  return r * blocks_per_row + c;
}

PixelSplit disjoint_block_split(const at::Tensor& labels, int64_t num_classes, const BlockSplitOptions& o) {
  const std::string where = "block split";
  check_input(labels.defined() && labels.dim() == 2 && labels.scalar_type() == at::kLong, where,
              "labels must be an int64 map [H, W]");
  check_input(num_classes > 0 && labels.min().item<int64_t>() >= 0 && labels.max().item<int64_t>() <= num_classes,
              where, "labels outside 0.." + std::to_string(num_classes));
  check_input(o.train_fraction > 0 && o.val_fraction >= 0 && o.train_fraction + o.val_fraction < 1, where,
              "needs 0 < train_fraction, 0 <= val_fraction and train_fraction + val_fraction < 1");
  check_input(o.margin >= 0, where, "margin must be >= 0");
  const int64_t h = labels.size(0), w = labels.size(1), classes = num_classes + 1;
  const auto ids = block_ids(h, w, o.block_size);
  const int64_t num_blocks = ids.max().item<int64_t>() + 1;

  // counts[b][c]: pixels of label c in block b.
  const auto counts_t =
      at::bincount((ids * classes + labels).reshape({-1}), {}, num_blocks * classes).view({num_blocks, classes});
  const auto* counts = counts_t.data_ptr<int64_t>();
  std::vector<double> target_train(classes), target_val(classes), have_train(classes, 0), have_val(classes, 0);
  const auto totals = counts_t.sum(0);
  for (int64_t c = 1; c < classes; ++c) {
    target_train[c] = o.train_fraction * static_cast<double>(totals[c].item<int64_t>());
    target_val[c] = o.val_fraction * static_cast<double>(totals[c].item<int64_t>());
  }

  auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  const auto order = at::randperm(num_blocks, gen, at::kLong);
  std::vector<int64_t> block_set(num_blocks, kNone);
  for (int64_t i = 0; i < num_blocks; ++i) {
    const int64_t b = order[i].item<int64_t>();
    const int64_t* row = counts + b * classes;
    int64_t labelled = 0;
    double fill_train = 0, fill_val = 0;
    for (int64_t c = 1; c < classes; ++c) {
      labelled += row[c];
      fill_train += std::min<double>(row[c], std::max(0.0, target_train[c] - have_train[c]));
      fill_val += std::min<double>(row[c], std::max(0.0, target_val[c] - have_val[c]));
    }
    if (labelled == 0) continue;
    const bool to_train = fill_train >= fill_val && 2 * fill_train >= labelled;
    const bool to_val = !to_train && 2 * fill_val >= labelled;
    block_set[b] = to_train ? kTrain : to_val ? kVal : kTest;
    for (int64_t c = 1; c < classes; ++c) {
      if (to_train) have_train[c] += row[c];
      if (to_val) have_val[c] += row[c];
    }
  }

  // Set of every pixel (through its block), then the margin rule.
  const auto pixel_set = at::tensor(block_set, at::kLong).index_select(0, ids.reshape({-1})).view({h, w});
  const auto labelled = labels > 0;
  std::vector<at::Tensor> in(4), near(4);
  for (int64_t s = kTrain; s <= kTest; ++s) {
    in[s] = pixel_set == s;
    near[s] = dilate(in[s], o.margin);
  }
  PixelSplit split;
  split.labels = labels;
  at::Tensor* out[4] = {nullptr, &split.train, &split.val, &split.test};
  for (int64_t s = kTrain; s <= kTest; ++s) {
    at::Tensor keep = in[s] & labelled;
    for (int64_t t = kTrain; t <= kTest; ++t)
      if (t != s) keep = keep & ~near[t];
    *out[s] = keep;
  }
  std::ostringstream d;
  d << "disjoint blocks " << o.block_size << " px, " << o.train_fraction << "/" << o.val_fraction << ", margin "
    << o.margin << " seed " << o.seed;
  split.description = d.str();
  return split;
}

}  // namespace moezoo::datasets::hsi
