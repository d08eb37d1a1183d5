// LGEST's parts: the saliency prior, the routing of its MoE layers, the DSAE's
// reconstruction loss, the pyramid's shape bookkeeping, and that the whole model can fit
// a tiny two-class batch.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <set>

#include "core/balancing/balancer_presets.h"
#include "core/runtime/routing_monitor.h"
#include "core/util/error.h"
#include "models/lgest/lgest.h"
#include "models/lgest/lges_expert.h"
#include "models/lgest/saliency_prior.h"
#include "models/lgest/spectral_autoencoder.h"

using namespace moezoo;
using models::lgest::LGEST;
using models::lgest::LGESTOptions;

TEST(SaliencyPrior, MapIsADistributionAndUniformOnAConstantPatch) {
  torch::manual_seed(0);
  models::lgest::SaliencyPrior saliency(8);
  const auto tokens = torch::randn({3, 25, 8});
  const auto s = saliency(tokens);
  ASSERT_EQ(s.map.sizes(), (std::vector<int64_t>{3, 25}));
  ASSERT_EQ(s.prior.sizes(), (std::vector<int64_t>{3, 16}));
  EXPECT_TRUE(torch::allclose(s.map.sum(1), torch::ones({3})));
  EXPECT_TRUE((s.map >= 0).all().item<bool>());
  // Random tokens differ in saliency; identical tokens do not.
  EXPECT_GT((s.map.amax(1) - s.map.amin(1)).min().item<double>(), 1e-4);
  const auto constant = saliency(torch::randn({2, 1, 8}).expand({2, 25, 8}).contiguous());
  EXPECT_TRUE(torch::allclose(constant.map, torch::full({2, 25}, 1.0 / 25)));
  // The contrast half of the prior is zero on a constant patch.
  EXPECT_LT(constant.prior.slice(1, 8).abs().max().item<double>(), 1e-6);
}

TEST(SpectralAutoencoder, ReconstructsEveryBandCount) {
  for (int64_t bands : {1, 2, 7, 13, 30, 31}) {
    models::lgest::SpectralAutoencoder ae(models::lgest::SpectralAutoencoderOptions(bands, 6));
    const auto x = torch::randn({2, bands, 5, 5});
    const auto z = ae->encode(x);
    EXPECT_EQ(z.sizes(), (std::vector<int64_t>{2, 6, 5, 5})) << bands;
    EXPECT_EQ(ae->decode(z).sizes(), x.sizes()) << bands;
  }
}

TEST(LGESExpert, MapsRowsToRowsAndKeepsPatchesApart) {
  torch::manual_seed(0);
  models::lgest::LGESExpert expert(models::lgest::LGESExpertOptions(8, 3, 3).heads(2));
  const auto rows = torch::randn({4, 9 * 8});
  const auto out = expert(rows);
  ASSERT_EQ(out.sizes(), rows.sizes());
  // Each row is one patch: changing patch 0 leaves the outputs of the others unchanged.
  auto changed = rows.clone();
  changed[0] += torch::randn({9 * 8});
  const auto out2 = expert(changed);
  EXPECT_TRUE(torch::allclose(out2.slice(0, 1), out.slice(0, 1)));
  EXPECT_FALSE(torch::allclose(out2[0], out[0]));
}

