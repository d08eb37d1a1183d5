#pragma once
/// Colours shared by all plots: a categorical palette for series and viridis for values.

#include <cstddef>

#include "core/report/image.h"

namespace moezoo::report {

/// Colour `index` of matplotlib's tab10 palette, cycling after 10 entries, so that a
/// series keeps the colour a reader knows from Python plots.
Rgb tab10(std::size_t index);

/// Viridis at `t` in [0, 1] (clamped; NaN gives the t = 0 colour): dark purple at 0,
/// yellow at 1. Perceptually uniform and readable with colour-vision deficiency.
Rgb viridis(double t);

/// Rec. 709 luma of `c` in [0, 1], to pick black or white text on top of it.
double luminance(Rgb c);

}  // namespace moezoo::report
