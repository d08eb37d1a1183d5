#include "pipelines/m4fuse/task_builder.h"

#include <torch/torch.h>

#include "core/runtime/reproducibility.h"
#include "core/util/error.h"
#include "pipelines/m4fuse/label_classes.h"

namespace moezoo::pipelines::m4fuse {

namespace m4 = models::m4fuse;

m4::M4FuseOptions model_options_from_config(const runtime::Config& c) {
  auto o = m4::m4fuse_variant(c.get<std::string>("variant", "tiny"));  // unknown: Error listing the variants
  o.routing(c.get<std::string>("routing", o.routing()));
  check_input(o.routing() == "site" || o.routing() == "gate", "model.routing",
              "'" + o.routing() + "' is not one of site, gate");
  o.num_experts(c.get<int64_t>("num_experts", o.num_experts()));
  check_input(o.num_experts() >= 1, "model.num_experts", "must be >= 1");
  check_input(o.routing() != "gate" || o.num_experts() >= 2, "model.num_experts",
              "gate routing needs at least 2 experts");
  o.dropout(c.get<double>("dropout", o.dropout()));
  check_input(o.dropout() >= 0 && o.dropout() < 1, "model.dropout", "must lie in [0, 1)");
  o.bridge(c.get<bool>("bridge", o.bridge()));
  auto balancer = o.balancer();
  balancer.switch_coef(c.get<double>("switch_coef", balancer.switch_coef()));
  o.balancer(balancer);
  o.in_channels(4);
  o.num_classes(kNumClasses);
  return o;
}

m4::SegmentationLossOptions loss_options_from_config(const runtime::Config& c) {
  auto o = m4::brats_loss_options();
  o.ce_weight(c.get<double>("ce_weight", o.ce_weight()));
  o.dice_weight(c.get<double>("dice_weight", o.dice_weight()));
  o.class_weights(c.get<std::vector<double>>("class_weights", o.class_weights()));
  o.dice_class_weights(c.get<std::vector<double>>("dice_class_weights", o.dice_class_weights()));
  o.include_background(c.get<bool>("include_background", o.include_background()));
  check_input(o.ce_weight() >= 0 && o.dice_weight() >= 0 && o.ce_weight() + o.dice_weight() > 0, "model.loss.ce_weight",
              "ce_weight and dice_weight must be >= 0 and not both 0");
  check_input(o.class_weights().empty() || o.class_weights().size() == kNumClasses, "model.loss.class_weights",
              "must list 4 weights (background, NCR, ED, ET) or none");
  const size_t dice_n = o.dice_class_weights().size();
  check_input(dice_n == 0 || dice_n == kNumClasses || (dice_n == kNumClasses - 1 && !o.include_background()),
              "model.loss.dice_class_weights", "must list 4 weights (3 without background) or none");
  return o;
}

BuiltTask build_task(const runtime::Config& config, const std::filesystem::path& data_root, bool with_data) {
  const auto settings = data_settings_from_config(config.at("data"));
  const auto model_options = model_options_from_config(config.at("model"));
  TaskSettings task;
  task.loss = loss_options_from_config(config.at("model.loss"));
  task.batch_size = config.get<int64_t>("train.batch_size", task.batch_size);
  task.batches_per_epoch = config.get<int64_t>("train.batches_per_epoch", task.batches_per_epoch);
  task.window_batch = config.get<int64_t>("train.eval_batch_size", task.window_batch);
  task.seed = static_cast<uint64_t>(config.get<int64_t>("train.seed", 0));
  BuiltTask built;
  built.infer_site = config.get<int64_t>("infer.site", 0);
  check_input(
      built.infer_site >= 0 && (model_options.routing() != "site" || built.infer_site < model_options.num_experts()),
      "infer.site", "must lie in [0, model.num_experts)");

  std::shared_ptr<MriData> data;
  if (with_data) {
    data = std::make_shared<MriData>(load_mri_data(settings, data_root));
  } else {
    data = std::make_shared<MriData>();
    data->settings = settings;
    data->name = settings.source == "synthetic" ? "synthetic" : settings.root.filename().string();
  }
  // Model init must be seeded before the model is built: the Trainer seeds again for training.
  runtime::seed_everything(task.seed);
  m4::M4Fuse model(model_options);
  built.model_name = "m4fuse-" + model_options.variant();
  built.data_name = data->name;
  built.log = data->log + "moezoo-m4fuse: " + built.model_name + " (" + model_options.routing() + " routing, " +
              std::to_string(model_options.num_experts()) + " expert" + (model_options.num_experts() > 1 ? "s" : "") +
              "), " + std::to_string(m4::count_parameters(*model)) + " parameters\n";
  built.task = std::make_unique<SegmentationTask>(std::move(data), std::move(model), task);
  return built;
}

}  // namespace moezoo::pipelines::m4fuse
