#include "datasets/hsi/scene_files.h"

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

std::vector<std::filesystem::path> scene_folders(const std::filesystem::path& data_root) {
  const auto hsi = data_root / "hsi";
  return {hsi, hsi / "gt", hsi / "cubes", hsi / "unmixing"};
}

std::filesystem::path find_scene_file(const std::filesystem::path& data_root, const std::vector<std::string>& names) {
  std::error_code ec;
  for (const auto& folder : scene_folders(data_root))
    for (const auto& name : names)
      if (std::filesystem::is_regular_file(folder / name, ec)) return folder / name;
  return {};
}

std::filesystem::path require_scene_file(const std::filesystem::path& data_root, const std::vector<std::string>& names,
                                         const std::string& what) {
  auto found = find_scene_file(data_root, names);
  if (!found.empty()) return found;
  std::string files, folders;
  for (const auto& n : names) files += (files.empty() ? "" : " or ") + n;
  for (const auto& f : scene_folders(data_root)) folders += (folders.empty() ? "" : ", ") + f.string();
  throw Error(files + ": not found (" + what + "; looked in " + folders + ")");
}

}  // namespace moezoo::datasets::hsi
