#include "datasets/mri/nnunet_layout.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::datasets::mri {

namespace fs = std::filesystem;

namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::optional<Modality> modality_from_name(const std::string& name) {
  const std::string n = lowercase(name);
  if (n == "t1" || n == "t1w" || n == "t1n" || n == "native") return Modality::kT1;
  if (n == "t1ce" || n == "t1c" || n == "t1gd" || n == "t1-ce" || n == "t1_ce") return Modality::kT1ce;
  if (n == "t2" || n == "t2w") return Modality::kT2;
  if (n == "flair" || n == "t2f" || n == "fla" || n == "t2-flair") return Modality::kFlair;
  return std::nullopt;
}

/// channel index (the _XXXX of a file) of each modality, in Modality order.
std::array<int, kNumModalities> channel_of_modality(const nlohmann::json& json, const std::string& where) {
  const char* key = json.contains("channel_names") ? "channel_names" : "modality";
  check_input(json.contains(key) && json[key].is_object(), where, "no channel_names (or modality) object");
  std::array<int, kNumModalities> channels;
  channels.fill(-1);
  for (const auto& [index, name] : json[key].items()) {
    check_input(name.is_string(), where, std::string(key) + "." + index + " is not a string");
    const auto modality = modality_from_name(name.get<std::string>());
    check_input(modality.has_value(), where, "channel name '" + name.get<std::string>() + "' is no MRI modality");
    channels[static_cast<int>(*modality)] = std::stoi(index);
  }
  for (int m = 0; m < kNumModalities; ++m)
    check_input(channels[m] >= 0, where,
                std::string("no channel for modality ") + modality_name(static_cast<Modality>(m)));
  return channels;
}

/// Any label value in `labels` (v2: name -> int or [ints]; v1: "value" -> name).
LabelConvention convention_of(const nlohmann::json& json) {
  if (!json.contains("labels")) return LabelConvention::kNnunet;
  std::set<int> values;
  for (const auto& [key, value] : json["labels"].items()) {
    if (value.is_number_integer()) values.insert(value.get<int>());
    if (value.is_array())
      for (const auto& v : value)
        if (v.is_number_integer()) values.insert(v.get<int>());
    if (value.is_string() && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit))
      values.insert(std::stoi(key));
  }
  return values.count(4) ? LabelConvention::kBrats2018 : LabelConvention::kNnunet;
}

/// "_0003" for channel 3.
std::string channel_suffix(int channel) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "_%04d", channel);
  return buffer;
}

}  // namespace

std::vector<CaseFiles> nnunet_cases(const fs::path& dataset, bool test_split) {
  const fs::path json_path = dataset / "dataset.json";
  const std::string where = json_path.string();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_file_bytes(json_path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(where + ": malformed JSON: " + e.what());
  }
  check_input(json.is_object(), where, "expected a JSON object");
  const auto channels = channel_of_modality(json, where);
  const LabelConvention convention = convention_of(json);
  const std::string ending = json.value("file_ending", std::string(".nii.gz"));

  const fs::path images = dataset / (test_split ? "imagesTs" : "imagesTr");
  check_input(fs::is_directory(images), images.string(), "missing nnU-Net images folder");
  // Case ids from the first modality's channel files.
  const std::string first_tail = channel_suffix(channels[0]) + ending;
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(images)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > first_tail.size() &&
        name.compare(name.size() - first_tail.size(), first_tail.size(), first_tail) == 0)
      ids.push_back(name.substr(0, name.size() - first_tail.size()));
  }
  std::sort(ids.begin(), ids.end());

  std::vector<CaseFiles> cases;
  for (const auto& id : ids) {
    CaseFiles files;
    files.id = id;
    files.convention = convention;
    for (int m = 0; m < kNumModalities; ++m) {
      files.images[m] = images / (id + channel_suffix(channels[m]) + ending);
      if (!fs::exists(files.images[m]))
        throw Error("case " + id + ": missing modality " + modality_name(static_cast<Modality>(m)) + " (expected " +
                    files.images[m].string() + ")");
    }
    if (!test_split) {
      files.label = dataset / "labelsTr" / (id + ending);
      if (!fs::exists(files.label))
        throw Error("case " + id + ": missing label (expected " + files.label.string() + ")");
    }
    cases.push_back(std::move(files));
  }
  return cases;
}

}  // namespace moezoo::datasets::mri
