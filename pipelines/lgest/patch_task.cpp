#include "pipelines/lgest/patch_task.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::pipelines::lgest {

PatchClassificationTask::PatchClassificationTask(std::shared_ptr<HsiData> data,
                                                 std::shared_ptr<models::lgest::PatchClassifier> model,
                                                 int64_t batch_size, int64_t eval_batch_size, uint64_t seed)
    : data_(std::move(data)),
      model_(std::move(model)),
      patches_(data_->features, data_->patch),
      batch_size_(batch_size),
      eval_batch_size_(eval_batch_size),
      seed_(seed) {
  check_input(batch_size_ >= 1, "train.batch_size", "must be >= 1, got " + std::to_string(batch_size_));
  check_input(eval_batch_size_ >= 1, "train.eval_batch_size", "must be >= 1, got " + std::to_string(eval_batch_size_));
}

int64_t PatchClassificationTask::batches_per_epoch() const {
  const int64_t n = data_->train_pixels.size(0);
  return std::max<int64_t>(1, (n + batch_size_ - 1) / batch_size_);
}

at::Tensor PatchClassificationTask::batch_pixels(int64_t epoch, int64_t index) {
  if (epoch != order_epoch_) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed_ + static_cast<uint64_t>(epoch));
    order_ = data_->train_pixels.index_select(0, at::randperm(data_->train_pixels.size(0), gen, at::kLong));
    order_epoch_ = epoch;
  }
  const int64_t n = order_.size(0), batches = batches_per_epoch();
  check_input(index >= 0 && index < batches, "train_batch", "batch index out of range");
  return order_.slice(0, index * n / batches, (index + 1) * n / batches);
}

runtime::StepResult PatchClassificationTask::train_batch(int64_t epoch, int64_t index, const c10::Device& device) {
  const at::Tensor pixels = batch_pixels(epoch, index);
  const at::Tensor x = patches_(pixels).to(device);
  const at::Tensor y = data_->targets.index_select(0, pixels).to(device);

  runtime::StepResult r;
  const at::Tensor logits = model_->forward(x);
  r.loss = torch::cross_entropy_loss(logits, y);
  r.aux = model_->aux_losses();
  r.metrics["acc"] = logits.detach().argmax(1).eq(y).to(torch::kFloat64).mean().item<double>();
  return r;
}

at::Tensor PatchClassificationTask::predict(const at::Tensor& pixels, const c10::Device& device) {
  std::vector<at::Tensor> out;
  for (int64_t begin = 0; begin < pixels.size(0); begin += eval_batch_size_) {
    const at::Tensor batch = pixels.slice(0, begin, std::min(begin + eval_batch_size_, pixels.size(0)));
    out.push_back(model_->forward(patches_(batch).to(device)).to(torch::kCPU, torch::kFloat32));
  }
  if (out.empty()) return torch::empty({0, data_->num_classes()});
  return torch::cat(out);
}

PixelScores PatchClassificationTask::score(const at::Tensor& pixels, const c10::Device& device) {
  const at::Tensor logits = predict(pixels, device);
  const at::Tensor y = data_->targets.index_select(0, pixels);
  check_input(y.numel() == 0 || y.min().item<int64_t>() >= 0, "score", "pixels include unlabelled ones");
  PixelScores s;
  s.loss = logits.size(0) > 0 ? torch::cross_entropy_loss(logits, y).item<double>() : 0.0;
  const at::Tensor predicted = logits.argmax(1).contiguous();
  const at::Tensor reference = y.contiguous();
  s.confusion = datasets::hsi::ConfusionMatrix(data_->num_classes());
  s.confusion.add(
      std::vector<int64_t>(reference.data_ptr<int64_t>(), reference.data_ptr<int64_t>() + reference.numel()),
      std::vector<int64_t>(predicted.data_ptr<int64_t>(), predicted.data_ptr<int64_t>() + predicted.numel()));
  s.scores = datasets::hsi::classification_scores(s.confusion);
  return s;
}

std::map<std::string, double> PatchClassificationTask::evaluate(const c10::Device& device) {
  const PixelScores s = score(data_->val_pixels, device);
  return {{"val_oa", s.scores.overall_accuracy},
          {"val_aa", s.scores.average_accuracy},
          {"val_kappa", s.scores.kappa},
          {"val_loss", s.loss}};
}

at::Tensor PatchClassificationTask::classify_scene(const c10::Device& device) {
  const int64_t h = data_->scene.height(), w = data_->scene.width();
  return predict(torch::arange(h * w, torch::kLong), device).argmax(1).view({h, w});
}

}  // namespace moezoo::pipelines::lgest
