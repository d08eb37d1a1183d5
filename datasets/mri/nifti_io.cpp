#include "datasets/mri/nifti_io.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/mri/nifti_integrity.h"

namespace moezoo::datasets::mri {

namespace fs = std::filesystem;

namespace {

/// ITK's messages span several lines with source locations; keep the description on one line.
std::string one_line(const itk::ExceptionObject& e) {
  std::string text = e.GetDescription();
  std::replace(text.begin(), text.end(), '\n', ' ');
  text.erase(std::unique(text.begin(), text.end(), [](char a, char b) { return a == ' ' && b == ' '; }), text.end());
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text.size() > 300 ? text.substr(0, 300) + "..." : text;
}

template <typename Image>
Geometry geometry_of(const Image& image) {
  Geometry g;
  const auto size = image.GetLargestPossibleRegion().GetSize();
  for (unsigned d = 0; d < 3; ++d) {
    g.size[d] = static_cast<int64_t>(size[d]);
    g.spacing[d] = image.GetSpacing()[d];
    g.origin[d] = image.GetOrigin()[d];
    for (unsigned c = 0; c < 3; ++c) g.direction[d * 3 + c] = image.GetDirection()(d, c);
  }
  return g;
}

template <typename Image>
void set_geometry(Image& image, const Geometry& g) {
  typename Image::SizeType size;
  typename Image::SpacingType spacing;
  typename Image::PointType origin;
  typename Image::DirectionType direction;
  for (unsigned d = 0; d < 3; ++d) {
    size[d] = static_cast<itk::SizeValueType>(g.size[d]);
    spacing[d] = g.spacing[d];
    origin[d] = g.origin[d];
    for (unsigned c = 0; c < 3; ++c) direction(d, c) = g.direction[d * 3 + c];
  }
  image.SetRegions(typename Image::RegionType(size));
  image.SetSpacing(spacing);
  image.SetOrigin(origin);
  image.SetDirection(direction);
}

bool has_gz_suffix(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.size() > 7 && name.compare(name.size() - 7, 7, ".nii.gz") == 0;
}

/// Writes `data` (contiguous, already of the matching dtype) as an itk::Image<T, 3>.
template <typename T>
void write_image(const fs::path& path, const at::Tensor& data, const Geometry& geometry, bool gzip) {
  using Image = itk::Image<T, 3>;
  auto image = Image::New();
  set_geometry(*image, geometry);
  image->Allocate();
  std::memcpy(image->GetBufferPointer(), data.data_ptr<T>(), sizeof(T) * static_cast<size_t>(data.numel()));
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(itk::NiftiImageIO::New());
  writer->SetFileName(path.string());
  writer->SetUseCompression(gzip);
  writer->SetInput(image);
  writer->Update();
}

template <typename T>
at::Tensor to_integer(const at::Tensor& data, at::ScalarType dtype) {
  auto values = data.to(torch::kDouble)
                    .round()
                    .clamp(static_cast<double>(std::numeric_limits<T>::min()),
                           static_cast<double>(std::numeric_limits<T>::max()));
  return values.to(dtype).contiguous();
}

}  // namespace

bool is_nifti_name(const fs::path& path) {
  const std::string name = path.filename().string();
  return has_gz_suffix(path) || (name.size() > 4 && name.compare(name.size() - 4, 4, ".nii") == 0);
}

Volume read_nifti(const fs::path& path) {
  const std::string where = path.string();
  check_input(fs::is_regular_file(path), where, "missing NIfTI file");
  check_nifti_complete(path);
  using Image = itk::Image<float, 3>;
  Volume volume;
  try {
    auto io = itk::NiftiImageIO::New();
    check_input(io->CanReadFile(where.c_str()), where, "not a NIfTI-1 file (bad header or name)");
    io->SetFileName(where);
    io->ReadImageInformation();
    check_input(
        io->GetNumberOfComponents() == 1, where,
        "expected a scalar image, found " + std::to_string(io->GetNumberOfComponents()) + " components per voxel");
    const unsigned dims = io->GetNumberOfDimensions();
    const bool trailing_ones = dims > 3 && [&] {
      for (unsigned d = 3; d < dims; ++d)
        if (io->GetDimensions(d) != 1) return false;
      return true;
    }();
    check_input(dims == 3 || trailing_ones, where,
                "expected a 3-d image, found " + std::to_string(dims) + " dimensions");
    auto reader = itk::ImageFileReader<Image>::New();
    reader->SetImageIO(io);
    reader->SetFileName(where);
    reader->Update();
    Image::Pointer image = reader->GetOutput();
    volume.geometry = geometry_of(*image);
    const auto& s = volume.geometry.size;
    volume.data = torch::from_blob(image->GetBufferPointer(), {s[2], s[1], s[0]}, torch::kFloat).clone();
  } catch (const itk::ExceptionObject& e) {
    throw Error(where + ": cannot read NIfTI (truncated or corrupt?): " + one_line(e));
  }
  check_input(torch::isfinite(volume.data).all().item<bool>(), where, "non-finite voxel values (NaN or Inf)");
  return volume;
}

void write_nifti(const fs::path& path, const at::Tensor& data, const Geometry& geometry, PixelType pixel_type) {
  const std::string where = path.string();
  check_input(is_nifti_name(path), where, "output name must end in .nii or .nii.gz");
  check_input(data.dim() == 3, where, "expected data [D, H, W], got " + std::to_string(data.dim()) + " dimensions");
  check_input(data.size(0) == geometry.size[2] && data.size(1) == geometry.size[1] && data.size(2) == geometry.size[0],
              where, "data [D, H, W] does not match the geometry's size " + size_text(geometry) + " (x, y, z)");
  const auto cpu = data.detach().to(torch::kCPU);
  const bool gzip = has_gz_suffix(path);
  write_atomically(path, [&](const fs::path& tmp) {
    // ITK picks the format and compression from the name, so write under a NIfTI name
    // beside `tmp` and rename it to `tmp`; write_atomically renames that onto `path`.
    fs::path named = tmp;
    named += gzip ? ".nii.gz" : ".nii";
    try {
      switch (pixel_type) {
        case PixelType::kUInt8:
          write_image<uint8_t>(named, to_integer<uint8_t>(cpu, torch::kByte), geometry, gzip);
          break;
        case PixelType::kInt16:
          write_image<int16_t>(named, to_integer<int16_t>(cpu, torch::kShort), geometry, gzip);
          break;
        case PixelType::kInt32:
          write_image<int32_t>(named, to_integer<int32_t>(cpu, torch::kInt), geometry, gzip);
          break;
        case PixelType::kFloat32:
          write_image<float>(named, cpu.to(torch::kFloat).contiguous(), geometry, gzip);
          break;
      }
      fs::rename(named, tmp);
    } catch (const itk::ExceptionObject& e) {
      std::error_code ignored;
      fs::remove(named, ignored);
      throw Error(where + ": cannot write NIfTI: " + one_line(e));
    } catch (...) {
      std::error_code ignored;
      fs::remove(named, ignored);
      throw;
    }
  });
}

void write_nifti(const fs::path& path, const Volume& volume, PixelType pixel_type) {
  write_nifti(path, volume.data, volume.geometry, pixel_type);
}

}  // namespace moezoo::datasets::mri
