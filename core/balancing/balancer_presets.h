#pragma once
/// Balancers chosen by name in configs (`model.moe.balancer: switch+z`), as MONAI's
/// layer factories choose layers: each name sets one mechanism with the coefficient
/// its paper used, and names joined by '+' combine.
///   none      nothing
///   switch    Switch Transformer load-balancing loss, 1e-2 (Fedus et al. 2022, eq. 4)
///   seq       DeepSeek-V3 sequence-wise balance loss, 1e-4 (DeepSeek-V3 report, eq. 17-20)
///   z         ST-MoE router z-loss, 1e-3 (Zoph et al. 2022, eq. 5)
///   bias      DeepSeek-V3 auxiliary-loss-free expert bias, update rate 1e-3 (section 2.1.2)
///   deepseek  bias + seq, DeepSeek-V3's complete strategy
/// Coefficients can then be overridden one by one (the BalancerOptions fields).

#include <string>
#include <vector>

#include "core/balancing/balancer.h"

namespace moezoo::core {

/// The names balancer_preset() accepts (without combinations).
std::vector<std::string> balancer_preset_names();

/// "switch+z" -> switch_coef 1e-2, z_coef 1e-3. Throws moezoo::Error naming `key`
/// for an unknown or repeated name.
BalancerOptions balancer_preset(const std::string& names, const std::string& key = "balancer");

}  // namespace moezoo::core
