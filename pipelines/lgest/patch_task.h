#pragma once
/// Patch classification of a hyperspectral scene as a TrainTask: mini-batches of the
/// training pixels' patches (cut on the fly from the preprocessed cube), cross-entropy
/// on the centre pixel's class plus the model's auxiliary losses; OA, AA, kappa and
/// loss on the validation pixels; batch prediction of any pixels (test scoring, the
/// whole-scene map).

#include <map>
#include <memory>
#include <optional>

#include "core/runtime/train_task.h"
#include "datasets/hsi/classification_metrics.h"
#include "datasets/hsi/patches.h"
#include "models/lgest/patch_classifier.h"
#include "pipelines/lgest/hsi_data.h"

namespace moezoo::pipelines::lgest {

/// Scores on a set of pixels with the matrix they come from.
struct PixelScores {
  datasets::hsi::ConfusionMatrix confusion{1};
  datasets::hsi::ClassificationScores scores{};
  double loss = 0.0;  ///< mean cross-entropy
};

class PatchClassificationTask : public runtime::TrainTask {
 public:
  /// `batch_size` training patches per step (an epoch's batches differ in size by at
  /// most one, so that no batch is a lone sample BatchNorm cannot train on);
  /// `eval_batch_size` patches per forward in evaluation and prediction; the order of
  /// epoch e is a permutation drawn from seed + e.
  PatchClassificationTask(std::shared_ptr<HsiData> data, std::shared_ptr<models::lgest::PatchClassifier> model,
                          int64_t batch_size, int64_t eval_batch_size, uint64_t seed);

  torch::nn::Module& module() override { return *model_; }
  int64_t batches_per_epoch() const override;
  runtime::StepResult train_batch(int64_t epoch, int64_t index, const c10::Device& device) override;
  /// val_oa, val_aa, val_kappa, val_loss
  std::map<std::string, double> evaluate(const c10::Device& device) override;

  /// The training pixels of batch `index` of `epoch` (flat indices): a function of
  /// (seed, epoch, index) only, as TrainTask requires for exact resume.
  at::Tensor batch_pixels(int64_t epoch, int64_t index);

  /// Logits of `pixels` ([N] flat indices): [N, classes] float32 on the CPU. Call in
  /// eval mode under NoGradGuard.
  at::Tensor predict(const at::Tensor& pixels, const c10::Device& device);
  /// Confusion matrix, OA/AA/kappa/per-class accuracy and loss on `pixels` (labelled).
  PixelScores score(const at::Tensor& pixels, const c10::Device& device);
  /// Class index (0..C-1) of every pixel of the scene: [H, W] int64.
  at::Tensor classify_scene(const c10::Device& device);

  const HsiData& data() const { return *data_; }
  models::lgest::PatchClassifier& model() { return *model_; }

 private:
  std::shared_ptr<HsiData> data_;
  std::shared_ptr<models::lgest::PatchClassifier> model_;
  datasets::hsi::PatchExtractor patches_;
  int64_t batch_size_, eval_batch_size_;
  uint64_t seed_;
  int64_t order_epoch_ = -1;
  at::Tensor order_;  ///< training pixels in epoch order_epoch_'s order
};

}  // namespace moezoo::pipelines::lgest