TEST(LGEST, RoutingInvariants) {
  torch::manual_seed(0);
  LGEST model(LGESTOptions(12, 9, 3).experts(4).top_k(2).levels(3));
  ASSERT_EQ(model.level_sizes(), (std::vector<int64_t>{9, 5, 3}));
  model.train();
  const int64_t batch = 16;
  model.forward(torch::randn({batch, 12, 9, 9}));
  const auto layers = model.moe_layers();
  ASSERT_EQ(layers.size(), 3u);
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto& r = layers[l]->last_routing();
    ASSERT_EQ(r.expert_indices.sizes(), (std::vector<int64_t>{batch, 2})) << "level " << l;
    EXPECT_TRUE(r.keep_mask.all().item<bool>());
    EXPECT_TRUE(torch::allclose(r.combine_weights.sum(1), torch::ones({batch})));
    EXPECT_TRUE((r.combine_weights > 0).all().item<bool>());
    EXPECT_EQ(r.tokens_per_expert.sum().item<int64_t>(), batch * 2);
    for (int64_t t = 0; t < batch; ++t) {
      const int64_t a = r.expert_indices[t][0].item<int64_t>(), b = r.expert_indices[t][1].item<int64_t>();
      EXPECT_NE(a, b) << "patch " << t << " sent twice to expert " << a;
      EXPECT_TRUE(a >= 0 && a < 4 && b >= 0 && b < 4);
    }
    // The trainer's statistics saw every patch of the training forward.
    EXPECT_EQ(layers[l]->stats().step_metrics().at("tokens"), static_cast<double>(batch));
  }
  // expert_weights: per level, k non-zero weights summing to one.
  const auto w = model.expert_weights();
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{batch, 12}));
  ASSERT_EQ(model.expert_names().size(), 12u);
  EXPECT_EQ(model.expert_names()[5], "level1/lges1");
  for (int64_t l = 0; l < 3; ++l) {
    const auto level = w.slice(1, 4 * l, 4 * l + 4);
    EXPECT_TRUE(torch::allclose(level.sum(1), torch::ones({batch})));
    EXPECT_TRUE(torch::equal((level > 0).sum(1), torch::full({batch}, 2, torch::kLong)));
  }
}

TEST(LGEST, TrainerFindsEveryMoELayerAndItsExpertBias) {
  torch::manual_seed(0);
  // As the pipeline holds it: in a shared_ptr (named_modules includes the model itself).
  auto model = std::make_shared<LGEST>(LGESTOptions(8, 7, 3).balancer(core::balancer_preset("bias")));
  runtime::RoutingMonitor monitor(*model);
  ASSERT_EQ(monitor.layer_names(), (std::vector<std::string>{"model.level0.moe", "model.level1.moe"}));
  model->train();
  monitor.begin_step();
  model->forward(torch::randn({16, 8, 7, 7}));
  monitor.after_step();  // the auxiliary-loss-free bias update from the step's load
  for (const auto& layer : model->moe_layers()) {
    const auto buffers = layer->router()->named_buffers();
    EXPECT_GT(buffers["expert_bias"].abs().sum().item<double>(), 0.0);
  }
  EXPECT_GT(monitor.step_metrics().count("moe/cv"), 0u);
}

TEST(LGEST, SaliencyPriorSteersTheRouter) {
  // beta = 0 makes the prior router a plain top-k router on the patch row: the saliency
  // module then gets no gradient, while with beta = 1 it does.
  for (const double beta : {0.0, 1.0}) {
    torch::manual_seed(0);
    LGEST model(LGESTOptions(8, 5, 2).levels(1).prior_weight(beta).recon_coef(0.0));
    model.train();
    const auto logits = model.forward(torch::randn({8, 8, 5, 5}));
    (logits.sum() + model.aux_losses().total()).backward();
    const auto& grad = model.blocks()[0]->saliency->score->weight.grad();
    const double norm = grad.defined() ? grad.abs().sum().item<double>() : 0.0;
    if (beta == 0.0) {
      EXPECT_EQ(norm, 0.0);
    } else {
      EXPECT_GT(norm, 0.0);
    }
  }
}

