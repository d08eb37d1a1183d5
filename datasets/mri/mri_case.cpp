#include "datasets/mri/mri_case.h"

#include <torch/torch.h>

#include <vector>

#include "core/util/error.h"
#include "datasets/mri/nifti_io.h"

namespace moezoo::datasets::mri {

namespace fs = std::filesystem;

const char* modality_name(Modality modality) {
  switch (modality) {
    case Modality::kT1:
      return "t1";
    case Modality::kT1ce:
      return "t1ce";
    case Modality::kT2:
      return "t2";
    case Modality::kFlair:
      return "flair";
  }
  return "?";
}

namespace {

/// read_nifti with the case named in every error.
Volume read_member(const std::string& id, const fs::path& path, const std::string& role) {
  if (!fs::is_regular_file(path)) throw Error("case " + id + ": missing " + role + " file " + path.string());
  try {
    return read_nifti(path);
  } catch (const Error& e) {
    throw Error("case " + id + " (" + role + "): " + e.what());
  }
}

void check_same_grid(const std::string& id, const Volume& reference, const fs::path& reference_path,
                     const Volume& volume, const fs::path& path) {
  const std::string difference = grid_difference(reference.geometry, volume.geometry);
  if (!difference.empty())
    throw Error("case " + id + ": " + path.string() + " is not on the grid of " + reference_path.filename().string() +
                " (" + difference + ")");
}

}  // namespace

MriCase read_case(const CaseFiles& files) {
  MriCase result;
  result.id = files.id;
  std::vector<at::Tensor> channels;
  Volume first;
  for (int m = 0; m < kNumModalities; ++m) {
    Volume volume = read_member(files.id, files.images[m], modality_name(static_cast<Modality>(m)));
    if (m == 0)
      first = volume;
    else
      check_same_grid(files.id, first, files.images[0], volume, files.images[m]);
    channels.push_back(volume.data);
  }
  result.image = torch::stack(channels);
  result.geometry = first.geometry;
  if (!files.label.empty()) {
    const Volume label = read_member(files.id, files.label, "label");
    check_same_grid(files.id, first, files.images[0], label, files.label);
    result.label = to_brats_labels(label.data, files.convention, "case " + files.id + ": " + files.label.string());
  }
  return result;
}

}  // namespace moezoo::datasets::mri
