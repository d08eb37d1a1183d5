#include "datasets/hsi/mat_file.h"

#include <ATen/ATen.h>
#include <matio.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/util/error.h"
#include "datasets/hsi/mat_v5_layout.h"
#include "datasets/hsi/matio_messages.h"

namespace moezoo::datasets::hsi {

namespace {

struct VarDeleter {
  void operator()(matvar_t* var) const { Mat_VarFree(var); }
};
using VarPtr = std::unique_ptr<matvar_t, VarDeleter>;

const char* class_name(matio_classes c) {
  switch (c) {
    case MAT_C_EMPTY:
      return "empty";
    case MAT_C_CELL:
      return "cell";
    case MAT_C_STRUCT:
      return "struct";
    case MAT_C_OBJECT:
      return "object";
    case MAT_C_CHAR:
      return "char";
    case MAT_C_SPARSE:
      return "sparse";
    case MAT_C_DOUBLE:
      return "double";
    case MAT_C_SINGLE:
      return "single";
    case MAT_C_INT8:
      return "int8";
    case MAT_C_UINT8:
      return "uint8";
    case MAT_C_INT16:
      return "int16";
    case MAT_C_UINT16:
      return "uint16";
    case MAT_C_INT32:
      return "int32";
    case MAT_C_UINT32:
      return "uint32";
    case MAT_C_INT64:
      return "int64";
    case MAT_C_UINT64:
      return "uint64";
    case MAT_C_FUNCTION:
      return "function";
    case MAT_C_OPAQUE:
      return "opaque";
  }
  return "unknown";
}

/// The matio storage type Mat_VarRead leaves a numeric class in, and its tensor dtype
/// as stored (before widening unsigned types).
struct NumericClass {
  matio_types storage;
  size_t bytes;
};

bool numeric_class(matio_classes c, NumericClass& out) {
  switch (c) {
    case MAT_C_DOUBLE:
      out = {MAT_T_DOUBLE, 8};
      return true;
    case MAT_C_SINGLE:
      out = {MAT_T_SINGLE, 4};
      return true;
    case MAT_C_INT8:
      out = {MAT_T_INT8, 1};
      return true;
    case MAT_C_UINT8:
      out = {MAT_T_UINT8, 1};
      return true;
    case MAT_C_INT16:
      out = {MAT_T_INT16, 2};
      return true;
    case MAT_C_UINT16:
      out = {MAT_T_UINT16, 2};
      return true;
    case MAT_C_INT32:
      out = {MAT_T_INT32, 4};
      return true;
    case MAT_C_UINT32:
      out = {MAT_T_UINT32, 4};
      return true;
    case MAT_C_INT64:
      out = {MAT_T_INT64, 8};
      return true;
    case MAT_C_UINT64:
      out = {MAT_T_UINT64, 8};
      return true;
    default:
      return false;
  }
}

template <typename From, typename To>
at::Tensor widened(const void* data, int64_t n, at::ScalarType dtype) {
  auto out = at::empty({n}, dtype);
  const auto* src = static_cast<const From*>(data);
  auto* dst = out.data_ptr<To>();
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<To>(src[i]);
  return out;
}

/// The dtype read_array returns for a numeric class.
at::ScalarType tensor_dtype(const matvar_t& var) {
  switch (var.class_type) {
    case MAT_C_DOUBLE:
      return at::kDouble;
    case MAT_C_SINGLE:
      return at::kFloat;
    case MAT_C_INT8:
      return at::kChar;
    case MAT_C_UINT8:
      return var.isLogical ? at::kBool : at::kByte;
    case MAT_C_INT16:
      return at::kShort;
    case MAT_C_INT32:
    case MAT_C_UINT16:
      return at::kInt;
    default:
      return at::kLong;
  }
}

/// The column-major data of `var` as a flat tensor [numel] that owns its memory.
at::Tensor flat_column_major(const matvar_t& var, int64_t numel, const std::string& where) {
  const void* data = var.data;
  switch (var.class_type) {
    case MAT_C_DOUBLE:
      return at::from_blob(const_cast<void*>(data), {numel}, at::kDouble).clone();
    case MAT_C_SINGLE:
      return at::from_blob(const_cast<void*>(data), {numel}, at::kFloat).clone();
    case MAT_C_INT8:
      return at::from_blob(const_cast<void*>(data), {numel}, at::kChar).clone();
    case MAT_C_UINT8:
      return at::from_blob(const_cast<void*>(data), {numel}, at::kByte)
          .to(var.isLogical ? at::kBool : at::kByte, false, true);
    case MAT_C_INT16:
      return at::from_blob(const_cast<void*>(data), {numel}, at::kShort).clone();
    case MAT_C_INT32:
      return at::from_blob(const_cast<void*>(data), {numel}, at::kInt).clone();
    case MAT_C_INT64:
      return at::from_blob(const_cast<void*>(data), {numel}, at::kLong).clone();
    case MAT_C_UINT16:
      return widened<uint16_t, int32_t>(data, numel, at::kInt);
    case MAT_C_UINT32:
      return widened<uint32_t, int64_t>(data, numel, at::kLong);
    case MAT_C_UINT64: {
      const auto* src = static_cast<const uint64_t*>(data);
      for (int64_t i = 0; i < numel; ++i)
        check_input(src[i] <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), where,
                    "uint64 value " + std::to_string(src[i]) + " does not fit int64");
      return widened<uint64_t, int64_t>(data, numel, at::kLong);
    }
    default:
      break;
  }
  throw Error(where + ": class " + class_name(var.class_type) + " is not numeric");
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "nothing" : out;
}

/// Text of one char array, column-major [rows, cols] -> one string per row.
std::vector<std::string> char_rows(const matvar_t& var, const std::string& where) {
  check_input(var.class_type == MAT_C_CHAR, where,
              std::string("expected char text, found class ") + class_name(var.class_type));
  check_input(var.rank == 2, where, "char array of rank " + std::to_string(var.rank) + " (expected 2)");
  const size_t rows = var.dims[0], cols = var.dims[1];
  std::vector<std::string> out(rows);
  if (rows * cols == 0) return out;
  const size_t unit = Mat_SizeOf(var.data_type);
  check_input(var.data != nullptr && (unit == 1 || unit == 2) && var.nbytes >= rows * cols * unit, where,
              "char data is missing or of an unexpected width");
  for (size_t r = 0; r < rows; ++r) {
    std::string& s = out[r];
    for (size_t c = 0; c < cols; ++c) {
      const size_t i = c * rows + r;
      uint32_t code = unit == 1 ? static_cast<const uint8_t*>(var.data)[i] : static_cast<const uint16_t*>(var.data)[i];
      if (code < 0x80) {
        s += static_cast<char>(code);
      } else if (code < 0x800) {  // UTF-16 code units of the Basic Multilingual Plane -> UTF-8
        s += static_cast<char>(0xC0 | (code >> 6));
        s += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        s += static_cast<char>(0xE0 | (code >> 12));
        s += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (code & 0x3F));
      }
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  }
  return out;
}

}  // namespace

