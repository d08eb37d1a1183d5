#include "datasets/hsi/mat_writer.h"

#include <ATen/ATen.h>
#include <matio.h>

#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/hsi/matio_messages.h"

namespace moezoo::datasets::hsi {

namespace {

struct MatClass {
  matio_classes class_type;
  matio_types data_type;
};

bool mat_class(at::ScalarType dtype, MatClass& out) {
  switch (dtype) {
    case at::kDouble:
      out = {MAT_C_DOUBLE, MAT_T_DOUBLE};
      return true;
    case at::kFloat:
      out = {MAT_C_SINGLE, MAT_T_SINGLE};
      return true;
    case at::kChar:
      out = {MAT_C_INT8, MAT_T_INT8};
      return true;
    case at::kByte:
    case at::kBool:
      out = {MAT_C_UINT8, MAT_T_UINT8};
      return true;
    case at::kShort:
      out = {MAT_C_INT16, MAT_T_INT16};
      return true;
    case at::kInt:
      out = {MAT_C_INT32, MAT_T_INT32};
      return true;
    case at::kLong:
      out = {MAT_C_INT64, MAT_T_INT64};
      return true;
    default:
      return false;
  }
}

struct MatCloser {
  void operator()(mat_t* mat) const { Mat_Close(mat); }
};

void write_one(mat_t* mat, const std::string& name, const at::Tensor& tensor, bool compress, const std::string& where) {
  check_input(tensor.defined(), where, "undefined tensor");
  MatClass cls{};
  check_input(mat_class(tensor.scalar_type(), cls), where,
              std::string("dtype ") + c10::toString(tensor.scalar_type()) +
                  " cannot be written (float64, float32, int8-64, uint8, bool)");
  at::Tensor t = tensor.to(at::kCPU);
  if (t.dim() == 0) t = t.view({1, 1});
  if (t.dim() == 1) t = t.view({1, t.size(0)});
  if (t.scalar_type() == at::kBool) t = t.to(at::kByte);
  std::vector<size_t> dims(t.sizes().begin(), t.sizes().end());
  std::vector<int64_t> order(t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) order[i] = t.dim() - 1 - i;
  // Row-major over the reversed axes is MATLAB's column-major order.
  const at::Tensor column_major = t.permute(order).contiguous();
  matvar_t* var = Mat_VarCreate(name.c_str(), cls.class_type, cls.data_type, static_cast<int>(dims.size()), dims.data(),
                                column_major.data_ptr(), tensor.scalar_type() == at::kBool ? MAT_F_LOGICAL : 0);
  check_input(var != nullptr, where, "matio could not create the variable");
  const int rc = Mat_VarWrite(mat, var, compress ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE);
  Mat_VarFree(var);  // MAT_F_DONT_COPY_DATA is not set: matio copied the data
  check_input(rc == 0, where, "write failed");
}

}  // namespace

void save_mat(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& arrays,
              const MatWriteOptions& options) {
  check_input(options.format != MatFormat::V4, path.string(), "writing MAT v4 files is not supported (use v5 or v7.3)");
  write_atomically(path, [&](const std::filesystem::path& tmp) {
    MatioMessages messages;
    std::unique_ptr<mat_t, MatCloser> mat(
        Mat_CreateVer(tmp.c_str(), nullptr, options.format == MatFormat::V73 ? MAT_FT_MAT73 : MAT_FT_MAT5));
    check_input(mat != nullptr, path.string(),
                "cannot create a MAT " + std::string(mat_format_name(options.format)) + " file" +
                    (messages.empty() ? "" : ": " + messages.text()));
    for (const auto& [name, tensor] : arrays) {
      const std::string where = path.string() + ": variable '" + name + "'";
      write_one(mat.get(), name, tensor, options.compress, where);
      check_input(messages.empty(), where, messages.text());
    }
  });
}

}  // namespace moezoo::datasets::hsi
