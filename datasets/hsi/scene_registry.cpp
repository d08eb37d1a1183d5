#include "datasets/hsi/scene_registry.h"

#include "core/util/error.h"
#include "datasets/hsi/standard_scenes.h"

namespace moezoo::datasets::hsi {

namespace {

runtime::Registry<SceneFactory> make_registry() {
  std::vector<runtime::Registry<SceneFactory>::Entry> entries;
  for (const auto& spec : standard_scenes()) {
    const std::string name = spec.name;
    entries.push_back({name, spec.description, [name](const std::filesystem::path& root, const SceneOptions&) {
                         return load_standard_scene(*find_standard_scene(name), root);
                       }});
  }
  entries.push_back(
      {"samson", "Samson 95x95, 156 bands, 3 classes (largest abundance)",
       [](const std::filesystem::path& root, const SceneOptions& o) { return load_samson(root, o.unmixing); }});
  entries.push_back(
      {"jasper_ridge", "Jasper Ridge 100x100, 198 bands, 4 classes (largest abundance)",
       [](const std::filesystem::path& root, const SceneOptions& o) { return load_jasper_ridge(root, o.unmixing); }});
  entries.push_back(
      {"urban", "Urban 307x307, 162 bands, 4 classes: M * A of its real endmembers and abundances",
       [](const std::filesystem::path& root, const SceneOptions& o) { return load_urban(root, o.unmixing); }});
  entries.push_back({"synthetic", "generated linear-mixing scene (no data needed)",
                     [](const std::filesystem::path& root, const SceneOptions& o) {
                       return make_synthetic_scene(o.synthetic, root);
                     }});
  return runtime::Registry<SceneFactory>("hsi scene", std::move(entries));
}

}  // namespace

const runtime::Registry<SceneFactory>& hsi_scenes() {
  static const runtime::Registry<SceneFactory> registry = make_registry();
  return registry;
}

HsiScene load_scene(const std::string& name, const std::filesystem::path& data_root, const SceneOptions& options) {
  return hsi_scenes().get(name).factory(data_root, options);
}

HsiScene load_scene_ground_truth(const std::string& name, const std::filesystem::path& data_root) {
  const StandardScene* spec = find_standard_scene(name);
  if (!spec) {
    hsi_scenes().get(name);  // an unknown name: the registry's error with the closest match
    throw Error("hsi scene '" + name + "' has no separate ground-truth file; load it whole with load_scene");
  }
  return load_standard_ground_truth(*spec, data_root);
}

}  // namespace moezoo::datasets::hsi
