// The M4Fuse building blocks against plain references written here: the grouped SSM mixer
// (PetaloMixer), the Cross-Scale Bridge's spatial and channel gates, and the loss.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/util/error.h"
#include "models/m4fuse/cross_scale_bridge.h"
#include "models/m4fuse/petalo_mixer.h"
#include "models/m4fuse/segmentation_loss.h"

namespace m4 = moezoo::models::m4fuse;

namespace {

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

/// The code's PetaloMixer.forward, literally: chunk into 4, the same Mamba on each chunk in
/// a loop, scaled skip, concatenation, the same LayerNorm again, Linear.
at::Tensor reference_mixer(m4::PetaloMixerImpl& m, const at::Tensor& x) {
  const int64_t c = x.size(2);
  auto ln = [&](const at::Tensor& t) {
    return torch::layer_norm(t, {c}, m.norm->weight, m.norm->bias, m.norm->options.eps());
  };
  const at::Tensor u = ln(x);
  std::vector<at::Tensor> outs;
  for (const auto& part : torch::chunk(u, 4, 2)) outs.push_back(m.mamba->forward(part) + m.skip_scale * part);
  return torch::linear(ln(torch::cat(outs, 2)), m.proj->weight, m.proj->bias);
}

}  // namespace

TEST(PetaloMixer, MatchesGroupedReferenceInForwardAndInputGradient) {
  torch::manual_seed(1);
  m4::PetaloMixer mixer(m4::PetaloMixerOptions(16, 12));
  {
    torch::NoGradGuard no_grad;
    mixer->skip_scale.fill_(0.7);  // a non-trivial skip scale
    mixer->norm->weight.normal_(1.0, 0.2);
    mixer->norm->bias.normal_(0.0, 0.2);
  }
  const at::Tensor x0 = torch::randn({2, 9, 16});
  const at::Tensor x1 = x0.clone().requires_grad_(true), x2 = x0.clone().requires_grad_(true);
  const at::Tensor y = mixer->forward_tokens(x1);
  const at::Tensor r = reference_mixer(*mixer, x2);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 9, 12}));
  EXPECT_LT(max_abs_diff(y, r), 1e-5);
  const at::Tensor w = torch::randn_like(y);
  (y * w).sum().backward();
  (r * w).sum().backward();
  EXPECT_LT(max_abs_diff(x1.grad(), x2.grad()), 1e-5);
  EXPECT_GT(x1.grad().abs().sum().item<double>(), 0.0);
  // One Mamba of width C/4 is shared: its input width is 4.
  EXPECT_EQ(mixer->mamba->options.dim(), 4);
}

TEST(PetaloMixer, VolumeForwardFlattensDHWRowMajor) {
  torch::manual_seed(2);
  m4::PetaloMixer mixer(m4::PetaloMixerOptions(8, 4));
  const at::Tensor x = torch::randn({2, 8, 2, 3, 2});
  const at::Tensor y = mixer(x);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 4, 2, 3, 2}));
  const at::Tensor ref = mixer->forward_tokens(x.reshape({2, 8, 12}).transpose(1, 2)).transpose(1, 2).reshape({2, 4, 2, 3, 2});
  EXPECT_LT(max_abs_diff(y, ref), 1e-6);
  EXPECT_THROW(m4::PetaloMixer(m4::PetaloMixerOptions(6, 4)), moezoo::Error);
}

