#pragma once
/// `moezoo-lgest reproduce`: every model of a reproduce config on every scene under
/// every split, over `seeds` seeds (run s: train.seed = data.split_seed = s, so the
/// spread covers both the split draw and the initialisation), scored on the test
/// pixels with best.pt (best validation OA). configs/lgest/reproduce.yaml:
///   seeds: 5
///   scenes: {samson: samson.yaml, ...}                 (config file per scene, relative)
///   splits: {fraction: [data.split=fraction, data.train_fraction=0.1], disjoint: [...]}
///   models: {lgest: [model.name=lgest], hybridsn: [...], ssftt: [...]}
///   overrides: []        applied to every run last (e.g. train.epochs=1)
/// Each run gets data.name=<scene>, data.fallback_synthetic=false, the split's
/// overrides, the model's, then `overrides`.
/// Results go to <out>/reproduce/lgest/table/<time>/: results.csv (one row per run,
/// rewritten after each) and table.md (OA, AA, kappa mean +- sample std per scene x
/// split x model with the mean training time, per-class accuracy tables, total time);
/// each run's own folder is under runs/<scene>/<split>/<model>/seed<s>/.

#include <filesystem>
#include <string>

#include "core/runtime/config.h"
#include "core/runtime/pipeline_verbs.h"

namespace moezoo::pipelines::lgest {

using runtime::ReproduceResult;

/// config: the reproduce config (its directory resolves the scene files).
ReproduceResult reproduce(const runtime::Config& config, const std::filesystem::path& config_dir,
                          const std::filesystem::path& data_root, const std::filesystem::path& out_root);

}  // namespace moezoo::pipelines::lgest
