#pragma once
/// The hyperspectral patch models by name (moezoo-lgest list): each factory reads its own
/// keys from the `model:` section.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/runtime/config.h"
#include "core/runtime/registry.h"
#include "models/lgest/patch_classifier.h"

namespace moezoo::models::lgest {

/// (model config, input bands C, patch size P, classes) -> model for [B, C, P, P] patches
using PatchClassifierFactory = std::function<std::shared_ptr<PatchClassifier>(
    const runtime::Config&, int64_t in_bands, int64_t patch, int64_t classes)>;

/// "lgest", "hybridsn", "ssftt".
const runtime::Registry<PatchClassifierFactory>& hsi_models();

/// A Markdown table of every registered model at its default configuration for (C, P,
/// classes): name and trainable parameters ("n/a: <reason>" where the size does not fit).
std::string describe_hsi_models(int64_t in_bands, int64_t patch, int64_t classes);

}  // namespace moezoo::models::lgest