namespace {

/// Spatial gate by loops: a = sigmoid(sum_{c, k} w[c, k] [mean; max](v + k - 3)), zero padded.
at::Tensor reference_spatial_gate(const at::Tensor& t, const at::Tensor& weight) {
  const at::Tensor mean = t.mean(1), mx = std::get<0>(t.max(1));  // [B, D, H, W]
  const int64_t b = t.size(0), d = t.size(2), h = t.size(3), w = t.size(4);
  at::Tensor out = torch::zeros({b, 1, d, h, w}, torch::kFloat64);
  const at::Tensor w64 = weight.detach().to(torch::kFloat64), mean64 = mean.detach().to(torch::kFloat64),
                   max64 = mx.detach().to(torch::kFloat64);
  auto wa = w64.accessor<double, 5>();
  auto ma = mean64.accessor<double, 4>();
  auto xa = max64.accessor<double, 4>();
  auto oa = out.accessor<double, 5>();
  for (int64_t n = 0; n < b; ++n)
    for (int64_t z = 0; z < d; ++z)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          double s = 0;
          for (int64_t i = 0; i < 7; ++i)
            for (int64_t j = 0; j < 7; ++j)
              for (int64_t k = 0; k < 7; ++k) {
                const int64_t zz = z + i - 3, yy = y + j - 3, xx = x + k - 3;
                if (zz < 0 || zz >= d || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                s += wa[0][0][i][j][k] * ma[n][zz][yy][xx] + wa[0][1][i][j][k] * xa[n][zz][yy][xx];
              }
          oa[n][0][z][y][x] = 1.0 / (1.0 + std::exp(-s));
        }
  return out.to(torch::kFloat32);
}

/// Channel gate by loops: p = pooled means of all scales, q = 3-tap conv (zero padded),
/// g_s = sigmoid(W_s q + b_s).
std::vector<at::Tensor> reference_channel_gate(const std::vector<at::Tensor>& ts, m4::ChannelGateImpl& gate) {
  const int64_t b = ts[0].size(0);
  std::vector<std::vector<double>> p(static_cast<size_t>(b));
  for (const auto& t : ts) {
    const at::Tensor m = t.to(torch::kFloat64).flatten(2);
    for (int64_t n = 0; n < b; ++n)
      for (int64_t c = 0; c < t.size(1); ++c) {
        double s = 0;
        for (int64_t v = 0; v < m.size(2); ++v) s += m[n][c][v].item<double>();
        p[static_cast<size_t>(n)].push_back(s / static_cast<double>(m.size(2)));
      }
  }
  const at::Tensor k = gate.mix->weight.to(torch::kFloat64).flatten();
  const int64_t total = static_cast<int64_t>(p[0].size());
  std::vector<at::Tensor> gates;
  for (size_t s = 0; s < ts.size(); ++s) {
    auto& lin = *gate.heads[s]->as<torch::nn::Linear>();
    const at::Tensor W = lin.weight.to(torch::kFloat64), bias = lin.bias.to(torch::kFloat64);
    at::Tensor g = torch::zeros({b, W.size(0)}, torch::kFloat64);
    for (int64_t n = 0; n < b; ++n) {
      std::vector<double> q(static_cast<size_t>(total));
      const auto& pn = p[static_cast<size_t>(n)];
      for (int64_t i = 0; i < total; ++i) {
        double s2 = k[1].item<double>() * pn[static_cast<size_t>(i)];
        if (i > 0) s2 += k[0].item<double>() * pn[static_cast<size_t>(i - 1)];
        if (i + 1 < total) s2 += k[2].item<double>() * pn[static_cast<size_t>(i + 1)];
        q[static_cast<size_t>(i)] = s2;
      }
      for (int64_t o = 0; o < W.size(0); ++o) {
        double s2 = bias[o].item<double>();
        for (int64_t i = 0; i < total; ++i) s2 += W[o][i].item<double>() * q[static_cast<size_t>(i)];
        g[n][o] = 1.0 / (1.0 + std::exp(-s2));
      }
    }
    gates.push_back(g.to(torch::kFloat32));
  }
  return gates;
}

}  // namespace

TEST(CrossScaleBridge, SpatialGateMatchesLoopReference) {
  torch::manual_seed(3);
  m4::SpatialGate gate;
  const at::Tensor t = torch::randn({2, 3, 3, 4, 2});
  EXPECT_LT(max_abs_diff(gate(t), reference_spatial_gate(t, gate->conv->weight)), 1e-5);
  EXPECT_FALSE(gate->conv->bias.defined());
}

TEST(CrossScaleBridge, ChannelGateMatchesLoopReference) {
  torch::manual_seed(4);
  m4::ChannelGate gate(std::vector<int64_t>{4, 8});
  const std::vector<at::Tensor> ts{torch::randn({2, 4, 3, 3, 3}), torch::randn({2, 8, 2, 2, 2})};
  const auto g = gate(ts);
  const auto r = reference_channel_gate(ts, *gate);
  ASSERT_EQ(g.size(), 2u);
  for (size_t s = 0; s < 2; ++s) EXPECT_LT(max_abs_diff(g[s], r[s]), 1e-5) << "scale " << s;
}

TEST(CrossScaleBridge, OutputIsGatedPlusChannelGatedPlusSkip) {
  torch::manual_seed(5);
  m4::CrossScaleBridge bridge(std::vector<int64_t>{4, 8});
  const std::vector<at::Tensor> ts{torch::randn({2, 4, 4, 4, 4}), torch::randn({2, 8, 2, 2, 2})};
  const auto out = bridge(ts);
  std::vector<at::Tensor> u;
  for (const auto& t : ts) u.push_back(t * reference_spatial_gate(t, bridge->spatial->conv->weight));
  const auto g = reference_channel_gate(u, *bridge->channel);
  for (size_t s = 0; s < 2; ++s) {
    const at::Tensor expected = u[s] + g[s].view({2, -1, 1, 1, 1}) * u[s] + ts[s];
    ASSERT_EQ(out[s].sizes(), ts[s].sizes());
    EXPECT_LT(max_abs_diff(out[s], expected), 1e-5) << "scale " << s;
  }
  EXPECT_THROW(bridge->forward({ts[0]}), moezoo::Error);
}

