#pragma once
/// Train/validation/test pixel splits of a labelled scene, the three protocols of the
/// HSI classification literature that draw pixels at random (spatially disjoint blocks
/// are in block_split.h): a stratified fraction of every class, a fixed count per
/// class, and maps that come with the scene. Random splits draw from their own
/// generator seeded by `seed`, never from the global torch seed, in a fixed order
/// (classes 1..C), so a split is the same on every run and machine.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace moezoo::datasets::hsi {

/// Three [H, W] bool masks, pairwise disjoint, selecting only pixels whose `labels` > 0.
struct PixelSplit {
  at::Tensor train, val, test;
  at::Tensor labels;        ///< [H, W] int64: the class of every selected pixel
  std::string description;  ///< "stratified 0.1/0.1 seed 0", for logs and reports
};

/// Flat indices r * W + c of the true pixels of a [H, W] bool mask: [N] int64, ascending.
at::Tensor pixel_indices(const at::Tensor& mask);

/// Per class c with n_c labelled pixels in a random order: the first
/// round(train_fraction * n_c) (at least 1) train, up to round((train_fraction +
/// val_fraction) * n_c) validation, the rest test. Rounding the cumulative share keeps
/// each class's counts summing to n_c. Needs 0 < train_fraction, 0 <= val_fraction,
/// train_fraction + val_fraction < 1.
PixelSplit stratified_fraction_split(const at::Tensor& labels, int64_t num_classes, double train_fraction,
                                     double val_fraction, uint64_t seed);

/// Per class c in a random order: train_per_class pixels train and val_per_class
/// validation, the rest test. A small class never loses more than half of its pixels to
/// each: training gets min(train_per_class, max(1, n_c / 2)) and validation
/// min(val_per_class, remaining / 2) (integer halves), so Indian Pines' Oats (20
/// pixels) gives 10 to training when 50 per class are asked for, as is customary.
PixelSplit per_class_count_split(const at::Tensor& labels, int64_t num_classes, int64_t train_per_class,
                                 int64_t val_per_class, uint64_t seed);

/// The maps a scene ships (Houston 2013, disjoint Pavia University / Indian Pines):
/// train = train_map > 0, test = test_map > 0, labels from the map that selects each
/// pixel. A stratified `val_fraction` of each class's training pixels moves to
/// validation (0: none). Overlapping maps are an Error.
PixelSplit given_map_split(const at::Tensor& train_map, const at::Tensor& test_map, int64_t num_classes,
                           double val_fraction = 0.0, uint64_t seed = 0);

/// Checks the PixelSplit contract (shapes, disjoint, only labelled pixels); errors name `where`.
void validate(const PixelSplit& split, const std::string& where);

}  // namespace moezoo::datasets::hsi
