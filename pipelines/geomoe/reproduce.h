#pragma once
/// `moezoo-geomoe reproduce`: every model of a reproduce config on every dataset,
/// over 10 seeds (public splits: train.seed = 0..9) or the 10 stored splits
/// (heterophilous sets: data.split_index = 0..9, train.seed too), and a markdown
/// table of test accuracy mean +- std (sample std) at the best validation step, the
/// published number beside ours. configs/geomoe/reproduce.yaml:
///   seeds: 10
///   datasets: {cora: cora.yaml, texas: heterophilous.yaml, ...}   (config file per dataset)
///   models: {gcn: [model.name=gcn], gat: [model.name=gat, train.lr=0.005], ...}
///   overrides: []            applied to every run after the model's (e.g. train.epochs=3)
///   published: {cora: {gcn: 81.5}, ...}
///   selected: {geomoe: [geomoe_ego, geomoe_plain]}   optional: a row that shows, per
///            dataset, the candidate with the best mean VALIDATION accuracy (named in
///            brackets): hyperparameter choice on validation, as the papers tune per dataset
/// Results go to <out>/reproduce/geomoe/table/<time>/: results.csv (one row per run,
/// rewritten after each) and table.md; each run's own folder is under runs/.

#include <filesystem>

#include "core/runtime/config.h"
#include "core/runtime/pipeline_verbs.h"

namespace moezoo::pipelines::geomoe {

using runtime::ReproduceResult;

/// config: the reproduce config (its directory resolves the dataset files).
ReproduceResult reproduce(const runtime::Config& config, const std::filesystem::path& config_dir,
                          const std::filesystem::path& data_root, const std::filesystem::path& out_root);

}  // namespace moezoo::pipelines::geomoe
