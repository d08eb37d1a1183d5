#include "pipelines/m4fuse/segmentation_task.h"

#include <torch/torch.h>

#include <random>

#include "core/util/error.h"
#include "datasets/mri/patch_sampling.h"
#include "datasets/mri/sliding_window.h"

namespace moezoo::pipelines::m4fuse {

namespace mri = datasets::mri;

std::array<double, 3> region_dice(const at::Tensor& predicted, const at::Tensor& reference) {
  const at::Tensor p = predicted.to(torch::kCPU), r = reference.to(torch::kCPU);
  const auto dice = [](const at::Tensor& a, const at::Tensor& b) {
    const double sa = a.sum().item<double>(), sb = b.sum().item<double>();
    if (sa + sb == 0) return 1.0;
    return 2.0 * (a & b).sum().item<double>() / (sa + sb);
  };
  return {dice(p.eq(3), r.eq(3)), dice(p.eq(1) | p.eq(3), r.eq(1) | r.eq(3)), dice(p.gt(0), r.gt(0))};
}

SegmentationTask::SegmentationTask(std::shared_ptr<MriData> data, models::m4fuse::M4Fuse model, TaskSettings settings)
    : data_(std::move(data)), model_(std::move(model)), settings_(std::move(settings)) {
  check_input(settings_.batch_size >= 1, "train.batch_size", "must be >= 1");
  check_input(settings_.batches_per_epoch >= 1, "train.batches_per_epoch", "must be >= 1");
  check_input(settings_.window_batch >= 1, "train.eval_batch_size", "must be >= 1");
  for (const auto& c : data_->train) check_input(c.classes.defined(), c.id, "training case without a label");
  const int64_t experts = model_->options.num_experts();
  check_input(data_->settings.site < experts || model_->options.routing() != "site", "data.site",
              std::to_string(data_->settings.site) + " is not below model.num_experts " + std::to_string(experts));
}

SegmentationTask::Batch SegmentationTask::batch(int64_t epoch, int64_t index) const {
  std::seed_seq seq{static_cast<uint64_t>(settings_.seed), static_cast<uint64_t>(epoch), static_cast<uint64_t>(index)};
  std::mt19937_64 rng(seq);
  const auto& s = data_->settings;
  mri::PatchOptions options;
  options.size = s.patch;
  options.foreground_fraction = s.foreground_fraction;
  if (!s.augment) {
    options.flip = false;
    options.intensity_scale = 0.0;
    options.intensity_shift = 0.0;
  }
  std::vector<at::Tensor> images, classes, sites;
  check_input(!data_->train.empty(), "data", "no training case");
  const auto n = static_cast<uint64_t>(data_->train.size());
  for (int64_t b = 0; b < settings_.batch_size; ++b) {
    const auto& c = data_->train[static_cast<size_t>(rng() % n)];
    const auto patch = mri::sample_patch(c.image, c.classes, options, rng);
    images.push_back(patch.image);
    classes.push_back(patch.label);
    sites.push_back(torch::tensor({c.site}, torch::kLong));
  }
  return {torch::stack(images), torch::stack(classes), torch::cat(sites)};
}

runtime::StepResult SegmentationTask::train_batch(int64_t epoch, int64_t index, const c10::Device& device) {
  const Batch b = batch(epoch, index);
  const at::Tensor x = b.image.to(device), y = b.classes.to(device), site = b.site.to(device);
  runtime::StepResult r;
  const at::Tensor logits = model_->forward(x, site);  // [B, 4, d, h, w]
  r.loss = models::m4fuse::m4fuse_loss(logits, y, settings_.loss);
  r.aux = model_->aux_losses();
  const at::Tensor wt_pred = logits.detach().argmax(1).gt(0), wt_ref = y.gt(0);
  const double denom = (wt_pred.sum() + wt_ref.sum()).item<double>();
  r.metrics["dice_wt"] = denom == 0 ? 1.0 : 2.0 * (wt_pred & wt_ref).sum().item<double>() / denom;
  return r;
}

at::Tensor SegmentationTask::predict(const at::Tensor& image, int64_t site, const c10::Device& device) {
  mri::SlidingWindowOptions options;
  options.window = data_->settings.patch;
  options.overlap = data_->settings.overlap;
  options.batch_size = settings_.window_batch;
  const at::Tensor site_id = torch::tensor({site}, torch::TensorOptions().dtype(torch::kLong).device(device));
  const at::Tensor logits = mri::sliding_window_inference(image.to(device), options, [&](const at::Tensor& patches) {
    return model_->forward(patches, site_id.expand({patches.size(0)}).contiguous());
  });
  return torch::softmax(logits, 0).to(torch::kCPU, torch::kFloat32);
}

std::map<std::string, double> SegmentationTask::evaluate(const c10::Device& device) {
  std::array<double, 3> sum{0, 0, 0};
  for (const auto& c : data_->val) {
    const auto d = region_dice(predict(c.image, c.site, device).argmax(0), c.classes);
    for (int i = 0; i < 3; ++i) sum[i] += d[i];
  }
  const double n = static_cast<double>(std::max<size_t>(1, data_->val.size()));
  return {{"val_dice_et", sum[0] / n},
          {"val_dice_tc", sum[1] / n},
          {"val_dice_wt", sum[2] / n},
          {"val_dice_mean", (sum[0] + sum[1] + sum[2]) / (3 * n)}};
}

}  // namespace moezoo::pipelines::m4fuse
