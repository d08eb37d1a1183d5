#include "core/io/tensor_convert.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "core/io/npz.h"
#include "core/io/safetensors.h"
#include "core/util/error.h"

namespace moezoo::io {

namespace {

// torch messages carry a C++ backtrace after the first line; keep our errors one line.
std::string first_line(const char* what) {
  std::string text = what;
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

c10::ScalarType to_scalar_type(DType dtype) {
  switch (dtype) {
    case DType::Bool: return at::kBool;
    case DType::Int8: return at::kChar;
    case DType::Int16: return at::kShort;
    case DType::Int32: return at::kInt;
    case DType::Int64: return at::kLong;
    case DType::UInt8: return at::kByte;
    case DType::UInt16: return at::kUInt16;
    case DType::UInt32: return at::kUInt32;
    case DType::UInt64: return at::kUInt64;
    case DType::Float16: return at::kHalf;
    case DType::BFloat16: return at::kBFloat16;
    case DType::Float32: return at::kFloat;
    case DType::Float64: return at::kDouble;
    case DType::Complex64: return at::kComplexFloat;
    case DType::Complex128: return at::kComplexDouble;
  }
  throw Error("to_scalar_type: invalid DType " + std::to_string(static_cast<int>(dtype)));
}

std::optional<DType> dtype_from_scalar_type(c10::ScalarType type) {
  for (DType dtype : all_dtypes()) {
    if (to_scalar_type(dtype) == type) return dtype;
  }
  return std::nullopt;
}

at::Tensor to_tensor(const NpyArray& array) {
  validate(array, "to_tensor");
  const bool fortran = array.fortran_order && array.shape.size() > 1;
  // Fortran bytes are the C-order bytes of the reversed shape; permuting the axes back
  // and copying gives the C-order tensor with the original indexing.
  std::vector<std::int64_t> storage_shape = array.shape;
  if (fortran) std::reverse(storage_shape.begin(), storage_shape.end());
  at::Tensor tensor = at::empty(storage_shape, at::TensorOptions().dtype(to_scalar_type(array.dtype)));
  if (!array.bytes.empty()) {
    auto* out = static_cast<char*>(tensor.data_ptr());
    if (array.dtype == DType::Bool) {
      // torch assumes bool bytes are exactly 0 or 1; numpy files may hold any nonzero value.
      for (std::size_t i = 0; i < array.bytes.size(); ++i) out[i] = array.bytes[i] != 0 ? 1 : 0;
    } else {
      std::memcpy(out, array.bytes.data(), array.bytes.size());
    }
  }
  if (!fortran) return tensor;
  std::vector<std::int64_t> axes(array.shape.size());
  std::iota(axes.rbegin(), axes.rend(), 0);
  return tensor.permute(axes).contiguous();
}

NpyArray from_tensor(const at::Tensor& tensor, const std::string& name) {
  check_input(tensor.defined(), name, "undefined tensor");
  check_input(tensor.layout() == at::kStrided, name,
              "only dense (strided) tensors can be saved; call to_dense() on a sparse tensor first");
  check_input(!tensor.is_meta(), name, "a meta tensor has no data to save");
  const auto dtype = dtype_from_scalar_type(tensor.scalar_type());
  check_input(dtype.has_value(), name,
              std::string("torch dtype ") + c10::toString(tensor.scalar_type()) +
                  " has no numpy/safetensors equivalent; convert it (e.g. to float32) first");
  at::Tensor cpu;
  try {
    cpu = tensor.detach().resolve_conj().resolve_neg().to(at::kCPU).contiguous();
  } catch (const c10::Error& e) {
    throw Error(name + ": cannot copy the tensor to the CPU (" + first_line(e.what()) + ")");
  }
  NpyArray array;
  array.dtype = *dtype;
  array.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
  array.bytes.resize(static_cast<std::size_t>(cpu.numel()) * cpu.element_size());
  if (!array.bytes.empty()) std::memcpy(array.bytes.data(), cpu.data_ptr(), array.bytes.size());
  return array;
}

std::map<std::string, at::Tensor> load_npz(const std::filesystem::path& path) {
  std::map<std::string, at::Tensor> tensors;
  for (const auto& [key, array] : read_npz(path)) tensors.emplace(key, to_tensor(array));
  return tensors;
}

void save_npz(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors, bool compress) {
  std::map<std::string, NpyArray> arrays;
  for (const auto& [key, tensor] : tensors) arrays.emplace(key, from_tensor(tensor, path.string() + ": tensor '" + key + "'"));
  write_npz(path, arrays, compress);
}

std::map<std::string, at::Tensor> load_safetensors(const std::filesystem::path& path,
                                                   std::map<std::string, std::string>* metadata) {
  SafetensorsFile file = read_safetensors(path);
  std::map<std::string, at::Tensor> tensors;
  for (const auto& [key, array] : file.tensors) tensors.emplace(key, to_tensor(array));
  if (metadata) *metadata = std::move(file.metadata);
  return tensors;
}

void save_safetensors(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  SafetensorsFile file;
  file.metadata = metadata;
  for (const auto& [key, tensor] : tensors) {
    file.tensors.emplace(key, from_tensor(tensor, path.string() + ": tensor '" + key + "'"));
  }
  write_safetensors(path, file);
}

}  // namespace moezoo::io