TEST(LGEST, AuxLossTerms) {
  torch::manual_seed(0);
  LGEST model(LGESTOptions(10, 7, 3).recon_coef(0.5).balancer(core::BalancerOptions().switch_coef(1e-2).z_coef(1e-3)));
  const auto x = torch::randn({6, 10, 7, 7});
  model.train();
  model.forward(x);
  auto aux = model.aux_losses();
  ASSERT_EQ(aux.terms.size(), 3u);
  ASSERT_TRUE(aux.terms.count("recon") && aux.terms.count("switch") && aux.terms.count("z"));
  // "recon" is lambda times the DSAE's MSE on the same batch (BatchNorm in training mode
  // uses the batch's statistics, so a second pass gives the same reconstruction).
  const auto mse = torch::mse_loss(model.reconstruct(x), x);
  EXPECT_NEAR(aux.terms.at("recon").item<double>(), 0.5 * mse.item<double>(), 1e-5);
  // Evaluation skips the decoder.
  model.eval();
  model.forward(x);
  EXPECT_EQ(model.aux_losses().terms.count("recon"), 0u);
  EXPECT_EQ(model.aux_losses().terms.count("switch"), 1u);
}

TEST(LGEST, GatesStartAtOneHalf) {
  LGEST model(LGESTOptions(10, 7, 3));
  for (const auto& block : model.blocks()) EXPECT_TRUE(torch::allclose(block->gate(), torch::full({32}, 0.5)));
}

TEST(LGEST, RejectsBadOptions) {
  EXPECT_THROW(LGEST(LGESTOptions(10, 8, 3)), moezoo::Error);                  // even patch
  EXPECT_THROW(LGEST(LGESTOptions(10, 7, 3).top_k(5)), moezoo::Error);         // k > E
  EXPECT_THROW(LGEST(LGESTOptions(10, 7, 3).heads(5)), moezoo::Error);         // 32 % 5
  EXPECT_THROW(LGEST(LGESTOptions(10, 1, 3).levels(2)), moezoo::Error);        // no room for level 1
  EXPECT_THROW(LGEST(LGESTOptions(10, 7, 3).dsae_channels({8})), moezoo::Error);
}

TEST(LGEST, ReconstructionLossDecreases) {
  torch::manual_seed(0);
  LGEST model(LGESTOptions(20, 7, 3));
  model.train();
  // Patches as hyperspectral scenes are: mixtures of a few endmember spectra plus noise.
  const auto endmembers = torch::randn({3, 20});
  const auto abundances = torch::softmax(2.0 * torch::randn({16, 7, 7, 3}), -1);
  const auto x = (torch::matmul(abundances, endmembers) + 0.05 * torch::randn({16, 7, 7, 20})).permute({0, 3, 1, 2});
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(1e-2));
  double first = 0, last = 0;
  for (int step = 0; step < 20; ++step) {
    optimizer.zero_grad();
    model.forward(x);
    const auto recon = model.aux_losses().terms.at("recon");
    if (step == 0) first = recon.item<double>();
    last = recon.item<double>();
    recon.backward();
    optimizer.step();
  }
  EXPECT_LT(last, 0.6 * first) << "first " << first << ", last " << last;
}

TEST(LGEST, OverfitsATinyTwoClassBatch) {
  // Two classes with different centre spectra under noise; the model must reach 100%
  // training accuracy within 60 steps.
  torch::manual_seed(0);
  const int64_t n = 16, bands = 12, patch = 7;
  const auto labels = torch::arange(n) % 2;
  const auto spectra = torch::randn({2, bands});
  auto x = 0.5 * torch::randn({n, bands, patch, patch});
  x = x + spectra.index_select(0, labels).view({n, bands, 1, 1});
  LGEST model(LGESTOptions(bands, patch, 2).dropout(0.0));
  model.train();
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(3e-3));
  int reached = -1;
  for (int step = 0; step < 60 && reached < 0; ++step) {
    optimizer.zero_grad();
    const auto logits = model.forward(x);
    if (logits.argmax(1).eq(labels).all().item<bool>() && step > 0) reached = step;
    (torch::cross_entropy_loss(logits, labels) + model.aux_losses().total()).backward();
    optimizer.step();
  }
  EXPECT_GE(reached, 0) << "no 100% training accuracy within 60 steps";
}
