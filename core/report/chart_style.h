#pragma once
/// Colours and spacing shared by the chart renderers, so all report plots look alike.

#include "core/report/image.h"

namespace moezoo::report::style {

inline constexpr Rgb kBackground{255, 255, 255};
inline constexpr Rgb kText{34, 34, 34};
inline constexpr Rgb kMutedText{90, 90, 90};
inline constexpr Rgb kFrame{120, 120, 120};
inline constexpr Rgb kGrid{232, 232, 232};
inline constexpr Rgb kMinorGrid{245, 245, 245};  ///< 2x..9x lines between decades on a log axis
inline constexpr Rgb kLegendBorder{200, 200, 200};
inline constexpr Rgb kMissing{200, 200, 200};  ///< heatmap cells without a finite value

inline constexpr int kMargin = 14;      ///< blank border around every chart
inline constexpr int kTickLength = 4;   ///< outward tick marks
inline constexpr int kTickGap = 4;      ///< between a tick mark and its label
inline constexpr int kLabelGap = 8;     ///< between tick labels and the axis label
inline constexpr int kTitleScale = 2;   ///< font scale of chart titles

}  // namespace moezoo::report::style
