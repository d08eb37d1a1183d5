#pragma once
/// The metrics of a run, one row per logged step: what metrics.csv holds and
/// what the report plots. Columns are the union of keys in first-seen order;
/// rows keep empty cells for metrics they lack (train rows vs. eval rows).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace moezoo::runtime {

class MetricsTable {
 public:
  using Row = std::map<std::string, double>;

  /// Appends a row; `step` becomes its first column.
  void add(int64_t step, const Row& values);
  /// Drops rows logged after `step` (a resumed run repeats them).
  void truncate_after(int64_t step);

  const std::vector<std::string>& columns() const { return columns_; }
  size_t size() const { return rows_.size(); }
  /// (step, value) pairs of one column, skipping rows without it.
  std::vector<std::pair<double, double>> series(const std::string& column) const;
  /// Last value of a column, if any row has it.
  std::optional<double> last(const std::string& column) const;

  std::string to_csv() const;
  /// Writes atomically (the whole file each time; runs log hundreds of rows, not millions).
  void write_csv(const std::filesystem::path& path) const;
  /// Reads a file written by write_csv; errors name the file and line.
  static MetricsTable read_csv(const std::filesystem::path& path);

 private:
  std::vector<std::string> columns_{"step"};
  std::vector<Row> rows_;
};

}  // namespace moezoo::runtime
