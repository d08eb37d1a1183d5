// M4Fuse end to end: parameter counts of the four variants (against the paper and the
// official code's definitions), shapes, site and gate routing, gradients, determinism,
// cloning and input errors.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "core/util/error.h"
#include "models/m4fuse/m4fuse.h"
#include "models/m4fuse/segmentation_loss.h"

namespace m4 = moezoo::models::m4fuse;

namespace {

/// The smallest legal input: 16^3, batch 2.
at::Tensor small_image(int64_t side = 16) { return torch::randn({2, 4, side, side, side}); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const moezoo::Error& e) {
    return e.what();
  }
  return "";
}

/// Perturbs every parameter of expert e in every PEU.
void perturb_expert(m4::M4FuseImpl& model, int64_t e) {
  torch::NoGradGuard no_grad;
  for (auto unit : model.expert_units())
    for (auto& p : unit->experts[e]->parameters()) p.add_(0.05 * torch::randn_like(p));
}

}  // namespace

TEST(M4Fuse, ParameterCountsMatchPaperAndOfficialCode) {
  // Paper: 0.29M / 0.63M / 1.11M / 2.45M. Official: the parameter sums of Network/M4Fuse.py
  // with data_exps = 1, evaluated from its layer definitions (mamba_ssm Mamba: in_proj
  // d x 4d, conv1d 2d x 4 + 2d, x_proj 2d x (ceil(d/16) + 32), dt_proj, A_log 2d x 16,
  // D 2d, out_proj 2d x d).
  const std::map<std::string, std::pair<double, int64_t>> expected{{"tiny", {0.29e6, 290078}},
                                                                   {"small", {0.63e6, 633438}},
                                                                   {"base", {1.11e6, 1108094}},
                                                                   {"large", {2.45e6, 2455614}}};
  for (const auto& [name, counts] : expected) {
    m4::M4Fuse model(m4::m4fuse_variant(name));
    const int64_t n = m4::count_parameters(*model);
    std::printf("  %-5s %8lld parameters (paper %.2fM, official code %lld)\n", name.c_str(),
                static_cast<long long>(n), counts.first / 1e6, static_cast<long long>(counts.second));
    EXPECT_LT(std::abs(static_cast<double>(n) - counts.first) / counts.first, 0.05) << name;
    EXPECT_EQ(n, counts.second) << name;
  }
  // Every extra expert adds one PetaloMixer per PEU; the gate adds a C -> E linear per PEU.
  const int64_t one = m4::count_parameters(*m4::M4Fuse(m4::m4fuse_variant("tiny")));
  const int64_t two = m4::count_parameters(*m4::M4Fuse(m4::m4fuse_variant("tiny").num_experts(2)));
  EXPECT_EQ(two - one, 34091);  // official data_exps = 2 gives 324169
  const int64_t gated = m4::count_parameters(*m4::M4Fuse(m4::m4fuse_variant("tiny").num_experts(2).routing("gate")));
  EXPECT_EQ(gated - two, 2 * (48 + 64 + 96));
}

TEST(M4Fuse, ForwardShapesForEveryVariantAndRouting) {
  torch::manual_seed(0);
  const at::Tensor image = small_image();
  const at::Tensor site = torch::tensor({1, 0}, torch::kLong);
  for (const auto& name : m4::m4fuse_variants()) {
    for (const std::string routing : {"site", "gate"}) {
      m4::M4Fuse model(m4::m4fuse_variant(name).num_experts(2).routing(routing));
      model->eval();
      torch::NoGradGuard no_grad;
      const at::Tensor out = model->forward(image, site);
      EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 4, 16, 16, 16})) << name << "/" << routing;
      EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << name << "/" << routing;
      const at::Tensor w = model->expert_weights();
      ASSERT_EQ(w.sizes(), (std::vector<int64_t>{2, 2})) << name << "/" << routing;
      if (routing == "site") {
        EXPECT_TRUE(torch::equal(w, torch::tensor({{0.0f, 1.0f}, {1.0f, 0.0f}})));
      }
      EXPECT_TRUE(model->aux_losses().empty());
      EXPECT_EQ(model->downsampling(), 16);
    }
  }
  // A non-cubic input and other class counts.
  m4::M4Fuse model(m4::M4FuseOptions().num_classes(3).in_channels(2));
  model->eval();
  torch::NoGradGuard no_grad;
  EXPECT_EQ(model->forward(torch::randn({1, 2, 16, 32, 16})).sizes(), (std::vector<int64_t>{1, 3, 16, 32, 16}));
}

