#pragma once
/// YAML run configuration: `include:` of base files, dotted overrides, typed
/// getters with defaults, and unknown-key errors with a suggestion.
///
/// Unknown keys are found by use: every getter records the key it reads (with
/// or without a default), and `check_all_keys_used()` -- called once a pipeline
/// has built its model, data and trainer -- rejects any key in the files or
/// overrides that nothing read, naming it and the closest key that was read.
/// Defaults that were used are written into the tree, so `to_yaml()` is the
/// fully resolved configuration of a run.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace moezoo::runtime {

class Config {
 public:
  Config();

  /// Loads `file`, resolving `include:` (a path or a list, relative to the including
  /// file; later files and the including file override earlier ones).
  static Config load(const std::filesystem::path& file);
  /// Parses YAML text; `source` names it in errors.
  static Config from_string(const std::string& yaml_text, const std::string& source = "<string>");

  /// Applies one `dotted.key=value` override; the value is parsed as YAML
  /// (`1e-3`, `true`, `[1,2]`, `adamw`).
  void set_override(const std::string& assignment);
  void set_overrides(const std::vector<std::string>& assignments);

  bool has(const std::string& key) const;

  /// Typed getters. Without a default a missing key is an error naming it.
  /// Instantiated for bool, int, int64_t, double, std::string and std::vector of
  /// int64_t, double, std::string.
  template <typename T>
  T get(const std::string& key) const;
  template <typename T>
  T get(const std::string& key, const T& fallback) const;
  std::string get(const std::string& key, const char* fallback) const { return get<std::string>(key, std::string(fallback)); }

  /// A view of the sub-tree under `prefix` ("model.router"): keys are read relative to it.
  Config at(const std::string& prefix) const;

  /// Throws moezoo::Error for the first key present in the tree that no getter read.
  void check_all_keys_used() const;

  /// Every leaf key in the tree, dotted.
  std::vector<std::string> keys() const;

  /// The resolved configuration (files + overrides + defaults used), as YAML.
  std::string to_yaml() const;
  void save(const std::filesystem::path& file) const;

 private:
  struct Shared;
  Config(std::shared_ptr<Shared> shared, std::string prefix);
  std::string full_key(const std::string& key) const;

  std::shared_ptr<Shared> shared_;
  std::string prefix_;
};

/// Closest candidate by edit distance, or "" when nothing is reasonably close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace moezoo::runtime
