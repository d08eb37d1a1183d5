// Balancers by name: each preset sets its paper's coefficient, '+' combines them,
// and bad names are one-line errors naming the config key.

#include <gtest/gtest.h>

#include "core/balancing/balancer_presets.h"
#include "core/util/error.h"

namespace {

using namespace moezoo::core;

TEST(BalancerPresets, EachNameSetsItsCoefficient) {
  const auto none = balancer_preset("none");
  EXPECT_EQ(none.switch_coef() + none.seq_coef() + none.z_coef() + none.bias_update_rate(), 0.0);
  EXPECT_EQ(balancer_preset("switch").switch_coef(), 1e-2);
  EXPECT_EQ(balancer_preset("seq").seq_coef(), 1e-4);
  EXPECT_EQ(balancer_preset("z").z_coef(), 1e-3);
  EXPECT_EQ(balancer_preset("bias").bias_update_rate(), 1e-3);
  const auto deepseek = balancer_preset("deepseek");
  EXPECT_EQ(deepseek.bias_update_rate(), 1e-3);
  EXPECT_EQ(deepseek.seq_coef(), 1e-4);
  EXPECT_EQ(deepseek.switch_coef(), 0.0);
}

TEST(BalancerPresets, PlusCombines) {
  const auto o = balancer_preset("switch+z");
  EXPECT_EQ(o.switch_coef(), 1e-2);
  EXPECT_EQ(o.z_coef(), 1e-3);
  EXPECT_EQ(o.seq_coef(), 0.0);
  EXPECT_EQ(o.bias_update_rate(), 0.0);
}

TEST(BalancerPresets, BadNamesNameTheKey) {
  for (const char* bad : {"swich", "", "switch+switch", "switch+"}) {
    try {
      balancer_preset(bad, "model.moe.balancer");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const moezoo::Error& e) {
      EXPECT_NE(std::string(e.what()).find("model.moe.balancer"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
