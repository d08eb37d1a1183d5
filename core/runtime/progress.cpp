#include "core/runtime/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace moezoo::runtime {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) std::snprintf(buffer, sizeof(buffer), "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                               static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  else std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  return buffer;
}

Progress::Progress(int64_t total, int64_t first, int64_t log_every, bool allow_bar, std::FILE* out)
    : total_(std::max<int64_t>(total, 1)),
      first_(first),
      log_every_(std::max<int64_t>(log_every, 1)),
      bar_(allow_bar && ::isatty(::fileno(out))),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

std::string Progress::status(int64_t step, double loss, double lr) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(step - first_) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - step) / rate : NAN;
  char buffer[160];
  std::snprintf(buffer, sizeof(buffer), "%lld/%lld %3.0f%% %.2f it/s ETA %s loss %.4g lr %.3g",
                static_cast<long long>(step), static_cast<long long>(total_), 100.0 * step / total_, rate,
                format_duration(eta).c_str(), loss, lr);
  return buffer;
}

void Progress::update(int64_t step, double loss, double lr) {
  const auto now = std::chrono::steady_clock::now();
  if (bar_) {
    if (step != total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int width = 28;
    const int filled = static_cast<int>(width * step / total_);
    std::string bar(filled, '#');
    bar += std::string(width - filled, '.');
    std::fprintf(out_, "\r\033[K[%s] %s", bar.c_str(), status(step, loss, lr).c_str());
    std::fflush(out_);
    drawn_ = true;
  } else if (step % log_every_ == 0 || step == total_) {
    std::fprintf(out_, "step %s\n", status(step, loss, lr).c_str());
    std::fflush(out_);
  }
}

void Progress::message(const std::string& text) {
  if (bar_ && drawn_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

void Progress::finish() {
  if (bar_ && drawn_) std::fprintf(out_, "\n");
  drawn_ = false;
}

}  // namespace moezoo::runtime
