// GeoMoE's building blocks against plain formulas: kappa-GCN at kappa = 0 is GCN, GAT
// equals a dense-matrix attention written from the paper's equations, the curvature
// statistics and losses equal hand-computed values.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/geomoe/curvature_features.h"
#include "models/geomoe/curvature_losses.h"
#include "models/geomoe/gat.h"
#include "models/geomoe/graph_adjacency.h"
#include "models/geomoe/kappa_gcn.h"

namespace {

using namespace moezoo::models::geomoe;

/// A 6-node graph: a triangle 0-1-2, a tail 2-3-4, node 5 isolated.
at::Tensor small_edges() {
  const at::Tensor u = torch::tensor({0, 1, 0, 2, 1, 2, 2, 3, 3, 4});
  const at::Tensor v = torch::tensor({1, 0, 2, 0, 2, 1, 3, 2, 4, 3});
  return torch::stack({u, v});
}

TEST(KappaGCN, KappaZeroIsGCN) {
  torch::manual_seed(1);
  KappaGCN net(KappaGCNOptions(5, 3).hidden(4).layers(2).dropout(0.0).kappa(0.0));
  const at::Tensor x = torch::randn({6, 5});
  const at::Tensor adj = normalized_adjacency(small_edges(), 6);
  {
    torch::NoGradGuard no_grad;
    for (auto& b : net->biases) b.normal_();
  }
  const at::Tensor a = adj.to_dense();
  const at::Tensor h = torch::relu(a.mm(x.mm(net->weights[0].t()) + net->biases[0]));
  const at::Tensor expected = a.mm(h.mm(net->weights[1].t()) + net->biases[1]);
  EXPECT_TRUE(torch::allclose(net->forward(x, adj), expected, 1e-5, 1e-6));

  // And the same gradients.
  const at::Tensor g = torch::randn({6, 3});
  const auto grads = torch::autograd::grad({(net->forward(x, adj) * g).sum()}, {net->weights[0], net->biases[0]});
  const auto expected_grads = torch::autograd::grad({(expected * g).sum()}, {net->weights[0], net->biases[0]});
  for (size_t i = 0; i < grads.size(); ++i)
    EXPECT_TRUE(torch::allclose(grads[i], expected_grads[i], 1e-5, 1e-6)) << i << "\n" << grads[i] << expected_grads[i];
}

TEST(PprPropagate, OneStepIsGcnAndManyStepsReachTheClosedForm) {
  torch::manual_seed(4);
  const at::Tensor adj = normalized_adjacency(small_edges(), 6).to(torch::kFloat64);
  const at::Tensor a = adj.to_dense();
  const at::Tensor h = torch::randn({6, 3}, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(ppr_propagate(adj, h, 1, 0.0), a.mm(h)));
  // Two steps by hand: z1 = 0.9 A h + 0.1 h, z2 = 0.9 A z1 + 0.1 h.
  const at::Tensor z1 = 0.9 * a.mm(h) + 0.1 * h;
  EXPECT_TRUE(torch::allclose(ppr_propagate(adj, h, 2, 0.1), 0.9 * a.mm(z1) + 0.1 * h));
  // The fixed point of z = (1 - alpha) A z + alpha h is alpha (I - (1 - alpha) A)^{-1} h;
  // the error shrinks by (1 - alpha)^steps since the spectral radius of A is at most 1.
  const double alpha = 0.2;
  const at::Tensor exact = alpha * torch::linalg_solve(torch::eye(6, torch::kFloat64) - (1 - alpha) * a, h);
  EXPECT_TRUE(torch::allclose(ppr_propagate(adj, h, 120, alpha), exact, 1e-9, 1e-10));
}

TEST(KappaGCN, PropagationStepsAtKappaZeroAreAppnp) {
  torch::manual_seed(5);
  KappaGCN net(KappaGCNOptions(5, 3).hidden(4).layers(2).dropout(0.0).kappa(0.0).propagation_steps(10).teleport(0.1));
  const at::Tensor x = torch::randn({6, 5});
  const at::Tensor adj = normalized_adjacency(small_edges(), 6);
  const at::Tensor a = adj.to_dense();
  const at::Tensor h = torch::relu(a.mm(x.mm(net->weights[0].t()) + net->biases[0]));
  const at::Tensor h0 = h.mm(net->weights[1].t()) + net->biases[1];
  at::Tensor z = h0;
  for (int s = 0; s < 10; ++s) z = 0.9 * a.mm(z) + 0.1 * h0;
  EXPECT_TRUE(torch::allclose(net->forward(x, adj), z, 1e-5, 1e-6));
}

// propagate_hidden = false: an MLP, then the last layer's PPR (APPNP exactly).
TEST(KappaGCN, UnpropagatedHiddenLayersAtKappaZeroArePredictThenPropagate) {
  torch::manual_seed(7);
  KappaGCN net(KappaGCNOptions(5, 3).hidden(4).layers(2).dropout(0.0).kappa(0.0).propagation_steps(10).teleport(0.1)
                   .propagate_hidden(false));
  const at::Tensor x = torch::randn({6, 5});
  const at::Tensor adj = normalized_adjacency(small_edges(), 6);
  const at::Tensor a = adj.to_dense();
  const at::Tensor h = torch::relu(x.mm(net->weights[0].t()) + net->biases[0]);
  const at::Tensor h0 = h.mm(net->weights[1].t()) + net->biases[1];
  at::Tensor z = h0;
  for (int s = 0; s < 10; ++s) z = 0.9 * a.mm(z) + 0.1 * h0;
  EXPECT_TRUE(torch::allclose(net->forward(x, adj), z, 1e-5, 1e-6));
}

TEST(KappaGCN, EgoSkipAtKappaZeroAddsTheNodesOwnFeatures) {
  torch::manual_seed(6);
  KappaGCN net(KappaGCNOptions(5, 3).hidden(4).layers(2).dropout(0.0).kappa(0.0).ego_skip(true));
  ASSERT_EQ(net->ego_weights.size(), 2u);
  const at::Tensor x = torch::randn({6, 5});
  const at::Tensor adj = normalized_adjacency(small_edges(), 6);
  const at::Tensor a = adj.to_dense();
  const at::Tensor h =
      torch::relu(a.mm(x.mm(net->weights[0].t()) + net->biases[0]) + x.mm(net->ego_weights[0].t()));
  const at::Tensor expected = a.mm(h.mm(net->weights[1].t()) + net->biases[1]) + h.mm(net->ego_weights[1].t());
  EXPECT_TRUE(torch::allclose(net->forward(x, adj), expected, 1e-5, 1e-6));
}

TEST(KappaGCN, HyperbolicAndSphericalOutputsAreFiniteWithGradients) {
  for (double kappa : {-1.0, 1.0}) {
    torch::manual_seed(2);
    KappaGCN net(KappaGCNOptions(5, 3).hidden(4).kappa(kappa).learn_kappa(true).dropout(0.0));
    const at::Tensor x = 3 * torch::randn({6, 5});  // large enough to reach the ball's edge
    const at::Tensor out = net->forward(x, normalized_adjacency(small_edges(), 6));
    ASSERT_TRUE(torch::isfinite(out).all().item<bool>()) << kappa;
    out.pow(2).sum().backward();
    EXPECT_TRUE(torch::isfinite(net->kappa().grad()).item<bool>()) << kappa;
    EXPECT_NE(net->kappa().grad().item<double>(), 0.0) << kappa;
  }
}

TEST(GAT, MatchesDenseAttention) {
  torch::manual_seed(3);
  GATConv conv(5, 4, 2, /*attention_dropout=*/0.0, 0.2);
  const at::Tensor x = torch::randn({6, 5}, torch::kFloat64);
  conv->to(torch::kFloat64);
  const at::Tensor edges = small_edges();
  const at::Tensor out = conv->forward(x, edges);  // [6, 2, 4]

  // Dense reference: mask of edges plus self loops, e_ij for target i and source j.
  at::Tensor mask = torch::eye(6, torch::kBool);
  for (int64_t e = 0; e < edges.size(1); ++e) mask[edges[1][e].item<int64_t>()][edges[0][e].item<int64_t>()] = true;
  const at::Tensor wh = x.matmul(conv->weight).view({6, 2, 4});
  for (int64_t head = 0; head < 2; ++head) {
    const at::Tensor w = wh.select(1, head);  // [6, 4]
    const at::Tensor s = w.matmul(conv->att_source[head]), t = w.matmul(conv->att_target[head]);
    const at::Tensor e = torch::leaky_relu(t.unsqueeze(1) + s.unsqueeze(0), 0.2);  // [target, source]
    const at::Tensor alpha = torch::softmax(e.masked_fill(~mask, -INFINITY), 1);
    const at::Tensor expected = alpha.matmul(w) + conv->bias.view({2, 4})[head];
    EXPECT_TRUE(torch::allclose(out.select(1, head), expected, 1e-12, 1e-12)) << "head " << head;
  }
}

TEST(CurvatureFeatures, MeanMinMaxStdPerNode) {
  const at::Tensor edges = small_edges();
  // Curvature per undirected edge {0,1}=0.5 {0,2}=0.3 {1,2}=0.1 {2,3}=-0.2 {3,4}=-0.6, both directions.
  const at::Tensor c = torch::tensor({0.5, 0.5, 0.3, 0.3, 0.1, 0.1, -0.2, -0.2, -0.6, -0.6});
  const at::Tensor f = node_curvature_features(edges, c, 6);
  const at::Tensor expected_mean = torch::tensor({0.4, 0.3, (0.3 + 0.1 - 0.2) / 3, -0.4, -0.6, 0.0});
  EXPECT_TRUE(torch::allclose(f.select(1, 0), expected_mean, 1e-6, 1e-7));
  EXPECT_TRUE(torch::allclose(f.select(1, 1), torch::tensor({0.3, 0.1, -0.2, -0.6, -0.6, 0.0}), 1e-6, 1e-7));
  EXPECT_TRUE(torch::allclose(f.select(1, 2), torch::tensor({0.5, 0.5, 0.3, -0.2, -0.6, 0.0}), 1e-6, 1e-7));
  EXPECT_NEAR(f[3][3].item<double>(), 0.2, 1e-6);  // std of {-0.2, -0.6}
  EXPECT_NEAR(f[4][3].item<double>(), 0.0, 1e-7);
  EXPECT_EQ(f[5].abs().sum().item<double>(), 0.0);  // isolated
}

TEST(CurvatureLosses, AlignmentIsKlToTheCurvatureTarget) {
  const at::Tensor kappas = torch::tensor({-1.0, 0.0, 1.0}, torch::kFloat64);
  const at::Tensor c = torch::tensor({-0.8, 0.6}, torch::kFloat64);
  const at::Tensor p = torch::tensor({{0.5, 0.3, 0.2}, {0.1, 0.1, 0.8}}, torch::kFloat64);
  double expected = 0;
  for (int v = 0; v < 2; ++v) {
    double z = 0, q[3];
    for (int e = 0; e < 3; ++e) z += q[e] = std::exp(-std::pow(kappas[e].item<double>() - 2.0 * c[v].item<double>(), 2) / 0.5);
    for (int e = 0; e < 3; ++e) expected += q[e] / z * std::log(q[e] / z / p[v][e].item<double>()) / 2;
  }
  EXPECT_NEAR(curvature_alignment_loss(p, c, kappas, 2.0, 0.5).item<double>(), expected, 1e-12);
  // Zero when the gate equals the target.
  const at::Tensor target = torch::softmax(-(kappas.unsqueeze(0) - c.unsqueeze(1)).pow(2) / 0.5, 1);
  EXPECT_NEAR(curvature_alignment_loss(target, c, kappas, 1.0, 0.5).item<double>(), 0.0, 1e-12);
}

TEST(CurvatureLosses, ConsistentEdgesAndInfoNce) {
  const at::Tensor edges = small_edges();
  const at::Tensor c = torch::tensor({0.40, 0.35, 0.1, -0.4, -0.5, 0.0});
  const at::Tensor kept = curvature_consistent_edges(edges, c, 0.1);  // {0,1} and {3,4}, both directions
  EXPECT_TRUE(torch::equal(kept, torch::tensor({0, 1, 3, 4, 1, 0, 4, 3}).view({2, 4})));

  const at::Tensor z = torch::tensor({{1.0, 0.0}, {0.0, 2.0}, {3.0, 4.0}}, torch::kFloat64);
  const at::Tensor pairs = torch::tensor({0, 1, 2, 0}).view({2, 2});  // (0,2), (1,0)
  // Unit vectors: z0=(1,0), z1=(0,1), z2=(0.6,0.8); logits[i][j] = z_ai . z_pj / t
  const double t = 0.5;
  const double l00 = 0.6 / t, l01 = 1.0 / t, l10 = 0.8 / t, l11 = 0.0 / t;
  const double expected = (-(l00 - std::log(std::exp(l00) + std::exp(l01))) - (l11 - std::log(std::exp(l10) + std::exp(l11)))) / 2;
  EXPECT_NEAR(curvature_contrastive_loss(z, pairs, t).item<double>(), expected, 1e-12);
}

}  // namespace