TEST(SegmentationLoss, MatchesHandComputedValue) {
  // 2 classes, one 2x2x2 volume.
  const std::vector<double> l0{0.5, -1.0, 2.0, 0.0, 1.5, -0.5, 0.3, 1.0};
  const std::vector<double> l1{-0.5, 1.0, 0.0, 2.0, 0.5, 0.5, -0.7, 3.0};
  const std::vector<int64_t> y{0, 1, 0, 1, 1, 0, 0, 1};
  const double wce[2] = {1.0, 3.0}, wd[2] = {1.0, 2.0}, smooth = 1e-6;
  double ce_num = 0, ce_den = 0, inter[2] = {0, 0}, psum[2] = {0, 0}, tsum[2] = {0, 0};
  for (size_t v = 0; v < 8; ++v) {
    const double z = std::exp(l0[v]) + std::exp(l1[v]);
    const double p[2] = {std::exp(l0[v]) / z, std::exp(l1[v]) / z};
    const auto c = static_cast<size_t>(y[v]);
    ce_num += wce[c] * -std::log(p[c]);
    ce_den += wce[c];
    for (size_t k = 0; k < 2; ++k) {
      psum[k] += p[k];
      tsum[k] += (k == c);
      inter[k] += p[k] * (k == c);
    }
  }
  double dice = 0;
  for (size_t k = 0; k < 2; ++k) dice += wd[k] * (1 - (2 * inter[k] + smooth) / (psum[k] + tsum[k] + smooth));
  dice /= wd[0] + wd[1];
  const double expected = 0.3 * ce_num / ce_den + 0.7 * dice;

  const at::Tensor logits = torch::stack({torch::tensor(l0), torch::tensor(l1)}, 0).to(torch::kFloat32).view({1, 2, 2, 2, 2});
  const at::Tensor target = torch::tensor(y).view({1, 2, 2, 2});
  const auto options = m4::SegmentationLossOptions().class_weights({1.0, 3.0}).dice_class_weights({1.0, 2.0});
  EXPECT_NEAR(m4::m4fuse_loss(logits, target, options).item<double>(), expected, 1e-5);
  EXPECT_NEAR(m4::soft_dice_loss(logits, target, options).item<double>(), dice, 1e-5);

  // Without background: only class 1's Dice.
  const double fg = 1 - (2 * inter[1] + smooth) / (psum[1] + tsum[1] + smooth);
  EXPECT_NEAR(m4::soft_dice_loss(logits, target, m4::SegmentationLossOptions().include_background(false)).item<double>(),
              fg, 1e-5);
}

TEST(SegmentationLoss, PerfectPredictionHasZeroDiceAndBatchIsPooled) {
  torch::manual_seed(6);
  const at::Tensor target = torch::randint(0, 4, {2, 4, 4, 4});
  const at::Tensor logits = 30.0 * torch::one_hot(target, 4).movedim(-1, 1).to(torch::kFloat32);
  EXPECT_LT(m4::soft_dice_loss(logits, target, m4::brats_loss_options()).item<double>(), 1e-6);
  EXPECT_LT(m4::m4fuse_loss(logits, target, m4::brats_loss_options()).item<double>(), 1e-6);
  // A wrong prediction costs more, and the loss is differentiable.
  const at::Tensor noisy = torch::randn({2, 4, 4, 4, 4}).requires_grad_(true);
  const at::Tensor loss = m4::m4fuse_loss(noisy, target, m4::brats_loss_options());
  EXPECT_GT(loss.item<double>(), 0.1);
  loss.backward();
  EXPECT_TRUE(noisy.grad().defined());
  // Batch pooling: the loss of a batch is not the mean of per-sample Dice losses in general,
  // but equals the loss of the two samples laid side by side in one volume.
  const at::Tensor side = torch::cat({noisy[0], noisy[1]}, 1).unsqueeze(0);
  const at::Tensor side_t = torch::cat({target[0], target[1]}, 0).unsqueeze(0);
  EXPECT_NEAR(m4::soft_dice_loss(noisy, target).item<double>(), m4::soft_dice_loss(side, side_t).item<double>(), 1e-5);
}

TEST(SegmentationLoss, RejectsMismatchedInput) {
  const at::Tensor logits = torch::randn({1, 2, 2, 2, 2});
  EXPECT_THROW(m4::m4fuse_loss(logits, torch::zeros({1, 2, 2, 3}, torch::kLong)), moezoo::Error);
  EXPECT_THROW(m4::m4fuse_loss(logits, torch::zeros({1, 2, 2, 2}, torch::kFloat32)), moezoo::Error);
  EXPECT_THROW(m4::m4fuse_loss(logits, torch::zeros({1, 2, 2, 2}, torch::kLong),
                               m4::SegmentationLossOptions().class_weights({1.0, 2.0, 3.0})),
               moezoo::Error);
}
