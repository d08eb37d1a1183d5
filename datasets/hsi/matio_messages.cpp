#include "datasets/hsi/matio_messages.h"

#include <matio.h>

#include <cstdio>
#include <mutex>

namespace moezoo::datasets::hsi {

namespace {

thread_local MatioMessages* current_scope = nullptr;

/// Never throws: it is called from inside matio's C code.
void log_to_scope(int level, char* message) {
  if (level > MATIO_LOG_LEVEL_WARNING) return;  // messages and debug output are not problems
  std::string text = message ? message : "";
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  if (current_scope) {
    try {
      current_scope->add(std::move(text));
    } catch (...) {
    }
  } else {
    std::fprintf(stderr, "matio: %s\n", text.c_str());
  }
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] { Mat_LogInitFunc("moezoo", log_to_scope); });
}

}  // namespace

MatioMessages::MatioMessages() : previous_(current_scope) {
  install_handler();
  current_scope = this;
}

MatioMessages::~MatioMessages() { current_scope = previous_; }

std::string MatioMessages::text() const {
  std::string out;
  for (const auto& m : messages_) out += (out.empty() ? "matio: " : "; matio: ") + m;
  return out;
}

}  // namespace moezoo::datasets::hsi