TEST(M4Fuse, SiteRoutingUsesOnlyTheSitesExpert) {
  torch::manual_seed(1);
  m4::M4Fuse model(m4::m4fuse_variant("tiny").num_experts(3));
  model->eval();
  torch::NoGradGuard no_grad;
  const at::Tensor image = small_image();
  const at::Tensor site = torch::tensor({0, 2}, torch::kLong);
  const at::Tensor before = model->forward(image, site);

  perturb_expert(*model, 1);  // no sample uses expert 1
  EXPECT_TRUE(torch::equal(model->forward(image, site), before));

  perturb_expert(*model, 2);  // sample 1's expert
  const at::Tensor after = model->forward(image, site);
  EXPECT_TRUE(torch::equal(after[0], before[0]));
  EXPECT_GT((after[1] - before[1]).abs().max().item<double>(), 1e-6);

  perturb_expert(*model, 0);  // sample 0's expert; undefined site means site 0 for all
  const at::Tensor again = model->forward(image, site);
  EXPECT_GT((again[0] - after[0]).abs().max().item<double>(), 1e-6);
  EXPECT_TRUE(torch::equal(again[1], after[1]));
  const at::Tensor zeros = model->forward(image);
  // Same expert, but now in a batch of two through it: equal up to rounding.
  EXPECT_TRUE(torch::allclose(zeros[0], again[0], 1e-4, 1e-5));
  EXPECT_TRUE(torch::equal(model->forward(image, torch::tensor({0, 0}, torch::kLong)), zeros));
}

TEST(M4Fuse, LearnedGateGetsGradientsAndAuxLosses) {
  torch::manual_seed(2);
  m4::M4Fuse model(m4::m4fuse_variant("tiny").num_experts(2).routing("gate"));
  model->train();
  // 32^3 so that the deepest mixers scan 8 tokens: at 16^3 they see one token, where A
  // (A_log) has no effect and gets no gradient.
  const at::Tensor image = small_image(32);
  const at::Tensor target = torch::randint(0, 4, {2, 32, 32, 32});
  const at::Tensor logits = model->forward(image, torch::tensor({5, 7}));  // site ignored by the gate
  const auto aux = model->aux_losses();
  ASSERT_FALSE(aux.empty());
  ASSERT_TRUE(aux.terms.count("switch"));
  EXPECT_TRUE(std::isfinite(aux.total().item<double>()));
  const at::Tensor w = model->expert_weights();
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{2, 2}));
  EXPECT_TRUE(((w > 0).sum(1) >= 1).all().item<bool>());

  (m4::m4fuse_loss(logits, target, m4::brats_loss_options()) + aux.total()).backward();
  for (const auto& unit : model->expert_units()) {
    ASSERT_TRUE(unit->router->weight.grad().defined());
    EXPECT_GT(unit->router->weight.grad().abs().sum().item<double>(), 0.0);
  }
  // Every parameter outside the routed experts, and every parameter of a used expert, gets a
  // gradient; an expert no sample chose gets none.
  for (const auto& item : model->named_parameters()) {
    const std::string& name = item.key();
    const auto pos = name.find(".experts.");
    bool used = true;
    if (pos != std::string::npos) {
      const int64_t e = std::stoll(name.substr(pos + 9));
      const std::string unit_name = name.substr(0, pos);
      const auto unit = model->named_children()[unit_name]->as<m4::PetalExpertUnitImpl>();
      used = (unit->last_routing().expert_indices == e).any().item<bool>();
    }
    EXPECT_EQ(item.value().grad().defined(), used) << name;
    if (item.value().grad().defined()) {
      EXPECT_TRUE(torch::isfinite(item.value().grad()).all().item<bool>()) << name;
    }
  }
  model->eval();
  torch::NoGradGuard no_grad;
  model->forward(image);
  EXPECT_TRUE(model->aux_losses().empty());
}

