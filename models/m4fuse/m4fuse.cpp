#include "models/m4fuse/m4fuse.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::m4fuse {

namespace {

namespace F = torch::nn::functional;

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

torch::nn::Conv3d conv3(int64_t in, int64_t out) {
  return torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, 3).padding(1));
}

torch::nn::GroupNorm group_norm(int64_t c) { return torch::nn::GroupNorm(torch::nn::GroupNormOptions(4, c)); }

/// The code's _init_weights, applied to every module (Mamba's Linears included).
void init_weights(torch::nn::Module& root) {
  torch::NoGradGuard no_grad;
  for (const auto& m : root.modules(/*include_self=*/false)) {
    if (auto* linear = m->as<torch::nn::Linear>()) {
      torch::nn::init::normal_(linear->weight, 0.0, 0.02);
      if (linear->bias.defined()) linear->bias.zero_();
    } else if (auto* conv = m->as<torch::nn::Conv3d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    }
  }
}

at::Tensor upsample(const at::Tensor& x, const at::Tensor& like) {
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .size(std::vector<int64_t>(like.sizes().begin() + 2, like.sizes().end()))
                               .mode(torch::kTrilinear)
                               .align_corners(true));
}

at::Tensor pool(const at::Tensor& x) { return F::max_pool3d(x, F::MaxPool3dFuncOptions(2)); }

}  // namespace

std::vector<std::string> m4fuse_variants() { return {"tiny", "small", "base", "large"}; }

std::vector<int64_t> m4fuse_variant_channels(const std::string& name) {
  if (name == "tiny") return {16, 32, 48, 64, 96, 128};
  if (name == "small") return {24, 48, 72, 96, 144, 192};
  if (name == "base") return {32, 64, 96, 128, 192, 256};
  if (name == "large") return {48, 96, 144, 192, 288, 384};
  throw Error("model.variant: unknown M4Fuse variant \"" + name + "\", expected one of " + joined(m4fuse_variants()));
}

M4FuseOptions m4fuse_variant(const std::string& name) {
  m4fuse_variant_channels(name);  // validates the name
  return M4FuseOptions().variant(name);
}

M4FuseImpl::M4FuseImpl(M4FuseOptions options_) : options(std::move(options_)) { reset(); }

void M4FuseImpl::reset() {
  const auto& o = options;
  channels_ = o.channels().empty() ? m4fuse_variant_channels(o.variant()) : o.channels();
  check_input(channels_.size() == 6, "model.channels",
              "needs 6 widths c0..c5, got " + std::to_string(channels_.size()));
  for (int64_t c : channels_)
    check_input(c >= 4 && c % 4 == 0, "model.channels",
                "every width must be a positive multiple of 4 (GroupNorm(4) and the 4 mixer groups), got " +
                    std::to_string(c));
  check_input(o.in_channels() >= 1, "model.in_channels", "must be >= 1");
  check_input(o.num_classes() >= 2, "model.num_classes", "must be >= 2");
  check_input(o.num_experts() >= 1, "model.num_experts", "must be >= 1");
  check_input(o.routing() == "site" || o.routing() == "gate", "model.routing",
              "must be \"site\" or \"gate\", got \"" + o.routing() + "\"");
  check_input(o.dropout() >= 0.0 && o.dropout() < 1.0, "model.dropout", "must be in [0, 1)");
  const auto& c = channels_;

  auto peu = [&](int64_t in, int64_t out) {
    return PetalExpertUnit(PetalExpertUnitOptions(in, out, o.num_experts())
                               .routing(o.routing())
                               .balancer(o.balancer())
                               .dropout(o.dropout())
                               .d_state(o.d_state())
                               .d_conv(o.d_conv())
                               .expand(o.expand()));
  };
  auto pom = [&](int64_t in, int64_t out) {
    return PetaloMixer(PetaloMixerOptions(in, out).d_state(o.d_state()).d_conv(o.d_conv()).expand(o.expand()));
  };
  enc1 = register_module("enc1", conv3(o.in_channels(), c[0]));
  enc2 = register_module("enc2", conv3(c[0], c[1]));
  enc3 = register_module("enc3", conv3(c[1], c[2]));
  ex4 = register_module("ex4", peu(c[2], c[3]));
  ex5 = register_module("ex5", peu(c[3], c[4]));
  ex6 = register_module("ex6", peu(c[4], c[5]));
  fbb = o.bridge() ? register_module("fbb", CrossScaleBridge(std::vector<int64_t>(c.begin(), c.end() - 1)))
                   : CrossScaleBridge(nullptr);
  dec1 = register_module("dec1", pom(c[5], c[4]));
  dec2 = register_module("dec2", pom(c[4], c[3]));
  dec3 = register_module("dec3", pom(c[3], c[2]));
  dec4 = register_module("dec4", conv3(c[2], c[1]));
  dec5 = register_module("dec5", conv3(c[1], c[0]));
  ebn1 = register_module("ebn1", group_norm(c[0]));
  ebn2 = register_module("ebn2", group_norm(c[1]));
  ebn3 = register_module("ebn3", group_norm(c[2]));
  ebn4 = register_module("ebn4", group_norm(c[3]));
  ebn5 = register_module("ebn5", group_norm(c[4]));
  dbn1 = register_module("dbn1", group_norm(c[4]));
  dbn2 = register_module("dbn2", group_norm(c[3]));
  dbn3 = register_module("dbn3", group_norm(c[2]));
  dbn4 = register_module("dbn4", group_norm(c[1]));
  dbn5 = register_module("dbn5", group_norm(c[0]));
  dropout = register_module("dropout", torch::nn::Dropout3d(o.dropout()));
  final = register_module("final", torch::nn::Conv3d(torch::nn::Conv3dOptions(c[0], o.num_classes(), 1)));
  init_weights(*this);
}

