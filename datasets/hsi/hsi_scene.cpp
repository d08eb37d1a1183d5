#include "datasets/hsi/hsi_scene.h"

#include <ATen/ATen.h>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

namespace {

void check_label_map(const at::Tensor& map, int64_t height, int64_t width, int64_t num_classes,
                     const std::string& where) {
  check_input(map.scalar_type() == at::kLong && map.dim() == 2, where, "a label map must be int64 [H, W]");
  check_input(map.size(0) == height && map.size(1) == width, where,
              "label map is " + std::to_string(map.size(0)) + "x" + std::to_string(map.size(1)) + ", expected " +
                  std::to_string(height) + "x" + std::to_string(width));
  if (map.numel() == 0) return;
  const auto low = map.min().item<int64_t>(), high = map.max().item<int64_t>();
  check_input(low >= 0 && high <= num_classes, where,
              "labels span [" + std::to_string(low) + ", " + std::to_string(high) + "], expected 0 (unlabeled) to " +
                  std::to_string(num_classes));
}

}  // namespace

void validate(const HsiScene& scene, const std::string& where) {
  check_input(scene.labels.defined() && scene.labels.dim() == 2, where + ": labels", "expected an int64 map [H, W]");
  check_input(scene.num_classes() > 0, where, "a scene needs at least one class name");
  const int64_t h = scene.height(), w = scene.width(), c = scene.num_classes();
  check_label_map(scene.labels, h, w, c, where + ": labels");
  if (scene.cube.defined()) {
    check_input(scene.cube.scalar_type() == at::kFloat && scene.cube.dim() == 3, where + ": cube",
                "expected float32 [H, W, B]");
    check_input(scene.cube.size(0) == h && scene.cube.size(1) == w, where + ": cube",
                "is " + std::to_string(scene.cube.size(0)) + "x" + std::to_string(scene.cube.size(1)) +
                    " pixels but the labels are " + std::to_string(h) + "x" + std::to_string(w));
    check_input(scene.cube.size(2) > 0, where + ": cube", "has no bands");
    check_input(scene.cube.isfinite().all().item<bool>(), where + ": cube", "holds NaN or infinite values");
  }
  check_input(scene.given_train.defined() == scene.given_test.defined(), where,
              "given_train and given_test come as a pair");
  if (scene.given_train.defined()) {
    check_label_map(scene.given_train, h, w, c, where + ": given_train");
    check_label_map(scene.given_test, h, w, c, where + ": given_test");
    check_input(!((scene.given_train > 0) & (scene.given_test > 0)).any().item<bool>(), where,
                "the given train and test maps overlap");
  }
}

at::Tensor class_counts(const at::Tensor& labels, int64_t num_classes) {
  return at::bincount(labels.reshape({-1}), {}, num_classes + 1);
}

}  // namespace moezoo::datasets::hsi
