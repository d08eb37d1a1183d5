// The synthetic tumour generator on the Colin27 atlas (and the procedural phantom):
// seeded, labelled in the BraTS convention with the rim around the core, modality
// contrasts as documented, mass effect, and NIfTI output on the generator's geometry.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>

#include "datasets/mri/nifti_io.h"
#include "datasets/mri/synthetic_tumor.h"
#include "datasets/mri/tumor_regions.h"
#include "tests/datasets/mri/mri_test_util.h"

using namespace moezoo::datasets::mri;
namespace F = torch::nn::functional;

namespace {

/// Mean of channel m of `c` over the voxels of `mask`.
double mean_in(const MriCase& c, Modality m, const at::Tensor& mask) {
  return c.image[static_cast<int>(m)].masked_select(mask).mean().item<double>();
}

void expect_valid_case(const MriCase& c, const std::array<int64_t, 3>& shape) {
  ASSERT_EQ(c.image.sizes(), (std::vector<int64_t>{4, shape[0], shape[1], shape[2]}));
  ASSERT_EQ(c.label.sizes(), (std::vector<int64_t>{shape[0], shape[1], shape[2]}));
  EXPECT_EQ(c.geometry.size, (std::array<int64_t, 3>{shape[2], shape[1], shape[0]}));
  EXPECT_TRUE(torch::isfinite(c.image).all().item<bool>());
  // Every class present, BraTS values only, tumour inside the brain.
  for (int64_t v : {1, 2, 4}) EXPECT_GT(c.label.eq(v).sum().item<int64_t>(), 0) << c.id << " lacks label " << v;
  EXPECT_EQ((c.label.ne(0) & c.label.ne(1) & c.label.ne(2) & c.label.ne(4)).sum().item<int64_t>(), 0);
  const auto brain = c.image[0].gt(0);
  EXPECT_EQ((c.label.gt(0) & ~brain).sum().item<int64_t>(), 0);
  // The enhancing rim encloses the necrotic core: no core voxel touches oedema or background.
  const auto not_core_or_rim = (c.label.ne(1) & c.label.ne(4)).to(torch::kFloat).unsqueeze(0);
  const auto touches = F::max_pool3d(not_core_or_rim, F::MaxPool3dFuncOptions(3).stride(1).padding(1)).squeeze(0) > 0.5;
  EXPECT_EQ((c.label.eq(1) & touches).sum().item<int64_t>(), 0);
  // Documented contrasts: ET bright on T1ce, oedema bright on FLAIR, necrosis bright on T2
  // and dark on T1, relative to the healthy brain.
  const auto healthy = brain & c.label.eq(0);
  EXPECT_GT(mean_in(c, Modality::kT1ce, c.label.eq(4)), 1.3 * mean_in(c, Modality::kT1ce, healthy));
  EXPECT_GT(mean_in(c, Modality::kFlair, c.label.eq(2)), 1.3 * mean_in(c, Modality::kFlair, healthy));
  EXPECT_GT(mean_in(c, Modality::kT2, c.label.eq(1)), 1.3 * mean_in(c, Modality::kT2, healthy));
  EXPECT_LT(mean_in(c, Modality::kT1, c.label.eq(1)), 0.7 * mean_in(c, Modality::kT1, healthy));
}

}  // namespace

TEST(SyntheticTumor, Colin27CasesAreSeededAndValid) {
  MOEZOO_REQUIRE_DATA(atlas, "mri/atlas/ch2bet.nii.gz");
  const SyntheticTumorGenerator generator(read_nifti(atlas));
  // The brain's bounding box (about 140 x 172 x 140 mm) over 64 voxels: 2-3 mm voxels.
  for (double s : generator.geometry().spacing) {
    EXPECT_GT(s, 1.8);
    EXPECT_LT(s, 3.2);
  }
  const auto start = std::chrono::steady_clock::now();
  const auto cases = generator.make_cases(/*seed=*/42, 4);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ info ] 4 synthetic 64^3 cases in %.2f s\n", seconds);
  for (const auto& c : cases) expect_valid_case(c, {64, 64, 64});
  EXPECT_EQ(cases[2].id, "synthetic-42-2");
  const MriCase again = generator.make_case(42, 2);
  EXPECT_TRUE(torch::equal(again.image, cases[2].image));
  EXPECT_TRUE(torch::equal(again.label, cases[2].label));
  EXPECT_FALSE(torch::equal(cases[0].label, cases[1].label));
  EXPECT_FALSE(torch::equal(generator.make_case(43, 2).label, cases[2].label));
}

TEST(SyntheticTumor, ModelInputShapeFromTheAtlas) {
  MOEZOO_REQUIRE_DATA(atlas, "mri/atlas/ch2bet.nii.gz");
  SyntheticTumorOptions options;
  options.shape = {64, 128, 128};
  const SyntheticTumorGenerator generator(read_nifti(atlas), options);
  expect_valid_case(generator.make_case(7), {64, 128, 128});
}

TEST(SyntheticTumor, MassEffectDisplacesHealthyTissueNearTheTumour) {
  SyntheticTumorOptions still, pushed;
  still.mass_effect = 0.0;
  still.noise = pushed.noise = 0.0;
  const Volume phantom = phantom_brain();
  const MriCase a = SyntheticTumorGenerator(phantom, still).make_case(5);
  const MriCase b = SyntheticTumorGenerator(phantom, pushed).make_case(5);
  expect_valid_case(a, {64, 64, 64});
  expect_valid_case(b, {64, 64, 64});
  // Same tumours (same draws; only the brain edge, which clips the oedema, moves) ...
  const auto wa = a.label.gt(0), wb = b.label.gt(0);
  EXPECT_GT(2.0 * (wa & wb).sum().item<double>() / (wa.sum() + wb.sum()).item<double>(), 0.95);
  // ... but healthy tissue moved: the phantom's tissue boundaries near the tumour shift,
  // mildly (most voxels unchanged).
  const auto healthy = a.label.eq(0) & b.label.eq(0) & a.image[0].gt(0) & b.image[0].gt(0);
  const auto changed = (a.image[0] - b.image[0]).abs().gt(1.0) & healthy;
  EXPECT_GT(changed.sum().item<int64_t>(), 10);
  EXPECT_LT(changed.sum().item<double>(), 0.5 * healthy.sum().item<double>());
}

TEST(SyntheticTumor, WrittenCaseReadsBackOnItsGeometry) {
  const SyntheticTumorGenerator generator(phantom_brain({48, 56, 48}), SyntheticTumorOptions{{32, 32, 32}});
  const MriCase c = generator.make_case(1);
  const auto dir = moezoo::testing::temp_dir("mri");
  write_nifti(dir / "flair.nii.gz", c.image[3], c.geometry);
  write_nifti(dir / "seg.nii.gz", c.label, c.geometry, PixelType::kUInt8);
  const Volume flair = read_nifti(dir / "flair.nii.gz");
  EXPECT_TRUE(same_grid(flair.geometry, c.geometry, 1e-5));
  EXPECT_TRUE(torch::allclose(flair.data, c.image[3]));
  EXPECT_TRUE(
      torch::equal(to_brats_labels(read_nifti(dir / "seg.nii.gz").data, LabelConvention::kBrats2018, "seg"), c.label));
}
