#include "core/report/image.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace moezoo::report {
namespace {

TEST(Image, StartsFilledAndStoresRowMajorRgb) {
  Image image(3, 2, {1, 2, 3});
  EXPECT_EQ(image.width(), 3);
  EXPECT_EQ(image.height(), 2);
  EXPECT_EQ(image.bytes().size(), 18u);
  image.set(2, 1, {7, 8, 9});
  EXPECT_EQ(image.get(2, 1), (Rgb{7, 8, 9}));
  EXPECT_EQ(image.bytes()[(1 * 3 + 2) * 3 + 1], 8);
  EXPECT_EQ(image.get(0, 0), (Rgb{1, 2, 3}));
  image.fill({4, 5, 6});
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) EXPECT_EQ(image.get(x, y), (Rgb{4, 5, 6}));
  }
}

TEST(Image, GetAndSetCheckBoundsWhilePutAndBlendClip) {
  Image image(4, 4);
  EXPECT_THROW(image.get(4, 0), std::out_of_range);
  EXPECT_THROW(image.get(0, -1), std::out_of_range);
  EXPECT_THROW(image.set(-1, 2, {}), std::out_of_range);
  const auto before = image.bytes();
  image.put(-1, 0, {0, 0, 0});
  image.put(0, 4, {0, 0, 0});
  image.blend(4, 4, {0, 0, 0}, 1.0);
  EXPECT_EQ(image.bytes(), before);
  EXPECT_THROW(Image(-1, 3), std::invalid_argument);
  EXPECT_TRUE(Image().empty());
}

TEST(Image, BlendMixesByCoverage) {
  Image image(1, 1, {0, 0, 0});
  image.blend(0, 0, {200, 100, 50}, 0.5);
  EXPECT_EQ(image.get(0, 0), (Rgb{100, 50, 25}));
  image.blend(0, 0, {255, 255, 255}, 0.0);
  EXPECT_EQ(image.get(0, 0), (Rgb{100, 50, 25}));
  image.blend(0, 0, {9, 9, 9}, 1.0);
  EXPECT_EQ(image.get(0, 0), (Rgb{9, 9, 9}));
  EXPECT_EQ(mix({0, 0, 0}, {255, 255, 255}, 2.0), (Rgb{255, 255, 255}));  // clamped
}

}  // namespace
}  // namespace moezoo::report
