#pragma once
/// An explicit name -> factory table (timm's create_model/list_models, without
/// static-initialisation tricks a linker could drop): each model or dataset
/// family builds its table in one function, and lookups of an unknown name fail
/// with the closest known name and the full list.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/runtime/config.h"
#include "core/util/error.h"

namespace moezoo::runtime {

template <typename Factory>
class Registry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    Factory factory;
  };

  /// `kind` names what is registered ("model", "dataset") in messages.
  Registry(std::string kind, std::vector<Entry> entries) : kind_(std::move(kind)), entries_(std::move(entries)) {
    for (size_t i = 0; i < entries_.size(); ++i)
      for (size_t j = i + 1; j < entries_.size(); ++j)
        if (entries_[i].name == entries_[j].name) throw Error(kind_ + " registry: duplicate name '" + entries_[i].name + "'");
  }

  bool contains(const std::string& name) const { return find(name) != nullptr; }

  /// The entry for `name`; throws moezoo::Error naming the closest match and every known name.
  const Entry& get(const std::string& name) const {
    if (const Entry* entry = find(name)) return *entry;
    const auto names_list = names();
    const auto near = closest_match(name, names_list);
    std::string all;
    for (const auto& n : names_list) all += (all.empty() ? "" : ", ") + n;
    throw Error("unknown " + kind_ + " '" + name + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                "; known: " + all);
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& kind() const { return kind_; }

  /// One line per entry, for `moezoo-<model> list`.
  std::string listing() const {
    size_t width = 0;
    for (const auto& e : entries_) width = std::max(width, e.name.size());
    std::string out;
    for (const auto& e : entries_) out += "  " + e.name + std::string(width - e.name.size() + 2, ' ') + e.description + "\n";
    return out;
  }

 private:
  const Entry* find(const std::string& name) const {
    for (const auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }

  std::string kind_;
  std::vector<Entry> entries_;
};

}  // namespace moezoo::runtime
