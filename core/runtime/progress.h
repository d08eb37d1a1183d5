#pragma once
/// Training progress: a one-line bar (steps/s, ETA, loss, lr) redrawn in place on
/// a terminal, plain periodic log lines when output goes to a file or a pipe.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace moezoo::runtime {

class Progress {
 public:
  /// `total` steps; `first` is where a resumed run starts; plain lines every `log_every` steps.
  Progress(int64_t total, int64_t first, int64_t log_every, bool allow_bar, std::FILE* out = stderr);

  /// Reports that step `step` (1-based count of finished steps) finished.
  void update(int64_t step, double loss, double lr);
  /// Prints a line above the bar (evaluation results, warnings).
  void message(const std::string& text);
  /// Ends the bar line.
  void finish();

  bool is_bar() const { return bar_; }

 private:
  std::string status(int64_t step, double loss, double lr) const;

  int64_t total_, first_, log_every_;
  bool bar_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

/// "1:02:03" / "02:03".
std::string format_duration(double seconds);

}  // namespace moezoo::runtime