const char* mat_format_name(MatFormat format) {
  switch (format) {
    case MatFormat::V4:
      return "v4";
    case MatFormat::V5:
      return "v5";
    case MatFormat::V73:
      return "v7.3";
  }
  return "?";
}

struct MatFile::State {
  std::filesystem::path path;
  mat_t* mat = nullptr;
  MatFormat format = MatFormat::V5;
  std::vector<std::string> names;
  MatV5Layout layout;  // v5 only

  ~State() {
    MatioMessages ignored;  // closing a damaged v7.3 file logs HDF5 errors nobody can act on
    if (mat) Mat_Close(mat);
  }

  std::string where(const std::string& name) const { return path.string() + ": variable '" + name + "'"; }

  /// Errors when `name` is absent (listing what is there) or its v5 element is truncated.
  void require(const std::string& name) const {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string message = path.string() + ": no variable '" + name + "' (the file holds " + join(names) + ")";
      if (!layout.damage.empty()) message += "; the file is damaged: " + layout.damage;
      throw Error(message);
    }
    const auto index = static_cast<size_t>(it - names.begin());
    if (format != MatFormat::V5 || index >= layout.elements.size()) return;
    const MatV5Element& element = layout.elements[index];
    if (!element.complete) throw Error(where(name) + ": truncated: " + layout.damage);
    const std::string zlib_problem = check_compressed_element(path, element);
    if (!zlib_problem.empty()) throw Error(where(name) + ": " + zlib_problem);
  }

  VarPtr read(const std::string& name) const {
    require(name);
    MatioMessages messages;
    VarPtr var(Mat_VarRead(mat, name.c_str()));
    check_input(messages.empty(), where(name), "cannot be read: " + messages.text());
    check_input(var != nullptr, where(name), "cannot be read (matio returned nothing)");
    return var;
  }
};

