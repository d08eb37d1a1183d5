#include "core/io/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::io {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxHeader = 100'000'000;  // the Rust reader's MAX_HEADER_SIZE
constexpr std::string_view kMetadataKey = "__metadata__";

// The Rust crate lays tensors out by descending alignment using the declaration order
// of its Dtype enum (BOOL < U8 < I8 < ... < I16 < U16 < F16 < BF16 < I32 < U32 < F32 <
// C64 < F64 < I64 < U64); reproducing it makes our files byte-identical to Python's.
int layout_rank(DType dtype) {
  switch (dtype) {
    case DType::Bool: return 0;
    case DType::UInt8: return 1;
    case DType::Int8: return 2;
    case DType::Int16: return 3;
    case DType::UInt16: return 4;
    case DType::Float16: return 5;
    case DType::BFloat16: return 6;
    case DType::Int32: return 7;
    case DType::UInt32: return 8;
    case DType::Float32: return 9;
    case DType::Complex64: return 10;
    case DType::Float64: return 11;
    case DType::Int64: return 12;
    case DType::UInt64: return 13;
    case DType::Complex128: return 14;
  }
  return 15;
}

// JSON parser messages may quote raw header bytes; keep the error on one printable line.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) out += (static_cast<unsigned char>(c) >= 32 && c != 127) ? c : '?';
  return out;
}

struct Entry {
  std::string name;
  std::uint64_t begin = 0, end = 0;
  NpyArray array;  // dtype and shape only until the data is copied
};

Entry parse_entry(const std::string& name, const json& info, const std::string& where) {
  const std::string at = where + ": tensor '" + name + "'";
  if (!info.is_object()) throw Error(at + ": expected an object with dtype, shape and data_offsets");
  const auto dtype_it = info.find("dtype");
  const auto shape_it = info.find("shape");
  const auto offsets_it = info.find("data_offsets");
  if (dtype_it == info.end() || !dtype_it->is_string()) throw Error(at + ": missing or non-string \"dtype\"");
  if (shape_it == info.end() || !shape_it->is_array()) throw Error(at + ": missing or non-array \"shape\"");
  if (offsets_it == info.end() || !offsets_it->is_array() || offsets_it->size() != 2 ||
      !(*offsets_it)[0].is_number_unsigned() || !(*offsets_it)[1].is_number_unsigned()) {
    throw Error(at + ": \"data_offsets\" must be [begin, end] with non-negative integers");
  }
  Entry entry;
  entry.name = name;
  const std::string dtype = dtype_it->get<std::string>();
  const auto parsed = dtype_from_safetensors(dtype);
  if (!parsed) {
    throw Error(at + ": unsupported dtype \"" + one_line(dtype) +
                "\" (expected BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64 or C64)");
  }
  entry.array.dtype = *parsed;
  for (const json& dim : *shape_it) {
    if (!dim.is_number_unsigned() || dim.get<std::uint64_t>() > (std::uint64_t{1} << 62)) {
      throw Error(at + ": \"shape\" must hold non-negative integers");
    }
    entry.array.shape.push_back(static_cast<std::int64_t>(dim.get<std::uint64_t>()));
  }
  entry.begin = (*offsets_it)[0].get<std::uint64_t>();
  entry.end = (*offsets_it)[1].get<std::uint64_t>();
  return entry;
}

}  // namespace

SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& where) {
  check_input(bytes.size() >= 8, where,
              "truncated: a .safetensors file starts with an 8-byte header length, found " +
                  std::to_string(bytes.size()) + " bytes");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  check_input(n <= kMaxHeader, where,
              "header length " + std::to_string(n) + " exceeds the 100 MB limit (not a .safetensors file?)");
  check_input(n <= bytes.size() - 8, where,
              "truncated: header length says " + std::to_string(n) + " bytes, found " + std::to_string(bytes.size() - 8));
  const std::string_view text = bytes.substr(8, static_cast<std::size_t>(n));
  check_input(!text.empty() && text[0] == '{', where, "header is not a JSON object (must start with '{')");

  json header;
  try {
    header = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw Error(where + ": header is not valid UTF-8 JSON (" + one_line(e.what()) + ")");
  }
  check_input(header.is_object(), where, "header is not a JSON object");

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == kMetadataKey) {
      check_input(info.is_object(), where, "\"__metadata__\" must be an object of strings");
      for (const auto& [key, value] : info.items()) {
        check_input(value.is_string(), where, "\"__metadata__\" value of '" + key + "' is not a string");
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(name, info, where));
  }

  // Like the Rust reader: order by offsets, then demand one contiguous run from 0.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  const std::uint64_t data_size = bytes.size() - 8 - n;
  std::uint64_t cursor = 0;
  std::string previous;
  for (const Entry& entry : entries) {
    const std::string at = where + ": tensor '" + entry.name + "'";
    const std::string span = "[" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]";
    if (entry.end < entry.begin) throw Error(at + ": data_offsets " + span + " end before they begin");
    if (entry.begin < cursor) {
      throw Error(at + ": data_offsets " + span + " overlap tensor '" + previous + "' (which ends at " +
                  std::to_string(cursor) + ")");
    }
    if (entry.begin > cursor) {
      throw Error(at + ": data_offsets " + span + " leave a gap after byte " + std::to_string(cursor) +
                  " (tensors must be contiguous from offset 0)");
    }
    const std::size_t expected = checked_nbytes(entry.array.dtype, entry.array.shape, at);
    if (entry.end - entry.begin != expected) {
      throw Error(at + ": " + describe(entry.array) + " needs " + std::to_string(expected) +
                  " bytes but data_offsets " + span + " span " + std::to_string(entry.end - entry.begin));
    }
    cursor = entry.end;
    previous = entry.name;
  }
  check_input(cursor <= data_size, where,
              "truncated: header says " + std::to_string(cursor) + " bytes of data, found " + std::to_string(data_size));
  check_input(cursor == data_size, where,
              "corrupt: header says " + std::to_string(cursor) + " bytes of data, found " + std::to_string(data_size) +
                  " (the tensors must cover the data buffer exactly)");

  const std::string_view data = bytes.substr(8 + static_cast<std::size_t>(n));
  for (Entry& entry : entries) {
    entry.array.bytes.assign(data.substr(static_cast<std::size_t>(entry.begin),
                                         static_cast<std::size_t>(entry.end - entry.begin)));
    file.tensors.emplace(entry.name, std::move(entry.array));
  }
  return file;
}

std::string serialize_safetensors(const SafetensorsFile& file) {
  const std::string where = "serialize_safetensors";
  std::vector<std::pair<std::string, const NpyArray*>> order;
  for (const auto& [name, array] : file.tensors) {
    check_input(name != kMetadataKey, where, "a tensor cannot be named \"__metadata__\"");
    validate(array, where + ": tensor '" + name + "'");
    check_input(safetensors_dtype_name(array.dtype).has_value(), where + ": tensor '" + name + "'",
                std::string("safetensors has no ") + std::string(dtype_name(array.dtype)) +
                    " dtype; convert it (e.g. to two float64 arrays) first");
    order.emplace_back(name, &array);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    const int ra = layout_rank(a.second->dtype), rb = layout_rank(b.second->dtype);
    return ra != rb ? ra > rb : a.first < b.first;
  });

  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty()) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [key, value] : file.metadata) meta[key] = value;
    header[std::string(kMetadataKey)] = std::move(meta);
  }
  std::uint64_t offset = 0;
  for (const auto& [name, array] : order) {
    nlohmann::ordered_json info = nlohmann::ordered_json::object();
    info["dtype"] = std::string(*safetensors_dtype_name(array->dtype));
    nlohmann::ordered_json shape = nlohmann::ordered_json::array();
    for (std::int64_t dim : array->shape) shape.push_back(static_cast<std::uint64_t>(dim));
    info["shape"] = std::move(shape);
    info["data_offsets"] = {offset, offset + array->bytes.size()};
    offset += array->bytes.size();
    header[name] = std::move(info);
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {
    throw Error(where + ": a tensor name or metadata string is not valid UTF-8 (" + one_line(e.what()) + ")");
  }
  text.append((8 - text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + text.size() + static_cast<std::size_t>(offset));
  for (int i = 0; i < 8; ++i) out += static_cast<char>((static_cast<std::uint64_t>(text.size()) >> (8 * i)) & 0xff);
  out += text;
  for (const auto& [name, array] : order) {
    if (array->fortran_order && array->shape.size() > 1) {
      out += to_c_order(*array).bytes;
    } else {
      out += array->bytes;
    }
  }
  return out;
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  return parse_safetensors(read_file_bytes(path), path.string());
}

void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
  std::string bytes;
  try {
    bytes = serialize_safetensors(file);
  } catch (const Error& e) {
    throw Error(path.string() + ": cannot write: " + e.what());
  }
  write_file_atomically(path, bytes);
}

}  // namespace moezoo::io
