#pragma once
/// matio's log, captured. matio reports a damaged file through its log function
/// (and sometimes still returns a variable), so every call into matio runs inside a
/// MatioMessages scope, and the caller turns what the scope caught into an Error.
/// Internal to the .mat reader and writer; it exposes nothing of matio.

#include <string>
#include <vector>

namespace moezoo::datasets::hsi {

/// Collects matio's error, critical and warning messages logged on this thread
/// while it lives (scopes nest; the innermost one collects). Installs this library's
/// log handler into matio on first use; messages outside any scope go to stderr.
class MatioMessages {
 public:
  MatioMessages();
  ~MatioMessages();
  MatioMessages(const MatioMessages&) = delete;
  MatioMessages& operator=(const MatioMessages&) = delete;

  bool empty() const { return messages_.empty(); }
  /// Every message, in order, joined by "; " on one line, each prefixed "matio: ".
  std::string text() const;

  /// Called by the handler.
  void add(std::string message) { messages_.push_back(std::move(message)); }

 private:
  std::vector<std::string> messages_;
  MatioMessages* previous_;
};

}  // namespace moezoo::datasets::hsi
