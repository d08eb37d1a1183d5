#pragma once
/// Where the hyperspectral files of a data root live. Under <root>/hsi the shared
/// data and the download script keep ground truth in gt/ and the unmixing scenes in
/// unmixing/; a user's own cubes may sit in cubes/, gt/ or hsi/ itself, so a file is
/// looked up in each of these folders in turn.

#include <filesystem>
#include <string>
#include <vector>

namespace moezoo::datasets::hsi {

/// <data_root>/hsi and its gt/, cubes/ and unmixing/ folders, in lookup order.
std::vector<std::filesystem::path> scene_folders(const std::filesystem::path& data_root);

/// The first existing <folder>/<name> over scene_folders and `names` (a scene's files
/// go by several names: Pavia_gt.mat / paviaC_gt.mat); empty when there is none.
std::filesystem::path find_scene_file(const std::filesystem::path& data_root, const std::vector<std::string>& names);

/// find_scene_file, or an Error naming the file(s), the folders searched and `what`
/// the file is ("the indian_pines cube").
std::filesystem::path require_scene_file(const std::filesystem::path& data_root, const std::vector<std::string>& names,
                                         const std::string& what);

}  // namespace moezoo::datasets::hsi
