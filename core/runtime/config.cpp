#include "core/runtime/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <sstream>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::runtime {

namespace fs = std::filesystem;

struct Config::Shared {
  YAML::Node root{YAML::NodeType::Map};
  std::string source;                  // the file (or text) the config came from, for errors
  mutable std::set<std::string> used;  // dotted keys some getter has read
};

namespace {

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream stream(key);
  std::string part;
  while (std::getline(stream, part, '.')) {
    if (part.empty()) throw Error("config key '" + key + "': empty component");
    parts.push_back(part);
  }
  if (parts.empty()) throw Error("config key is empty");
  return parts;
}

/// The node at `key`, or an undefined node. Read-only: never inserts.
YAML::Node lookup(const YAML::Node& root, const std::string& key) {
  YAML::Node current;
  current.reset(root);
  for (const auto& part : split_key(key)) {
    if (!current.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& as_const = current;
    YAML::Node next = as_const[part];
    if (!next.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    current.reset(next);
  }
  return current;
}

void assign(YAML::Node& root, const std::string& key, const YAML::Node& value) {
  const auto parts = split_key(key);
  YAML::Node current;
  current.reset(root);
  std::string walked;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    walked += (walked.empty() ? "" : ".") + parts[i];
    YAML::Node next = current[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      current[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next.reset(current[parts[i]]);
    } else if (!next.IsMap()) {
      throw Error("config key '" + key + "': '" + walked + "' is a value, not a section");
    }
    current.reset(next);
  }
  current[parts.back()] = value;
}

/// Deep-merges `top` over `base` (maps merge key by key; anything else is replaced).
YAML::Node merge(const YAML::Node& base, const YAML::Node& top) {
  if (!base.IsMap() || !top.IsMap()) return YAML::Clone(top);
  YAML::Node result = YAML::Clone(base);
  for (const auto& entry : top) {
    const auto key = entry.first.as<std::string>();
    const YAML::Node& as_const = result;
    YAML::Node existing = as_const[key];
    result[key] = existing.IsDefined() ? merge(existing, entry.second) : YAML::Clone(entry.second);
  }
  return result;
}

YAML::Node load_with_includes(const fs::path& file, std::vector<fs::path>& stack) {
  if (!fs::exists(file)) throw Error(file.string() + ": config file not found");
  const fs::path canonical = fs::weakly_canonical(file);
  if (std::find(stack.begin(), stack.end(), canonical) != stack.end())
    throw Error(file.string() + ": include cycle");
  stack.push_back(canonical);
  YAML::Node node;
  try {
    node = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw Error(file.string() + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap()) throw Error(file.string() + ": expected a mapping of keys at the top level");

  YAML::Node merged(YAML::NodeType::Map);
  if (node["include"]) {
    std::vector<std::string> includes;
    const YAML::Node inc = node["include"];
    if (inc.IsScalar()) includes.push_back(inc.as<std::string>());
    else if (inc.IsSequence()) for (const auto& item : inc) includes.push_back(item.as<std::string>());
    else throw Error(file.string() + ": 'include' must be a path or a list of paths");
    for (const auto& included : includes)
      merged = merge(merged, load_with_includes(file.parent_path() / included, stack));
    node.remove("include");
  }
  stack.pop_back();
  return merge(merged, node);
}

void collect_leaves(const YAML::Node& node, const std::string& prefix, std::vector<std::string>& out) {
  if (node.IsMap() && node.size() > 0) {
    for (const auto& entry : node) {
      const auto key = entry.first.as<std::string>();
      collect_leaves(entry.second, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (!prefix.empty()) {
    out.push_back(prefix);
  }
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

template <typename T>
const char* type_name() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  else if constexpr (std::is_integral_v<T>) return "an integer";
  else if constexpr (std::is_floating_point_v<T>) return "a number";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else return "a list";
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

Config::Config() : shared_(std::make_shared<Shared>()), prefix_() {}
Config::Config(std::shared_ptr<Shared> shared, std::string prefix)
    : shared_(std::move(shared)), prefix_(std::move(prefix)) {}

Config Config::load(const fs::path& file) {
  Config config;
  std::vector<fs::path> stack;
  config.shared_->root = load_with_includes(file, stack);
  config.shared_->source = file.string();
  return config;
}

Config Config::from_string(const std::string& yaml_text, const std::string& source) {
  Config config;
  try {
    YAML::Node node = YAML::Load(yaml_text);
    if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap()) throw Error(source + ": expected a mapping of keys at the top level");
    config.shared_->root = node;
  } catch (const YAML::Exception& e) {
    throw Error(source + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  config.shared_->source = source;
  return config;
}

std::string Config::full_key(const std::string& key) const {
  return prefix_.empty() ? key : prefix_ + "." + key;
}

void Config::set_override(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("override '" + assignment + "': expected key=value, e.g. train.lr=3e-4");
  const std::string key = full_key(assignment.substr(0, eq));
  const std::string text = assignment.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error("override '" + assignment + "': value is not valid YAML: " + e.msg);
  }
  if (value.IsNull() && !text.empty() && text != "null" && text != "~")
    throw Error("override '" + assignment + "': could not parse the value");
  assign(shared_->root, key, value);
}

void Config::set_overrides(const std::vector<std::string>& assignments) {
  for (const auto& a : assignments) set_override(a);
}

bool Config::has(const std::string& key) const {
  const auto full = full_key(key);
  shared_->used.insert(full);
  const YAML::Node node = lookup(shared_->root, full);
  return node.IsDefined() && !node.IsNull();
}

template <typename T>
T Config::get(const std::string& key) const {
  const auto full = full_key(key);
  shared_->used.insert(full);
  const YAML::Node node = lookup(shared_->root, full);
  if (!node.IsDefined() || node.IsNull()) {
    std::vector<std::string> all = keys();
    const auto near = closest_match(full, all);
    throw Error("config key '" + full + "' is required but missing in " + shared_->source +
                (near.empty() ? "" : " (found '" + near + "')"));
  }
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    std::string text = node.IsScalar() ? node.Scalar() : YAML::Dump(node);
    throw Error("config key '" + full + "': expected " + type_name<T>() + ", got '" + text + "'");
  }
}

template <typename T>
T Config::get(const std::string& key, const T& fallback) const {
  const auto full = full_key(key);
  const YAML::Node node = lookup(shared_->root, full);
  if (!node.IsDefined() || node.IsNull()) {
    shared_->used.insert(full);
    assign(shared_->root, full, YAML::Node(fallback));
    return fallback;
  }
  return get<T>(key);
}

#define MOEZOO_CONFIG_INSTANTIATE(T)                         \
  template T Config::get<T>(const std::string&) const; \
  template T Config::get<T>(const std::string&, const T&) const;
MOEZOO_CONFIG_INSTANTIATE(bool)
MOEZOO_CONFIG_INSTANTIATE(int)
MOEZOO_CONFIG_INSTANTIATE(int64_t)
MOEZOO_CONFIG_INSTANTIATE(double)
MOEZOO_CONFIG_INSTANTIATE(std::string)
MOEZOO_CONFIG_INSTANTIATE(std::vector<int64_t>)
MOEZOO_CONFIG_INSTANTIATE(std::vector<double>)
MOEZOO_CONFIG_INSTANTIATE(std::vector<std::string>)
#undef MOEZOO_CONFIG_INSTANTIATE

Config Config::at(const std::string& prefix) const { return Config(shared_, full_key(prefix)); }

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  collect_leaves(shared_->root, "", out);
  return out;
}

void Config::check_all_keys_used() const {
  const std::vector<std::string> used(shared_->used.begin(), shared_->used.end());
  for (const auto& key : keys()) {
    if (shared_->used.count(key)) continue;
    const auto near = closest_match(key, used);
    throw Error("unknown config key '" + key + "' in " + shared_->source +
                (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
}

std::string Config::to_yaml() const {
  YAML::Emitter out;
  out << shared_->root;
  return std::string(out.c_str()) + "\n";
}

void Config::save(const fs::path& file) const { write_file_atomically(file, to_yaml()); }

}  // namespace moezoo::runtime
