#include "datasets/hsi/pixel_splits.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

namespace {

void check_labels(const at::Tensor& labels, int64_t num_classes, const std::string& where) {
  check_input(labels.defined() && labels.dim() == 2 && labels.scalar_type() == at::kLong, where,
              "labels must be an int64 map [H, W]");
  check_input(num_classes > 0, where, "a split needs at least one class");
  if (labels.numel() > 0)
    check_input(labels.min().item<int64_t>() >= 0 && labels.max().item<int64_t>() <= num_classes, where,
                "labels outside 0.." + std::to_string(num_classes));
}

PixelSplit empty_split(const at::Tensor& labels) {
  PixelSplit s;
  s.train = at::zeros(labels.sizes(), at::kBool);
  s.val = at::zeros(labels.sizes(), at::kBool);
  s.test = at::zeros(labels.sizes(), at::kBool);
  s.labels = labels;
  return s;
}

/// Sets mask's flat entries idx[begin, end) to true.
void mark(at::Tensor& mask, const at::Tensor& idx, int64_t begin, int64_t end) {
  if (end > begin) mask.view({-1}).index_fill_(0, idx.slice(0, begin, end), true);
}

/// Flat indices of class c in a random order drawn from gen.
at::Tensor shuffled_class(const at::Tensor& labels, int64_t c, at::Generator& gen) {
  const auto idx = pixel_indices(labels == c);
  return idx.index_select(0, at::randperm(idx.size(0), gen, at::kLong));
}

std::string number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

/// Moves a stratified `fraction` of each class's pixels of split.train to split.val.
void carve_validation(PixelSplit& split, int64_t num_classes, double fraction, at::Generator& gen) {
  const auto train_labels = split.labels.masked_fill(~split.train, 0);
  for (int64_t c = 1; c <= num_classes; ++c) {
    const auto idx = shuffled_class(train_labels, c, gen);
    const auto n = idx.size(0);
    const auto k = static_cast<int64_t>(std::llround(fraction * static_cast<double>(n)));
    mark(split.val, idx, 0, k);
    if (k > 0) split.train.view({-1}).index_fill_(0, idx.slice(0, 0, k), false);
  }
}

}  // namespace

at::Tensor pixel_indices(const at::Tensor& mask) { return mask.reshape({-1}).nonzero().reshape({-1}); }

PixelSplit stratified_fraction_split(const at::Tensor& labels, int64_t num_classes, double train_fraction,
                                     double val_fraction, uint64_t seed) {
  const std::string where = "stratified split";
  check_labels(labels, num_classes, where);
  check_input(train_fraction > 0 && val_fraction >= 0 && train_fraction + val_fraction < 1, where,
              "needs 0 < train_fraction, 0 <= val_fraction and train_fraction + val_fraction < 1 (got " +
                  number(train_fraction) + ", " + number(val_fraction) + ")");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  PixelSplit s = empty_split(labels);
  for (int64_t c = 1; c <= num_classes; ++c) {
    const auto idx = shuffled_class(labels, c, gen);
    const int64_t n = idx.size(0);
    if (n == 0) continue;
    const int64_t train_end = std::max<int64_t>(1, std::llround(train_fraction * n));
    const int64_t val_end =
        std::max(train_end, static_cast<int64_t>(std::llround((train_fraction + val_fraction) * n)));
    mark(s.train, idx, 0, train_end);
    mark(s.val, idx, train_end, val_end);
    mark(s.test, idx, val_end, n);
  }
  s.description = "stratified " + number(train_fraction) + "/" + number(val_fraction) + " seed " + std::to_string(seed);
  return s;
}

PixelSplit per_class_count_split(const at::Tensor& labels, int64_t num_classes, int64_t train_per_class,
                                 int64_t val_per_class, uint64_t seed) {
  const std::string where = "per-class split";
  check_labels(labels, num_classes, where);
  check_input(train_per_class > 0 && val_per_class >= 0, where,
              "needs train_per_class > 0 and val_per_class >= 0 (got " + std::to_string(train_per_class) + ", " +
                  std::to_string(val_per_class) + ")");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  PixelSplit s = empty_split(labels);
  for (int64_t c = 1; c <= num_classes; ++c) {
    const auto idx = shuffled_class(labels, c, gen);
    const int64_t n = idx.size(0);
    if (n == 0) continue;
    const int64_t train = std::min(train_per_class, std::max<int64_t>(1, n / 2));
    const int64_t val = std::min(val_per_class, (n - train) / 2);
    mark(s.train, idx, 0, train);
    mark(s.val, idx, train, train + val);
    mark(s.test, idx, train + val, n);
  }
  s.description =
      std::to_string(train_per_class) + "/" + std::to_string(val_per_class) + " per class seed " + std::to_string(seed);
  return s;
}

PixelSplit given_map_split(const at::Tensor& train_map, const at::Tensor& test_map, int64_t num_classes,
                           double val_fraction, uint64_t seed) {
  const std::string where = "given split";
  check_labels(train_map, num_classes, where + ": train map");
  check_labels(test_map, num_classes, where + ": test map");
  check_input(train_map.sizes() == test_map.sizes(), where, "the train and test maps differ in size");
  check_input(val_fraction >= 0 && val_fraction < 1, where, "val_fraction must lie in [0, 1)");
  const auto overlap = ((train_map > 0) & (test_map > 0)).sum().item<int64_t>();
  check_input(overlap == 0, where, std::to_string(overlap) + " pixels are in both the train and the test map");
  PixelSplit s = empty_split(at::where(train_map > 0, train_map, test_map));
  s.train = train_map > 0;
  s.test = test_map > 0;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  if (val_fraction > 0) carve_validation(s, num_classes, val_fraction, gen);
  s.description = "given maps" +
                  (val_fraction > 0 ? ", validation " + number(val_fraction) + " of train seed " + std::to_string(seed)
                                    : std::string());
  return s;
}

void validate(const PixelSplit& split, const std::string& where) {
  check_input(split.labels.defined() && split.labels.dim() == 2 && split.labels.scalar_type() == at::kLong, where,
              "labels must be int64 [H, W]");
  for (const auto* mask : {&split.train, &split.val, &split.test})
    check_input(mask->defined() && mask->scalar_type() == at::kBool && mask->sizes() == split.labels.sizes(), where,
                "masks must be bool [H, W] like the labels");
  check_input(!((split.train & split.val) | (split.train & split.test) | (split.val & split.test)).any().item<bool>(),
              where, "train, validation and test overlap");
  check_input(!((split.train | split.val | split.test) & (split.labels == 0)).any().item<bool>(), where,
              "an unlabelled pixel is selected");
}

}  // namespace moezoo::datasets::hsi
