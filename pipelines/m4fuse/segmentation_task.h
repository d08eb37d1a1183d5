#pragma once
/// 3-D brain tumour segmentation as a TrainTask: each step a batch of random patches
/// (datasets/mri/patch_sampling.h: tumour-centred a third of the time, flips, intensity
/// jitter) of the training cases on the working grid, the M4Fuse loss (0.3 weighted CE +
/// 0.7 class-weighted soft Dice, models/m4fuse/segmentation_loss.h) plus the model's
/// auxiliary losses; evaluation by Gaussian sliding-window inference over each
/// validation case on the working grid, scored by Dice of the BraTS regions ET, TC, WT
/// (no HD95 there: it is the expensive part, and the train verb scores best.pt with it
/// at the original resolution).

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/runtime/train_task.h"
#include "models/m4fuse/m4fuse.h"
#include "models/m4fuse/segmentation_loss.h"
#include "pipelines/m4fuse/mri_data.h"

namespace moezoo::pipelines::m4fuse {

struct TaskSettings {
  int64_t batch_size = 2;          ///< patches per step (train.batch_size)
  int64_t batches_per_epoch = 50;  ///< steps per epoch (train.batches_per_epoch)
  int64_t window_batch = 2;        ///< sliding windows per forward (train.eval_batch_size)
  uint64_t seed = 0;               ///< train.seed: the patch draws
  models::m4fuse::SegmentationLossOptions loss = models::m4fuse::brats_loss_options();
};

/// Dice of the regions ET, TC, WT between two class maps [d, h, w] (0..3), 1 when both
/// are empty (the BraTS convention).
std::array<double, 3> region_dice(const at::Tensor& predicted_classes, const at::Tensor& reference_classes);

class SegmentationTask : public runtime::TrainTask {
 public:
  SegmentationTask(std::shared_ptr<MriData> data, models::m4fuse::M4Fuse model, TaskSettings settings);

  torch::nn::Module& module() override { return *model_; }
  int64_t batches_per_epoch() const override { return settings_.batches_per_epoch; }
  runtime::StepResult train_batch(int64_t epoch, int64_t index, const c10::Device& device) override;
  /// val_dice_et, val_dice_tc, val_dice_wt, val_dice_mean (means over the validation cases)
  std::map<std::string, double> evaluate(const c10::Device& device) override;

  /// Batch `index` of `epoch`: image [B, 4, d, h, w], classes [B, d, h, w], site [B] --
  /// a function of (seed, epoch, index) only.
  struct Batch {
    at::Tensor image, classes, site;
  };
  Batch batch(int64_t epoch, int64_t index) const;

  /// image [4, d, h, w] on the working grid -> class probabilities [4, d, h, w] float32
  /// on the CPU (softmax of the Gaussian-weighted sliding-window logits, window =
  /// data.patch). Call in eval mode under NoGradGuard.
  at::Tensor predict(const at::Tensor& image, int64_t site, const c10::Device& device);

  const MriData& data() const { return *data_; }
  models::m4fuse::M4Fuse& model() { return model_; }
  const TaskSettings& settings() const { return settings_; }

 private:
  std::shared_ptr<MriData> data_;
  models::m4fuse::M4Fuse model_;
  TaskSettings settings_;
};

}  // namespace moezoo::pipelines::m4fuse
