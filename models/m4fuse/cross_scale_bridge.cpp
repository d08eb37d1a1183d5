#include "models/m4fuse/cross_scale_bridge.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::m4fuse {

void SpatialGateImpl::reset() {
  conv = register_module("conv", torch::nn::Conv3d(torch::nn::Conv3dOptions(2, 1, 7).padding(3).bias(false)));
}

at::Tensor SpatialGateImpl::forward(const at::Tensor& t) {
  check_input(t.dim() == 5, "SpatialGate.forward", "t must be [B, C, D, H, W], got " + c10::str(t.sizes()));
  const at::Tensor pooled = torch::cat({t.mean(1, true), std::get<0>(t.max(1, true))}, 1);  // [B, 2, D, H, W]
  return torch::sigmoid(conv(pooled));
}

ChannelGateImpl::ChannelGateImpl(ChannelGateOptions options_) : options(std::move(options_)) { reset(); }

void ChannelGateImpl::reset() {
  check_input(!options.channels().empty(), "ChannelGate", "needs at least one scale");
  int64_t total = 0;
  for (int64_t c : options.channels()) {
    check_input(c >= 1, "ChannelGate", "every scale needs >= 1 channel");
    total += c;
  }
  mix = register_module("mix", torch::nn::Conv1d(torch::nn::Conv1dOptions(1, 1, 3).padding(1).bias(false)));
  heads = register_module("heads", torch::nn::ModuleList());
  for (int64_t c : options.channels()) heads->push_back(torch::nn::Linear(total, c));
}

std::vector<at::Tensor> ChannelGateImpl::forward(const std::vector<at::Tensor>& ts) {
  const auto& channels = options.channels();
  check_input(ts.size() == channels.size(), "ChannelGate.forward",
              "expected " + std::to_string(channels.size()) + " scales, got " + std::to_string(ts.size()));
  std::vector<at::Tensor> pooled;
  for (size_t s = 0; s < ts.size(); ++s) {
    check_input(ts[s].dim() >= 3 && ts[s].size(1) == channels[s], "ChannelGate.forward",
                "scale " + std::to_string(s) + " must be [B, " + std::to_string(channels[s]) + ", ...], got " +
                    c10::str(ts[s].sizes()));
    pooled.push_back(ts[s].flatten(2).mean(2));  // [B, C_s]
  }
  const at::Tensor q = mix(torch::cat(pooled, 1).unsqueeze(1)).squeeze(1);  // [B, sum C]
  std::vector<at::Tensor> gates;
  for (size_t s = 0; s < ts.size(); ++s) gates.push_back(torch::sigmoid(heads[s]->as<torch::nn::Linear>()->forward(q)));
  return gates;
}

CrossScaleBridgeImpl::CrossScaleBridgeImpl(std::vector<int64_t> channels_) : channels(std::move(channels_)) { reset(); }

void CrossScaleBridgeImpl::reset() {
  spatial = register_module("spatial", SpatialGate());
  channel = register_module("channel", ChannelGate(channels));
}

std::vector<at::Tensor> CrossScaleBridgeImpl::forward(const std::vector<at::Tensor>& ts) {
  std::vector<at::Tensor> gated;
  for (const auto& t : ts) gated.push_back(t * spatial(t));
  const std::vector<at::Tensor> g = channel(gated);
  std::vector<at::Tensor> outs;
  for (size_t s = 0; s < ts.size(); ++s) {
    const at::Tensor gs = g[s].view({g[s].size(0), g[s].size(1), 1, 1, 1});
    outs.push_back(gated[s] + gs * gated[s] + ts[s]);
  }
  return outs;
}

}  // namespace moezoo::models::m4fuse
