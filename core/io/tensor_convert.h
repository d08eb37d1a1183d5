#pragma once
/// Between the torch-free NpyArray and at::Tensor, plus the tensor-level load/save
/// calls that dataset readers and checkpoint export use. Only the small ATen tensor
/// header is included so that this header stays cheap for every file that reads data.

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/io/npy_array.h"

namespace moezoo::io {

/// The torch dtype of `dtype` (uint16/32/64 map to kUInt16/32/64, complex to
/// kComplexFloat/kComplexDouble, bfloat16 to kBFloat16).
c10::ScalarType to_scalar_type(DType dtype);

/// The DType of a torch dtype; nullopt for types numpy and safetensors cannot hold
/// (float8, quantized, complex32, bits, ...).
std::optional<DType> dtype_from_scalar_type(c10::ScalarType type);

/// A new contiguous CPU tensor holding a copy of `array`. A Fortran-order array becomes a
/// C-order tensor with the same logical indexing (t[i][j] == a[i, j]); bool bytes other
/// than 0 are read as true.
at::Tensor to_tensor(const NpyArray& array);

/// A C-order copy of `tensor` from any device, any strides, conjugate or negative views
/// included. Throws Error("<name>: ...") for an undefined, sparse or meta tensor or a
/// dtype with no numpy/safetensors equivalent; `name` is the key or file in messages.
NpyArray from_tensor(const at::Tensor& tensor, const std::string& name = "tensor");

/// Every array of a .npz archive as a CPU tensor (see read_npz for errors).
std::map<std::string, at::Tensor> load_npz(const std::filesystem::path& path);

/// Writes tensors as a .npz archive (deflate when `compress`); bfloat16 is refused since
/// numpy cannot read it: convert to float32 first, or use save_safetensors.
void save_npz(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
              bool compress = true);

/// Every tensor of a .safetensors file as a CPU tensor; fills `*metadata` with the file's
/// "__metadata__" map when given.
std::map<std::string, at::Tensor> load_safetensors(const std::filesystem::path& path,
                                                   std::map<std::string, std::string>* metadata = nullptr);

/// Writes tensors (any device) as a .safetensors file that Python's `safetensors` reads;
/// complex128 is refused (safetensors has no such dtype).
void save_safetensors(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace moezoo::io
