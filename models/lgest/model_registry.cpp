#include "models/lgest/model_registry.h"

#include <sstream>

#include "core/balancing/balancer_presets.h"
#include "models/lgest/hybridsn.h"
#include "models/lgest/lgest.h"
#include "models/lgest/ssftt.h"

namespace moezoo::models::lgest {

namespace {

std::shared_ptr<PatchClassifier> make_lgest(const runtime::Config& c, int64_t bands, int64_t patch, int64_t classes) {
  const LGESTOptions d(bands, patch, classes);
  LGESTOptions o(bands, patch, classes);
  o.latent_dim(c.get<int64_t>("latent_dim", d.latent_dim()))
      .dsae_channels(c.get<std::vector<int64_t>>("dsae_channels", d.dsae_channels()))
      .dim(c.get<int64_t>("dim", d.dim()))
      .levels(c.get<int64_t>("levels", d.levels()))
      .heads(c.get<int64_t>("heads", d.heads()))
      .mlp_ratio(c.get<double>("mlp_ratio", d.mlp_ratio()))
      .experts(c.get<int64_t>("experts", d.experts()))
      .top_k(c.get<int64_t>("top_k", d.top_k()))
      .expert_heads(c.get<int64_t>("expert_heads", d.expert_heads()))
      .expert_mlp_ratio(c.get<double>("expert_mlp_ratio", d.expert_mlp_ratio()))
      .prior_weight(c.get<double>("prior_weight", d.prior_weight()))
      .balancer(core::balancer_preset(c.get<std::string>("balancer", "switch"), "model.balancer"))
      .recon_coef(c.get<double>("recon_coef", d.recon_coef()))
      .dropout(c.get<double>("dropout", d.dropout()))
      .block_dropout(c.get<double>("block_dropout", d.block_dropout()));
  return std::make_shared<LGEST>(o);
}

std::shared_ptr<PatchClassifier> make_hybridsn(const runtime::Config& c, int64_t bands, int64_t patch,
                                               int64_t classes) {
  const HybridSNOptions d(bands, patch, classes);
  return std::make_shared<HybridSN>(HybridSNOptions(bands, patch, classes)
                                        .dropout(c.get<double>("dropout", d.dropout()))
                                        .same_padding(c.get<bool>("same_padding", d.same_padding())));
}

std::shared_ptr<PatchClassifier> make_ssftt(const runtime::Config& c, int64_t bands, int64_t patch, int64_t classes) {
  const SSFTTOptions d(bands, patch, classes);
  return std::make_shared<SSFTT>(SSFTTOptions(bands, patch, classes)
                                     .conv3d_channels(c.get<int64_t>("conv3d_channels", d.conv3d_channels()))
                                     .conv2d_channels(c.get<int64_t>("conv2d_channels", d.conv2d_channels()))
                                     .num_tokens(c.get<int64_t>("num_tokens", d.num_tokens()))
                                     .dim(c.get<int64_t>("dim", d.dim()))
                                     .depth(c.get<int64_t>("depth", d.depth()))
                                     .heads(c.get<int64_t>("heads", d.heads()))
                                     .mlp_dim(c.get<int64_t>("mlp_dim", d.mlp_dim()))
                                     .dropout(c.get<double>("dropout", d.dropout()))
                                     .emb_dropout(c.get<double>("emb_dropout", d.emb_dropout())));
}

}  // namespace

const runtime::Registry<PatchClassifierFactory>& hsi_models() {
  static const runtime::Registry<PatchClassifierFactory> registry(
      "model",
      {
          {"lgest", "LGEST: DSAE + CIEM-FPN with saliency-routed local-global expert pairs (Wen et al. 2026)",
           make_lgest},
          {"hybridsn", "HybridSN 3D-2D CNN, Roy et al. 2020 (baseline)", make_hybridsn},
          {"ssftt", "SSFTT spectral-spatial tokenization transformer, Sun et al. 2022 (baseline)", make_ssftt},
      });
  return registry;
}

std::string describe_hsi_models(int64_t in_bands, int64_t patch, int64_t classes) {
  std::ostringstream out;
  out << "| model | parameters (C=" << in_bands << ", P=" << patch << ", classes=" << classes << ") |\n|---|---:|\n";
  for (const auto& entry : hsi_models().entries()) {
    out << "| " << entry.name << " | ";
    try {
      const auto config = runtime::Config::from_string("{}");
      out << count_parameters(*entry.factory(config, in_bands, patch, classes));
    } catch (const std::exception& e) {
      out << "n/a: " << e.what();
    }
    out << " |\n";
  }
  return out.str();
}

}  // namespace moezoo::models::lgest
