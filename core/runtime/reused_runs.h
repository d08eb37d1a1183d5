#pragma once
/// Finished runs of earlier `reproduce` calls, read back from their results.csv, so
/// that a table too long for one sitting is built over several sessions or processes:
///
///   moezoo-geomoe reproduce ... 'datasets={actor: heterophilous.yaml}'   # stopped, or a slice
///   moezoo-geomoe reproduce ... 'reuse=[runs/reproduce/<dir>/results.csv]'
///
/// A run whose key (e.g. dataset, model, seed) is in one of the files is taken from it
/// instead of being trained again, unless the file's `config` column (a fingerprint of
/// the run's config, config_fingerprint) says it was trained with another config. The
/// new results.csv holds reused and new rows alike, so it can be reused in turn.
/// Config key `reuse`: a list of results.csv paths, relative to the working directory.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace moezoo::runtime {

class ReusedRuns {
 public:
  using Row = std::map<std::string, std::string>;  // column -> value

  ReusedRuns() = default;
  /// Reads every file; each must have all of `key_columns` and `number_columns`, and
  /// every value of a number column must be a number (or "nan"), so that a bad file
  /// fails at the start, not hours into a reproduce. A key found in several files (or
  /// twice in one) is taken from the last. Errors (moezoo::Error) name the file and line.
  ReusedRuns(const std::vector<std::filesystem::path>& files, std::vector<std::string> key_columns,
             const std::vector<std::string>& number_columns);

  /// The row with these key values (in key_columns' order), or nullptr.
  const Row* find(const std::vector<std::string>& key) const;
  size_t size() const { return rows_.size(); }

 private:
  std::vector<std::string> key_columns_;
  std::map<std::vector<std::string>, Row> rows_;
};

/// A short hex fingerprint of a run's config (its YAML text).
std::string config_fingerprint(const std::string& config_yaml);
/// Whether `row` was trained with the config of this fingerprint; rows of files
/// without a `config` column (written before it existed) are taken on trust.
bool same_config(const ReusedRuns::Row& row, const std::string& fingerprint);

/// `row[column]`; throws moezoo::Error naming `where` and the column when the file had no such column.
const std::string& reused_text(const ReusedRuns::Row& row, const std::string& column, const std::string& where);
/// `row[column]` as a number; throws moezoo::Error naming `where` and the column when it is not one.
double reused_number(const ReusedRuns::Row& row, const std::string& column, const std::string& where);
/// `text` as a number ("nan" included); throws moezoo::Error naming `where` when it is not one.
double number_from_text(const std::string& text, const std::string& where);

}  // namespace moezoo::runtime
