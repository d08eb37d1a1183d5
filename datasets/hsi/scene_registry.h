#pragma once
/// Hyperspectral scenes by name (`data.name` in LGEST configs), read from the data
/// root ($MOEZOO_DATA or --data-root; files under <root>/hsi, see scene_files.h):
///
/// | names | what | see |
/// |---|---|---|
/// | indian_pines, pavia_university, pavia_centre, salinas, ksc, botswana, houston2013 | the classification benchmarks
/// (cube + ground truth .mat) | standard_scenes.h | | samson, jasper_ridge, urban | real unmixing scenes as
/// classification data | unmixing_scenes.h | | synthetic | the generated scene, no file needed | synthetic_scene.h |

#include <filesystem>
#include <functional>
#include <string>

#include "core/runtime/registry.h"
#include "datasets/hsi/hsi_scene.h"
#include "datasets/hsi/synthetic_scene.h"
#include "datasets/hsi/unmixing_scenes.h"

namespace moezoo::datasets::hsi {

/// Options of the scenes that have any; the standard scenes have none.
struct SceneOptions {
  UnmixingSceneOptions unmixing;
  SyntheticSceneOptions synthetic;
};

/// (data root, options) -> scene
using SceneFactory = std::function<HsiScene(const std::filesystem::path&, const SceneOptions&)>;

const runtime::Registry<SceneFactory>& hsi_scenes();

/// The scene `name`; an unknown name is an Error naming the closest known one.
HsiScene load_scene(const std::string& name, const std::filesystem::path& data_root, const SceneOptions& options = {});

/// Only the ground truth of a standard scene (labels, class names, given maps; cube
/// undefined): what the shared test data holds. Other names are an Error.
HsiScene load_scene_ground_truth(const std::string& name, const std::filesystem::path& data_root);

}  // namespace moezoo::datasets::hsi
