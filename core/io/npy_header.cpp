#include "core/io/npy_header.h"

#include <limits>
#include <optional>

#include "core/util/error.h"

namespace moezoo::io {

namespace {

// A Python literal as far as .npy headers use them.
struct Value {
  enum class Kind { String, Bool, Int, None, Sequence } kind = Kind::None;
  std::string text;
  bool flag = false;
  std::int64_t number = 0;
  std::vector<Value> items;
};

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::String: return "a string";
    case Value::Kind::Bool: return "a bool";
    case Value::Kind::Int: return "an integer";
    case Value::Kind::None: return "None";
    case Value::Kind::Sequence: return "a tuple or list";
  }
  return "a value";
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& where) : text_(text), where_(where) {}

  NpyHeader parse() {
    skip_space();
    expect('{');
    std::optional<Value> descr, fortran, shape;
    while (true) {
      skip_space();
      if (peek() == '}') break;
      Value key = parse_value(0);
      if (key.kind != Value::Kind::String) fail("expected a quoted key");
      skip_space();
      expect(':');
      skip_space();
      Value value = parse_value(0);
      if (key.text == "descr") descr = std::move(value);
      else if (key.text == "fortran_order") fortran = std::move(value);
      else if (key.text == "shape") shape = std::move(value);
      else fail("unexpected key '" + key.text + "' (a .npy header has exactly 'descr', 'fortran_order', 'shape')");
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the closing '}'");

    if (!descr) fail("missing key 'descr'");
    if (!fortran) fail("missing key 'fortran_order'");
    if (!shape) fail("missing key 'shape'");

    NpyHeader header;
    if (descr->kind == Value::Kind::Sequence) {
      header.structured = true;
    } else if (descr->kind == Value::Kind::String) {
      header.descr = descr->text;
    } else {
      fail(std::string("'descr' must be a string, found ") + kind_name(descr->kind));
    }
    if (fortran->kind != Value::Kind::Bool) {
      fail(std::string("'fortran_order' must be True or False, found ") + kind_name(fortran->kind));
    }
    header.fortran_order = fortran->flag;
    if (shape->kind != Value::Kind::Sequence) {
      fail(std::string("'shape' must be a tuple of integers, found ") + kind_name(shape->kind));
    }
    for (const Value& dim : shape->items) {
      if (dim.kind != Value::Kind::Int) fail("'shape' must be a tuple of integers");
      if (dim.number < 0) fail("'shape' has a negative dimension " + std::to_string(dim.number));
      header.shape.push_back(dim.number);
    }
    return header;
  }

 private:
  // Deep enough for any real structured descr; shallow enough that a hostile
  // "((((((..." header cannot exhaust the stack.
  static constexpr int kMaxDepth = 32;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(where_ + ": bad .npy header: " + what + " at offset " + std::to_string(pos_) + " in \"" +
                printable(text_) + "\"");
  }

  static std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 200)) out += (c >= 32 && c < 127) ? c : '?';
    if (text.size() > 200) out += "...";
    while (!out.empty() && (out.back() == ' ' || out.back() == '?')) out.pop_back();
    return out;
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  Value parse_value(int depth) {
    if (depth > kMaxDepth) fail("nesting too deep");
    const char c = peek();
    if (c == '\'' || c == '"') return parse_string();
    if (c == '(' || c == '[') return parse_sequence(depth);
    if (c == '-' || (c >= '0' && c <= '9')) return parse_int();
    if (c >= 'A' && c <= 'Z') return parse_word();
    fail(c == '\0' ? "unexpected end of header" : std::string("unexpected character '") + c + "'");
  }

  Value parse_string() {
    const char quote = text_[pos_++];
    Value value;
    value.kind = Value::Kind::String;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_++];
      if (c == quote) break;
      if (c == '\\') {
        if (pos_ >= text_.size()) fail("unterminated string");
        c = text_[pos_++];
      }
      value.text += c;
    }
    return value;
  }

  Value parse_sequence(int depth) {
    const char close = text_[pos_++] == '(' ? ')' : ']';
    Value value;
    value.kind = Value::Kind::Sequence;
    while (true) {
      skip_space();
      if (peek() == close) break;
      value.items.push_back(parse_value(depth + 1));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != close) fail(std::string("expected ',' or '") + close + "'");
    }
    ++pos_;
    return value;
  }

  Value parse_int() {
    Value value;
    value.kind = Value::Kind::Int;
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit");
    std::uint64_t magnitude = 0;
    while (peek() >= '0' && peek() <= '9') {
      const auto digit = static_cast<std::uint64_t>(peek() - '0');
      if (magnitude > (static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - digit) / 10) {
        fail("integer too large");
      }
      magnitude = magnitude * 10 + digit;
      ++pos_;
    }
    if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 long, as old numpy wrote shapes
    value.number = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
    return value;
  }

  Value parse_word() {
    const std::size_t start = pos_;
    while ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z')) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    Value value;
    if (word == "True" || word == "False") {
      value.kind = Value::Kind::Bool;
      value.flag = word == "True";
    } else if (word == "None") {
      value.kind = Value::Kind::None;
    } else {
      pos_ = start;
      fail("unexpected word '" + std::string(word) + "'");
    }
    return value;
  }

  std::string_view text_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

}  // namespace

NpyHeader parse_npy_header(std::string_view text, const std::string& where) {
  return Parser(text, where).parse();
}

std::string format_npy_header(const NpyHeader& header) {
  std::string shape = "(";
  for (std::size_t i = 0; i < header.shape.size(); ++i) {
    if (i) shape += ", ";
    shape += std::to_string(header.shape[i]);
  }
  shape += header.shape.size() == 1 ? ",)" : ")";
  std::string text = "{'descr': '" + header.descr + "', 'fortran_order': " + (header.fortran_order ? "True" : "False") +
                     ", 'shape': " + shape + ", }";
  if (!header.shape.empty()) {
    // numpy's GROWTH_AXIS_MAX_DIGITS: room for the growth axis to reach 21 digits.
    constexpr std::size_t kGrowthDigits = 21;
    const std::int64_t growth = header.fortran_order ? header.shape.back() : header.shape.front();
    const std::size_t digits = std::to_string(growth).size();
    if (digits < kGrowthDigits) text.append(kGrowthDigits - digits, ' ');
  }
  return text;
}

}  // namespace moezoo::io