TEST(M4Fuse, SiteRoutingTrainsEveryUsedParameter) {
  torch::manual_seed(3);
  m4::M4Fuse model(m4::m4fuse_variant("tiny").num_experts(2));
  model->train();
  const at::Tensor logits = model->forward(small_image(32), torch::tensor({1, 1}));
  EXPECT_TRUE(model->aux_losses().empty());
  m4::m4fuse_loss(logits, torch::randint(0, 4, {2, 32, 32, 32})).backward();
  for (const auto& item : model->named_parameters()) {
    const bool unused = item.key().find(".experts.0.") != std::string::npos;
    EXPECT_EQ(item.value().grad().defined(), !unused) << item.key();
  }
}

TEST(M4Fuse, SeededForwardIsBitwiseDeterministic) {
  const at::Tensor image = (torch::manual_seed(4), small_image());
  auto run = [&](const std::string& routing) {
    torch::manual_seed(5);
    m4::M4Fuse model(m4::m4fuse_variant("tiny").num_experts(2).routing(routing));
    model->train();  // dropout draws from the seeded generator too
    return model->forward(image, torch::tensor({0, 1}));
  };
  for (const std::string routing : {"site", "gate"}) EXPECT_TRUE(torch::equal(run(routing), run(routing))) << routing;
}

TEST(M4Fuse, CloneGivesTheSameOutput) {
  torch::manual_seed(6);
  m4::M4Fuse model(m4::m4fuse_variant("tiny").num_experts(2).routing("gate"));
  model->eval();
  const auto copy = std::dynamic_pointer_cast<m4::M4FuseImpl>(model->clone());
  ASSERT_TRUE(copy);
  copy->eval();
  torch::NoGradGuard no_grad;
  const at::Tensor image = small_image();
  EXPECT_TRUE(torch::equal(model->forward(image), copy->forward(image)));
}

TEST(M4Fuse, RejectsBadInputWithClearErrors) {
  m4::M4Fuse model(m4::m4fuse_variant("tiny").num_experts(2));
  model->eval();
  torch::NoGradGuard no_grad;
  EXPECT_NE(error_of([&] { model->forward(torch::randn({2, 4, 16, 16})); }).find("[B, 4, D, H, W]"), std::string::npos);
  EXPECT_NE(error_of([&] { model->forward(torch::randn({2, 3, 16, 16, 16})); }).find("must have 4 channels, got 3"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model->forward(torch::randn({1, 4, 16, 24, 16})); }).find("multiples of the downsampling factor 16"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model->forward(torch::randn({1, 4, 16, 16, 16}), torch::tensor({2})); }).find("[0, 2)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model->forward(torch::randn({2, 4, 16, 16, 16}), torch::tensor({0})); }).find("site must be"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model->forward(at::Tensor()); }).find("undefined"), std::string::npos);
  const std::string unknown = error_of([] { m4::m4fuse_variant("huge"); });
  EXPECT_NE(unknown.find("tiny, small, base, large"), std::string::npos) << unknown;
  EXPECT_THROW(m4::M4Fuse(m4::M4FuseOptions().routing("topk")), moezoo::Error);
  EXPECT_THROW(m4::M4Fuse(m4::M4FuseOptions().channels({16, 32, 48, 64, 96})), moezoo::Error);
  EXPECT_THROW(m4::M4Fuse(m4::M4FuseOptions().channels({16, 32, 48, 64, 96, 130})), moezoo::Error);
}

// The paper's input size, 4 x 64 x 128 x 128, through the smallest variant (a few seconds
// of one core in evaluation mode; the four variants together take about 35 s, and the
// larger ones differ only in widths, which the small-input tests cover).
TEST(M4Fuse, PaperInputSize) {
  torch::manual_seed(8);
  m4::M4Fuse model(m4::m4fuse_variant("tiny"));
  model->eval();
  torch::NoGradGuard no_grad;
  const at::Tensor out = model->forward(torch::randn({1, 4, 64, 128, 128}));
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 4, 64, 128, 128}));
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}