void M4FuseImpl::check_image(const at::Tensor& image, const at::Tensor& site) const {
  const std::string where = "M4Fuse.forward";
  const int64_t f = downsampling();
  const std::string expected = "[B, " + std::to_string(options.in_channels()) + ", D, H, W] floating point";
  check_input(image.defined(), where, "image must be " + expected + ", got an undefined tensor");
  check_input(image.dim() == 5 && image.size(0) >= 1 && at::isFloatingType(image.scalar_type()), where,
              "image must be " + expected + ", got " + c10::str(image.sizes()) + " " + c10::toString(image.scalar_type()));
  check_input(image.size(1) == options.in_channels(), where,
              "image must have " + std::to_string(options.in_channels()) + " channels, got " +
                  std::to_string(image.size(1)) + " (shape " + c10::str(image.sizes()) + ")");
  for (int64_t d = 2; d < 5; ++d)
    check_input(image.size(d) >= f && image.size(d) % f == 0, where,
                "D, H, W must be positive multiples of the downsampling factor " + std::to_string(f) + ", got " +
                    c10::str(image.sizes()));
  if (site.defined() && options.routing() == "site") {
    check_input(site.dim() == 1 && site.size(0) == image.size(0) && !at::isFloatingType(site.scalar_type()) &&
                    site.scalar_type() != torch::kBool,
                where, "site must be [" + std::to_string(image.size(0)) + "] integer ids, got " + c10::str(site.sizes()));
    const int64_t lo = site.min().item<int64_t>(), hi = site.max().item<int64_t>();
    check_input(lo >= 0 && hi < options.num_experts(), where,
                "site ids must be in [0, " + std::to_string(options.num_experts()) + "), got values in [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
}

at::Tensor M4FuseImpl::forward(const at::Tensor& image, const at::Tensor& site_in) {
  check_image(image, site_in);
  const at::Tensor site = (site_in.defined() && options.routing() == "site") ? site_in.to(torch::kLong) : at::Tensor();
  core::AuxLosses aux;
  core::AuxLosses* aux_ptr = is_training() ? &aux : nullptr;

  // Encoder.
  at::Tensor out = torch::gelu(ebn1(enc1(image)));
  at::Tensor t1 = out;
  out = torch::gelu(ebn2(enc2(pool(out))));
  at::Tensor t2 = out;
  out = torch::gelu(ebn3(enc3(pool(out))));
  at::Tensor t3 = out;
  out = pool(dropout(out));
  out = torch::gelu(ebn4(ex4->forward(out, site, aux_ptr)));
  at::Tensor t4 = out;
  out = torch::gelu(ebn5(ex5->forward(pool(out), site, aux_ptr)));
  at::Tensor t5 = out;
  if (fbb) {
    const auto skips = fbb->forward({t1, t2, t3, t4, t5});
    t1 = skips[0], t2 = skips[1], t3 = skips[2], t4 = skips[3], t5 = skips[4];
  }
  out = torch::gelu(ex6->forward(out, site, aux_ptr));  // the pre-bridge stage-5 output

  // Decoder.
  out = torch::gelu(dbn1(dec1(out))) + t5;
  out = torch::gelu(dbn2(dec2(upsample(out, t4)))) + t4;
  out = torch::gelu(dbn3(dec3(upsample(out, t3)))) + t3;
  out = dropout(out);
  out = torch::gelu(dbn4(dec4(upsample(out, t2)))) + t2;
  out = torch::gelu(dbn5(dec5(upsample(out, t1)))) + t1;
  aux_ = std::move(aux);
  return final(out);
}

at::Tensor M4FuseImpl::expert_weights() const {
  std::vector<at::Tensor> per_unit;
  for (const auto& unit : expert_units()) {
    const at::Tensor w = unit->expert_weights();
    if (!w.defined()) return {};
    per_unit.push_back(w);
  }
  return torch::stack(per_unit, 0).mean(0);
}

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace moezoo::models::m4fuse
