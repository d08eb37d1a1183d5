#pragma once
/// Finished runs of earlier `reproduce` calls, read back from their results.csv, so
/// that a table too long for one sitting is built over several sessions or processes:
///
///   moezoo-geomoe reproduce ... 'datasets={actor: heterophilous.yaml}'   # stopped, or a slice
///   moezoo-geomoe reproduce ... 'reuse=[runs/reproduce/<dir>/results.csv]'
///
/// A run whose key (e.g. dataset, model, seed) is in one of the files is taken from it
/// instead of being trained again; the new results.csv holds reused and new rows alike,
/// so it can be reused in turn. Config key `reuse`: a list of results.csv paths.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/report/csv.h"

namespace moezoo::runtime {

class ReusedRuns {
 public:
  using Row = std::map<std::string, std::string>;  // column -> value

  ReusedRuns() = default;
  /// Reads every file; each must have all of `key_columns`. A key found in several
  /// files (or twice in one) is taken from the last. Throws moezoo::Error naming the
  /// file on unreadable or malformed CSV.
  ReusedRuns(const std::vector<std::filesystem::path>& files, std::vector<std::string> key_columns);

  /// The row with these key values (in key_columns' order), or nullptr.
  const Row* find(const std::vector<std::string>& key) const;
  size_t size() const { return rows_.size(); }

 private:
  std::vector<std::string> key_columns_;
  std::map<std::vector<std::string>, Row> rows_;
};

/// `row[column]`; throws moezoo::Error naming `where` and the column when the file had no such column.
const std::string& reused_text(const ReusedRuns::Row& row, const std::string& column, const std::string& where);
/// `row[column]` as a number; throws moezoo::Error naming `where` and the column when it is not one.
double reused_number(const ReusedRuns::Row& row, const std::string& column, const std::string& where);
/// `text` as a number ("nan" included); throws moezoo::Error naming `where` when it is not one.
double number_from_text(const std::string& text, const std::string& where);

}  // namespace moezoo::runtime
