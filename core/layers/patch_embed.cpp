#include "core/layers/patch_embed.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {
namespace {

// The grid of `spatial` cut into `patch`, or an error naming `where` when it does not divide.
std::vector<int64_t> patch_grid(at::IntArrayRef spatial, at::IntArrayRef patch, const std::string& where) {
  check_input(spatial.size() == patch.size(), where,
              "expected " + std::to_string(patch.size()) + " spatial dimensions, got " + c10::str(spatial));
  std::vector<int64_t> grid;
  for (size_t i = 0; i < patch.size(); ++i) {
    check_input(patch[i] > 0, where, "patch sizes must be positive, got " + c10::str(patch));
    check_input(spatial[i] > 0 && spatial[i] % patch[i] == 0, where,
                "spatial size " + c10::str(spatial) + " is not divisible by patch " + c10::str(patch));
    grid.push_back(spatial[i] / patch[i]);
  }
  return grid;
}

int64_t product(at::IntArrayRef v) {
  int64_t p = 1;
  for (int64_t e : v) p *= e;
  return p;
}

void check_embed_options(int64_t in_channels, int64_t dim, at::IntArrayRef patch, const std::string& where) {
  check_input(in_channels > 0, where, "in_channels must be positive");
  check_input(dim > 0, where, "dim must be positive");
  for (int64_t p : patch) check_input(p > 0, where, "patch sizes must be positive, got " + c10::str(patch));
}

// conv output [B, D, *grid] -> tokens [B, N, D], checking the input first.
at::Tensor embed(const at::Tensor& x, int64_t channels, at::IntArrayRef patch, const std::string& where,
                 const std::function<at::Tensor(const at::Tensor&)>& conv) {
  const auto k = static_cast<int64_t>(patch.size());
  check_input(x.dim() == k + 2 && x.size(1) == channels, where,
              "x must be [B, " + std::to_string(channels) + ", " + std::to_string(k) + " spatial dims], got " +
                  c10::str(x.sizes()));
  patch_grid(x.sizes().slice(2), patch, where);
  return grid_to_tokens(conv(x));
}

}  // namespace

at::Tensor patchify(const at::Tensor& x, at::IntArrayRef patch) {
  const auto k = static_cast<int64_t>(patch.size());
  check_input(k >= 1 && x.dim() == k + 2, "patchify",
              "x must be [B, C, " + std::to_string(k) + " spatial dims], got " + c10::str(x.sizes()));
  const auto grid = patch_grid(x.sizes().slice(2), patch, "patchify");
  // [B, C, g_1, p_1, ..., g_k, p_k] -> [B, g_1..g_k, C, p_1..p_k]
  std::vector<int64_t> split = {x.size(0), x.size(1)};
  std::vector<int64_t> order = {0};
  for (int64_t i = 0; i < k; ++i) {
    split.push_back(grid[i]);
    split.push_back(patch[i]);
    order.push_back(2 + 2 * i);
  }
  order.push_back(1);
  for (int64_t i = 0; i < k; ++i) order.push_back(3 + 2 * i);
  return x.reshape(split).permute(order).reshape({x.size(0), product(grid), x.size(1) * product(patch)});
}

at::Tensor unpatchify(const at::Tensor& tokens, at::IntArrayRef grid, at::IntArrayRef patch) {
  const auto k = static_cast<int64_t>(patch.size());
  const int64_t per_channel = product(patch);
  check_input(k >= 1 && grid.size() == patch.size(), "unpatchify", "grid and patch need the same length");
  check_input(tokens.dim() == 3 && tokens.size(1) == product(grid) && tokens.size(2) % per_channel == 0,
              "unpatchify",
              "tokens must be [B, " + std::to_string(product(grid)) + ", C * " + std::to_string(per_channel) +
                  "], got " + c10::str(tokens.sizes()));
  const int64_t b = tokens.size(0), c = tokens.size(2) / per_channel;
  // [B, g_1..g_k, C, p_1..p_k] -> [B, C, g_1, p_1, ..., g_k, p_k]
  std::vector<int64_t> split = {b};
  for (int64_t g : grid) split.push_back(g);
  split.push_back(c);
  for (int64_t p : patch) split.push_back(p);
  std::vector<int64_t> order = {0, k + 1};
  std::vector<int64_t> out = {b, c};
  for (int64_t i = 0; i < k; ++i) {
    order.push_back(1 + i);
    order.push_back(k + 2 + i);
    out.push_back(grid[i] * patch[i]);
  }
  return tokens.reshape(split).permute(order).reshape(out);
}

at::Tensor tokens_to_grid(const at::Tensor& tokens, at::IntArrayRef grid) {
  check_input(tokens.dim() == 3 && tokens.size(1) == product(grid), "tokens_to_grid",
              "tokens must be [B, " + std::to_string(product(grid)) + ", D], got " + c10::str(tokens.sizes()));
  std::vector<int64_t> shape = {tokens.size(0), tokens.size(2)};
  shape.insert(shape.end(), grid.begin(), grid.end());
  return tokens.transpose(1, 2).reshape(shape);
}

at::Tensor grid_to_tokens(const at::Tensor& feature_map) {
  check_input(feature_map.dim() >= 3, "grid_to_tokens",
              "feature map must be [B, D, G_1, ...], got " + c10::str(feature_map.sizes()));
  return feature_map.flatten(2).transpose(1, 2);
}

// ---- PatchEmbed<N> --------------------------------------------------------------

namespace {

template <size_t N>
const char* patch_embed_name() {
  return N == 2 ? "PatchEmbed2d" : "PatchEmbed3d";
}

}  // namespace

template <size_t N, typename Conv>
PatchEmbedImpl<N, Conv>::PatchEmbedImpl(PatchEmbedOptions<N> options) : options(options) {
  reset();
}

template <size_t N, typename Conv>
void PatchEmbedImpl<N, Conv>::reset() {
  check_embed_options(options.in_channels(), options.dim(), *options.patch_size(), patch_embed_name<N>());
  proj = this->register_module("proj", Conv(torch::nn::ConvOptions<N>(options.in_channels(), options.dim(),
                                                                       options.patch_size())
                                                .stride(options.patch_size())
                                                .bias(options.bias())));
}

template <size_t N, typename Conv>
at::Tensor PatchEmbedImpl<N, Conv>::forward(const at::Tensor& x) {
  return embed(x, options.in_channels(), *options.patch_size(), std::string(patch_embed_name<N>()) + ".forward",
               [this](const at::Tensor& v) { return proj->forward(v); });
}

template <size_t N, typename Conv>
std::vector<int64_t> PatchEmbedImpl<N, Conv>::grid(at::IntArrayRef spatial) const {
  return patch_grid(spatial, *options.patch_size(), std::string(patch_embed_name<N>()) + ".grid");
}

template <size_t N, typename Conv>
void PatchEmbedImpl<N, Conv>::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::" << patch_embed_name<N>() << "(" << options.in_channels() << " -> " << options.dim()
         << ", patch=" << options.patch_size() << ")";
}

template class PatchEmbedImpl<2, torch::nn::Conv2d>;
template class PatchEmbedImpl<3, torch::nn::Conv3d>;

}  // namespace moezoo::core