MatFile::MatFile(const std::filesystem::path& path) : state_(std::make_unique<State>()) {
  state_->path = path;
  const std::string where = path.string();
  std::error_code ec;
  check_input(std::filesystem::is_regular_file(path, ec), where, "file not found");
  {
    MatioMessages messages;
    state_->mat = Mat_Open(path.c_str(), MAT_ACC_RDONLY);
    check_input(state_->mat != nullptr, where,
                "not a MATLAB .mat file that matio can open (v4, v5 or v7.3)" +
                    (messages.empty() ? std::string() : ": " + messages.text()));
  }
  switch (Mat_GetVersion(state_->mat)) {
    case MAT_FT_MAT73:
      state_->format = MatFormat::V73;
      break;
    case MAT_FT_MAT4:
      state_->format = MatFormat::V4;
      break;
    default:
      state_->format = MatFormat::V5;
      break;
  }
  if (state_->format == MatFormat::V5) state_->layout = read_mat_v5_layout(path);

  // Variable headers in file order; a damaged element stops the walk (what it costs is
  // in layout.damage), so messages here are not errors yet: a variable before the damage
  // is still readable.
  MatioMessages messages;
  while (matvar_t* info = Mat_VarReadNextInfo(state_->mat)) {
    VarPtr guard(info);
    state_->names.push_back(info->name ? info->name : "");
  }
  Mat_Rewind(state_->mat);
  if (state_->names.empty() && !messages.empty() && state_->layout.damage.empty())
    throw Error(where + ": no variable can be read: " + messages.text());
}

MatFile::~MatFile() = default;
MatFile::MatFile(MatFile&&) noexcept = default;
MatFile& MatFile::operator=(MatFile&&) noexcept = default;

const std::filesystem::path& MatFile::path() const { return state_->path; }
MatFormat MatFile::format() const { return state_->format; }
const std::vector<std::string>& MatFile::variable_names() const { return state_->names; }

bool MatFile::contains(const std::string& name) const {
  return std::find(state_->names.begin(), state_->names.end(), name) != state_->names.end();
}

std::string MatFile::first_present(const std::vector<std::string>& candidates) const {
  for (const auto& c : candidates)
    if (contains(c)) return c;
  std::string message = state_->path.string() + ": none of the variables " + join(candidates) + " (the file holds " +
                        join(state_->names) + ")";
  if (!state_->layout.damage.empty()) message += "; the file is damaged: " + state_->layout.damage;
  throw Error(message);
}

at::Tensor MatFile::read_array(const std::string& name) const {
  const std::string where = state_->where(name);
  const VarPtr var = state_->read(name);
  check_input(!var->isComplex, where, "complex arrays are not supported");
  NumericClass numeric{};
  check_input(numeric_class(var->class_type, numeric), where,
              std::string("expected a numeric or logical array, found class ") + class_name(var->class_type));
  std::vector<int64_t> shape(var->dims, var->dims + var->rank);
  int64_t numel = 1;
  for (auto d : shape) numel *= d;
  if (numel == 0) return at::empty(shape, tensor_dtype(*var));
  check_input(var->data != nullptr && var->data_type == numeric.storage &&
                  var->nbytes == static_cast<size_t>(numel) * numeric.bytes,
              where, "data size does not match its shape");
  // Column-major [d0, ..., dn-1] is row-major [dn-1, ..., d0]; reversing the axes gives
  // MATLAB's indexing.
  std::vector<int64_t> reversed(shape.rbegin(), shape.rend()), order(shape.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(order.size() - 1 - i);
  return flat_column_major(*var, numel, where).view(reversed).permute(order).contiguous();
}

double MatFile::read_scalar(const std::string& name) const {
  const auto t = read_array(name);
  check_input(t.numel() == 1, state_->where(name), "expected one value, found " + std::to_string(t.numel()));
  return t.to(at::kDouble).item<double>();
}

std::vector<std::string> MatFile::read_strings(const std::string& name) const {
  const std::string where = state_->where(name);
  const VarPtr var = state_->read(name);
  if (var->class_type == MAT_C_CHAR) return char_rows(*var, where);
  check_input(var->class_type == MAT_C_CELL, where,
              std::string("expected a cell array of text or a char array, found class ") + class_name(var->class_type));
  size_t n = 1;
  for (int i = 0; i < var->rank; ++i) n *= var->dims[i];
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    const matvar_t* cell = Mat_VarGetCell(var.get(), static_cast<int>(i));
    check_input(cell != nullptr, where, "cell " + std::to_string(i) + " is missing");
    const auto rows = char_rows(*cell, where + " cell " + std::to_string(i));
    out.push_back(rows.empty() ? std::string() : rows.front());
  }
  return out;
}

}  // namespace moezoo::datasets::hsi
