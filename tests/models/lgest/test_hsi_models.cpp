// Registry-driven checks of every hyperspectral patch model: output shape for several
// band counts and patch sizes, finite output, gradients reach every parameter (every
// parameter of an expert that received patches, none of an idle one), save/load round
// trip, seeded determinism.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <regex>
#include <tuple>

#include "core/runtime/config.h"
#include "core/util/error.h"
#include "models/lgest/lgest.h"
#include "models/lgest/model_registry.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using models::lgest::hsi_models;

namespace {

std::shared_ptr<models::lgest::PatchClassifier> make(const std::string& name, int64_t bands, int64_t patch,
                                                     int64_t classes, uint64_t seed) {
  torch::manual_seed(seed);
  return hsi_models().get(name).factory(runtime::Config::from_string("{}"), bands, patch, classes);
}

at::Tensor patches(int64_t batch, int64_t bands, int64_t patch, uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randn({batch, bands, patch, patch});
}

/// Whether parameter `name` belongs to an LGEST expert that received no patch in the last
/// forward ("level<l>.moe.experts.expert<e>." with zero load).
bool idle_expert_parameter(const models::lgest::PatchClassifier& model, const std::string& name) {
  const auto* lgest = dynamic_cast<const models::lgest::LGEST*>(&model);
  if (!lgest) return false;
  static const std::regex pattern(R"(^level(\d+)\.moe\.experts\.expert(\d+)\.)");
  std::smatch m;
  if (!std::regex_search(name, m, pattern)) return false;
  const auto layers = lgest->moe_layers();
  const auto load = layers.at(std::stoul(m[1].str()))->last_routing().tokens_per_expert;
  return load[std::stol(m[2].str())].item<int64_t>() == 0;
}

class HsiModels : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(HsiModels, OutputShapeForSeveralSizes) {
  for (const auto& [bands, patch] : {std::make_tuple(30, 9), std::make_tuple(15, 11), std::make_tuple(20, 13)}) {
    auto model = make(GetParam(), bands, patch, 5, 1);
    for (const bool training : {true, false}) {
      model->train(training);
      const auto logits = model->forward(patches(3, bands, patch, 2));
      ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{3, 5})) << "C=" << bands << " P=" << patch;
      ASSERT_TRUE(torch::isfinite(logits).all().item<bool>()) << "C=" << bands << " P=" << patch;
    }
  }
}

TEST_P(HsiModels, GradientsSaveLoadDeterminism) {
  const auto x = patches(12, 30, 9, 4);
  const auto y = torch::arange(12) % 4;
  auto model = make(GetParam(), 30, 9, 4, 3);
  model->train();
  const auto logits = model->forward(x);
  (torch::cross_entropy_loss(logits, y) + model->aux_losses().total()).backward();
  int64_t idle = 0;
  for (const auto& p : model->named_parameters()) {
    const auto& grad = p.value().grad();
    if (idle_expert_parameter(*model, p.key())) {
      ++idle;
      EXPECT_TRUE(!grad.defined() || grad.abs().sum().item<double>() == 0.0) << p.key() << " of an idle expert";
      continue;
    }
    ASSERT_TRUE(grad.defined()) << p.key() << " got no gradient";
    EXPECT_GT(grad.abs().sum().item<double>(), 0.0) << p.key() << " has an all-zero gradient";
  }
  if (GetParam() != "lgest") {
    EXPECT_EQ(idle, 0);
  }

  // Save/load round trip into a model with other initial weights gives the same output.
  model->eval();
  const auto expected = model->forward(x);
  const auto path = moezoo::testing::temp_dir("hsi_models") / "model.pt";
  torch::serialize::OutputArchive out;
  model->save(out);
  out.save_to(path.string());
  auto other = make(GetParam(), 30, 9, 4, 77);
  torch::serialize::InputArchive in;
  in.load_from(path.string());
  other->load(in);
  other->eval();
  EXPECT_TRUE(torch::equal(other->forward(x), expected));

  // Same seed, same weights and same training-mode output (dropout included).
  auto a = make(GetParam(), 30, 9, 4, 11), b = make(GetParam(), 30, 9, 4, 11);
  torch::manual_seed(5);
  const auto out_a = a->forward(x);
  torch::manual_seed(5);
  const auto out_b = b->forward(x);
  EXPECT_TRUE(torch::equal(out_a, out_b));
  EXPECT_TRUE(torch::equal(a->aux_losses().total(), b->aux_losses().total()));
}

TEST_P(HsiModels, RejectsPatchesOfAnotherShape) {
  auto model = make(GetParam(), 30, 9, 4, 1);
  try {
    model->forward(patches(2, 29, 9, 1));
    FAIL() << "no error for 29 bands";
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("[B, 30, 9, 9]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(model->forward(patches(2, 30, 11, 1)), moezoo::Error);
  EXPECT_THROW(model->forward(torch::randn({30, 9, 9})), moezoo::Error);
}

INSTANTIATE_TEST_SUITE_P(Registry, HsiModels, ::testing::ValuesIn(hsi_models().names()),
                         [](const auto& info) { return info.param; });

TEST(HsiModelRegistry, NamesAndParameterTable) {
  EXPECT_EQ(hsi_models().names(), (std::vector<std::string>{"lgest", "hybridsn", "ssftt"}));
  const std::string table = models::lgest::describe_hsi_models(30, 9, 16);
  std::cout << table;
  for (const auto& name : hsi_models().names()) EXPECT_NE(table.find("| " + name + " | "), std::string::npos);
  EXPECT_EQ(table.find("n/a"), std::string::npos);
  // HybridSN does not fit 7x7 patches without same_padding: the table says why.
  EXPECT_NE(models::lgest::describe_hsi_models(30, 7, 16).find("n/a: model.patch"), std::string::npos);
}

TEST(HsiModelRegistry, UnknownKeyIsReported) {
  auto config = runtime::Config::from_string("{experts: 3, top_k: 1, expertz: 2}");
  auto model = hsi_models().get("lgest").factory(config, 10, 7, 3);
  EXPECT_THROW(config.check_all_keys_used(), moezoo::Error);
  EXPECT_EQ(dynamic_cast<models::lgest::LGEST&>(*model).expert_names().size(), 2u * 3u);
}
